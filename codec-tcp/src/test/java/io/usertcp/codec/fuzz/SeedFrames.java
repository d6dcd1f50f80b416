package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.arp.ArpPacketWriter;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The mutator's starting points: the golden frames captured from Linux, and valid frames of every kind
 * the stack receives built with the codec's own writers (including what the captures lack: all four
 * SACK block counts, IPv4 options, a UDP datagram). Between them they hold every header and option the
 * decoders parse, so mutations land on real structure.
 */
public final class SeedFrames {
    public static final int HOST = Ipv4Address.parse("198.18.0.1");
    public static final int PEER = Ipv4Address.parse("198.18.0.2");
    /** A router between the two, the source of ICMP errors. */
    static final int ROUTER = Ipv4Address.parse("198.18.0.254");
    public static final long HOST_MAC = MacAddress.parse("02:00:c6:12:00:01");
    public static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:02");

    /** The ports of the TCP seeds built here: the host's, and the peer's. */
    public static final int HOST_PORT = 40001;
    public static final int PEER_PORT = 5001;
    private static final int ISS = 0x1A2B3C4D;
    private static final int IRS = 0x5E6F7081;
    private static final int TS_VAL = 0x00C0FFEE;
    private static final int TS_ECR = 0x0BADF00D;
    /** Ethernet's 60-byte minimum without FCS, to which senders pad short frames. */
    private static final int MIN_FRAME = 60;
    private static final FrameBuffers BUFFERS = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    private SeedFrames() {
    }

    /** Every seed: the golden frames captured from Linux, then the frames built here. */
    public static List<SeedFrame> all() {
        List<SeedFrame> seeds = new ArrayList<>();
        for (String capture : List.of(GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP)) {
            for (GoldenFrame frame : loadGolden(capture).frames()) {
                seeds.add(new SeedFrame(capture + ".pcap frame " + frame.number(), frame.bytes()));
            }
        }
        seeds.addAll(builtWithWriters());
        return seeds;
    }

    private static GoldenFrames loadGolden(String capture) {
        try {
            return GoldenFrames.load(capture);
        } catch (IOException e) {
            throw new UncheckedIOException("golden capture " + capture + " unreadable", e);
        }
    }

    public static List<SeedFrame> builtWithWriters() {
        List<SeedFrame> seeds = new ArrayList<>();
        byte[] arpRequest = arp(ArpPacket.OPERATION_REQUEST, MacAddress.BROADCAST, 0);
        seeds.add(new SeedFrame("arp-request", arpRequest));
        seeds.add(new SeedFrame("arp-request-padded", Arrays.copyOf(arpRequest, MIN_FRAME)));
        seeds.add(new SeedFrame("arp-reply", arp(ArpPacket.OPERATION_REPLY, HOST_MAC, HOST_MAC)));

        seeds.add(new SeedFrame("echo-request", echo(IcmpMessage.TYPE_ECHO_REQUEST)));
        seeds.add(new SeedFrame("echo-reply", echo(IcmpMessage.TYPE_ECHO_REPLY)));

        TcpOptions synOptions = new TcpOptions().setMss(1460).setSackPermitted(true)
                .setTimestamps(TS_VAL, 0).setWindowScale(7);
        byte[] syn = tcp(TcpFlags.SYN, ISS, 0, synOptions, 0);
        byte[] data = tcp(TcpFlags.PSH | TcpFlags.ACK, ISS + 1, IRS + 1, timestamps(), 1448);
        byte[] udp = udp();
        seeds.add(new SeedFrame("tcp-syn-all-options", syn));
        seeds.add(new SeedFrame("tcp-syn-ack", tcp(TcpFlags.SYN | TcpFlags.ACK, IRS, ISS + 1,
                new TcpOptions().setMss(1460).setSackPermitted(true).setWindowScale(9), 0)));
        seeds.add(new SeedFrame("tcp-data-timestamps", data));
        seeds.add(new SeedFrame("tcp-data-odd-length", tcp(TcpFlags.PSH | TcpFlags.ACK, ISS + 1, IRS + 1,
                timestamps(), 5)));
        for (int blocks = 1; blocks <= 3; blocks++) {
            seeds.add(new SeedFrame("tcp-sack-" + blocks + "-timestamps",
                    tcp(TcpFlags.ACK, ISS + 1, IRS + 1, sack(timestamps(), blocks), 0)));
        }
        seeds.add(new SeedFrame("tcp-sack-4", tcp(TcpFlags.ACK, ISS + 1, IRS + 1, sack(new TcpOptions(), 4), 0)));
        seeds.add(new SeedFrame("tcp-fin", tcp(TcpFlags.FIN | TcpFlags.ACK, ISS + 1, IRS + 1, timestamps(), 0)));
        seeds.add(new SeedFrame("tcp-rst", tcp(TcpFlags.RST, ISS + 1, 0, new TcpOptions(), 0)));
        seeds.add(new SeedFrame("tcp-ack-padded",
                Arrays.copyOf(tcp(TcpFlags.ACK, ISS + 1, IRS + 1, new TcpOptions(), 0), MIN_FRAME)));
        seeds.add(new SeedFrame("ipv4-router-alert-option", withIpOptions(syn,
                0x94, 0x04, 0x00, 0x00)));
        seeds.add(new SeedFrame("ipv4-record-route-option", withIpOptions(data, recordRoute())));
        seeds.add(new SeedFrame("udp", udp));

        seeds.add(new SeedFrame("icmp-fragmentation-needed", icmpError(IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1280, data)));
        seeds.add(new SeedFrame("icmp-time-exceeded", icmpError(IcmpMessage.TYPE_TIME_EXCEEDED,
                IcmpMessage.CODE_TTL_EXCEEDED, 0, syn)));
        seeds.add(new SeedFrame("icmp-port-unreachable", icmpError(IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                IcmpMessage.CODE_PORT_UNREACHABLE, 0, udp)));
        return seeds;
    }

