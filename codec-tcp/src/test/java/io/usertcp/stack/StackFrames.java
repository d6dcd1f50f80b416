package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
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

import java.util.ArrayList;
import java.util.List;

/** Builds the frames stack tests send in, and a stack on an EmbeddedChannel to send them to. */
final class StackFrames {
    static final int OUR_IP = Ipv4Address.parse("198.18.0.1");
    static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final int PEER_IP = Ipv4Address.parse("198.18.0.2");
    static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final int GATEWAY_IP = Ipv4Address.parse("198.18.0.254");
    static final int REMOTE_IP = Ipv4Address.parse("198.19.7.7");
    static final FrameBuffers BUFFERS = new FrameBuffers(UnpooledByteBufAllocator.DEFAULT);

    private StackFrames() {
    }

    static StackConfig.Builder config() {
        return StackConfig.builder(OUR_IP, 24, OUR_MAC);
    }

    static ByteBuf arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp,
                       long destinationMac) {
        ByteBuf frame = BUFFERS.allocate(0);
        ArpPacketWriter.prepend(frame, operation, senderMac, senderIp, targetMac, targetIp);
        EthernetHeaderWriter.prepend(frame, destinationMac, senderMac, EthernetFrame.ETHERTYPE_ARP);
        return frame;
    }

    static ByteBuf arpRequestFromPeer(int targetIp) {
        return arp(ArpPacket.OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, targetIp, MacAddress.BROADCAST);
    }

    /** An IPv4 frame to our MAC carrying {@code payload}; flagsAndOffset is the raw field. */
    static ByteBuf ipv4(int source, int destination, int protocol, int identification, int flagsAndOffset, int ttl,
                        byte[] payload) {
        ByteBuf frame = BUFFERS.allocate(payload.length);
        frame.writeBytes(payload);
        Ipv4HeaderWriter.prepend(frame, 0, identification, flagsAndOffset, ttl, protocol, source, destination);
        EthernetHeaderWriter.prepend(frame, OUR_MAC, PEER_MAC, EthernetFrame.ETHERTYPE_IPV4);
        return frame;
    }

    static ByteBuf ipv4(int source, int destination, int protocol, byte[] payload) {
        return ipv4(source, destination, protocol, 1, 0, 64, payload);
    }

    /** An ICMP message (header + body) as bytes, checksum filled in. */
    static byte[] echo(int type, int identifier, int sequence, byte[] data) {
        ByteBuf message = BUFFERS.allocate(data.length);
        try {
            message.writeBytes(data);
            IcmpMessageWriter.prependEcho(message, type, identifier, sequence);
            return bytes(message);
        } finally {
            message.release();
        }
    }

    static byte[] icmpError(int type, int code, int restOfHeader, byte[] quotedDatagram) {
        ByteBuf message = BUFFERS.allocate(quotedDatagram.length);
        try {
            message.writeBytes(quotedDatagram);
            IcmpMessageWriter.prependError(message, type, code, restOfHeader);
            return bytes(message);
        } finally {
            message.release();
        }
    }

    /** A bare IPv4 datagram (no Ethernet header) as bytes. */
    static byte[] datagram(int source, int destination, int protocol, byte[] payload) {
        ByteBuf frame = BUFFERS.allocate(payload.length);
        try {
            frame.writeBytes(payload);
            Ipv4HeaderWriter.prepend(frame, 0, 77, Ipv4Packet.FLAG_DONT_FRAGMENT, 64, protocol, source, destination);
            return bytes(frame);
        } finally {
            frame.release();
        }
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    static List<ByteBuf> readFrames(EmbeddedChannel channel) {
        List<ByteBuf> frames = new ArrayList<>();
        Object frame;
        while ((frame = channel.readOutbound()) != null) {
            frames.add((ByteBuf) frame);
        }
        return frames;
    }

    static void releaseAll(List<ByteBuf> frames) {
        for (ByteBuf frame : frames) {
            frame.release();
        }
    }

    static MockTicker ticker() {
        return Ticker.newMockTicker();
    }

    /** The IPv4 packet in an outbound frame, or fails. */
    static Ipv4Packet ipv4Of(ByteBuf frame) {
        EthernetFrame ethernet = new EthernetFrame();
        if (ethernet.wrap(frame, frame.readerIndex(), frame.readableBytes()) != null
                || ethernet.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
            throw new AssertionError("not an IPv4 frame");
        }
        Ipv4Packet packet = new Ipv4Packet();
        if (packet.wrap(frame, ethernet.payloadOffset(), ethernet.payloadLength()) != null) {
            throw new AssertionError("invalid IPv4 datagram");
        }
        return packet;
    }

    static IcmpMessage icmpOf(ByteBuf frame) {
        Ipv4Packet packet = ipv4Of(frame);
        IcmpMessage icmp = new IcmpMessage();
        if (packet.protocol() != Ipv4Packet.PROTOCOL_ICMP
                || icmp.wrap(frame, packet.payloadOffset(), packet.payloadLength()) != null) {
            throw new AssertionError("not a valid ICMP message");
        }
        return icmp;
    }

    static ArpPacket arpOf(ByteBuf frame) {
        EthernetFrame ethernet = new EthernetFrame();
        ArpPacket arp = new ArpPacket();
        if (ethernet.wrap(frame, frame.readerIndex(), frame.readableBytes()) != null
                || ethernet.etherType() != EthernetFrame.ETHERTYPE_ARP
                || arp.wrap(frame, ethernet.payloadOffset(), ethernet.payloadLength()) != null) {
            throw new AssertionError("not a valid ARP frame");
        }
        return arp;
    }
}