    private static TcpOptions timestamps() {
        return new TcpOptions().setTimestamps(TS_VAL, TS_ECR);
    }

    private static TcpOptions sack(TcpOptions options, int blocks) {
        for (int block = 0; block < blocks; block++) {
            int left = IRS + 1 + 2896 * (block + 1);
            options.addSackBlock(left, left + 1448);
        }
        return options;
    }

    private static byte[] arp(int operation, long destinationMac, long targetMac) {
        return build(0, buf -> {
            ArpPacketWriter.prepend(buf, operation, PEER_MAC, PEER, targetMac, HOST);
            EthernetHeaderWriter.prepend(buf, destinationMac, PEER_MAC, EthernetFrame.ETHERTYPE_ARP);
        });
    }

    private static byte[] echo(int type) {
        return build(56, buf -> {
            IcmpMessageWriter.prependEcho(buf, type, 0x4242, 7);
            ipv4AndEthernet(buf, Ipv4Packet.PROTOCOL_ICMP, PEER, HOST);
        });
    }

    private static byte[] tcp(int flags, int sequence, int acknowledgment, TcpOptions options, int payloadLength) {
        return build(payloadLength, buf -> {
            TcpSegmentWriter.prepend(buf, PEER, HOST, PEER_PORT, HOST_PORT, sequence, acknowledgment, flags, 502, 0,
                    options);
            ipv4AndEthernet(buf, Ipv4Packet.PROTOCOL_TCP, PEER, HOST);
        });
    }

    /** UDP has no writer in the codec (the stack does not speak it): 8 header bytes by hand, checksum 0 (none). */
    private static byte[] udp() {
        return build(0, buf -> {
            buf.writeShort(33000).writeShort(33434).writeShort(8 + 12).writeShort(0);
            buf.writeBytes(pattern(12));
            ipv4AndEthernet(buf, Ipv4Packet.PROTOCOL_UDP, HOST, PEER);
        });
    }

    /** An error from a router about {@code offending}, a frame the host sent, quoted as Linux quotes it. */
    private static byte[] icmpError(int type, int code, int restOfHeader, byte[] offendingFrame) {
        ByteBuf offending = PooledByteBufAllocator.DEFAULT.directBuffer(offendingFrame.length);
        try {
            offending.writeBytes(offendingFrame);
            Ipv4Packet datagram = new Ipv4Packet();
            if (datagram.wrap(offending, EthernetFrame.HEADER_LENGTH,
                    offendingFrame.length - EthernetFrame.HEADER_LENGTH) != null) {
                throw new IllegalStateException("seed to quote is not a valid IPv4 frame");
            }
            ByteBuf buf = BUFFERS.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
            try {
                IcmpMessageWriter.appendQuote(buf, datagram);
                IcmpMessageWriter.prependError(buf, type, code, restOfHeader);
                Ipv4HeaderWriter.prepend(buf, 0xC0, 1, 0, Ipv4HeaderWriter.DEFAULT_TTL, Ipv4Packet.PROTOCOL_ICMP,
                        ROUTER, HOST);
                EthernetHeaderWriter.prepend(buf, HOST_MAC, PEER_MAC, EthernetFrame.ETHERTYPE_IPV4);
                return ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
        } finally {
            offending.release();
        }
    }

    /** RFC 791 3.1 record route with room for 9 addresses: the option that fills a 60-byte header. */
    private static int[] recordRoute() {
        int[] option = new int[40];
        option[0] = 1; // a NOP first, so the option itself starts unaligned
        option[1] = 7;
        option[2] = 39;
        option[3] = 4;
        return option;
    }

    /** {@code frame} with these IPv4 options inserted after the fixed header, lengths and checksums redone. */
    private static byte[] withIpOptions(byte[] frame, int... options) {
        int ip = EthernetFrame.HEADER_LENGTH;
        int optionsAt = ip + Ipv4Packet.MIN_HEADER_LENGTH;
        byte[] result = new byte[frame.length + options.length];
        System.arraycopy(frame, 0, result, 0, optionsAt);
        for (int i = 0; i < options.length; i++) {
            result[optionsAt + i] = (byte) options[i];
        }
        System.arraycopy(frame, optionsAt, result, optionsAt + options.length, frame.length - optionsAt);
        result[ip] = (byte) (Ipv4Packet.VERSION << 4 | (Ipv4Packet.MIN_HEADER_LENGTH + options.length) / 4);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(result.length);
        try {
            buf.writeBytes(result);
            new ChecksumRepair().repairFrame(buf, 0, result.length, true);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static void ipv4AndEthernet(ByteBuf buf, int protocol, int source, int destination) {
        Ipv4HeaderWriter.prepend(buf, 0, 0x1234, Ipv4Packet.FLAG_DONT_FRAGMENT, Ipv4HeaderWriter.DEFAULT_TTL,
                protocol, source, destination);
        long sourceMac = source == HOST ? HOST_MAC : PEER_MAC;
        long destinationMac = source == HOST ? PEER_MAC : HOST_MAC;
        EthernetHeaderWriter.prepend(buf, destinationMac, sourceMac, EthernetFrame.ETHERTYPE_IPV4);
    }

    /** A frame whose payload is {@code payloadLength} pattern bytes, then whatever {@code layers} prepend. */
    private static byte[] build(int payloadLength, Consumer<ByteBuf> layers) {
        ByteBuf buf = BUFFERS.allocate(payloadLength);
        try {
            buf.writeBytes(pattern(payloadLength));
            layers.accept(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
