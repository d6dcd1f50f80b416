package io.usertcp.codec.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.arp.ArpPacketWriter;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * encode(decode(frame)) gives back every captured frame byte for byte. Each frame is decoded through the
 * views, then built again by the writers alone from the decoded fields in a {@link FrameBuffers} buffer:
 * the payload is copied in (the one copy), every header is prepended, and every checksum is computed by
 * the writers, so a match proves the checksum code as well as the layout.
 */
@ExtendWith(FrameNameOnFailure.class)
class GoldenRoundTripTest {
    private static final FrameBuffers FRAME_BUFFERS = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "arpFrames")
    void arpFrameIsRebuiltByteForByte(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            ArpPacket arp = decoded.arp();
            EthernetFrame ethernet = decoded.ethernet();
            int packetEnd = arp.offset() + arp.length();
            ByteBuf out = FRAME_BUFFERS.allocate(trailerLength(ethernet, packetEnd));
            try {
                ArpPacketWriter.prepend(out, arp.operation(), arp.senderMac(), arp.senderIp(), arp.targetMac(),
                        arp.targetIp());
                EthernetHeaderWriter.prepend(out, ethernet.destination(), ethernet.source(), ethernet.etherType());
                appendCapturedTrailer(out, ethernet, packetEnd);

                assertSameBytes(frame.bytes(), out);
            } finally {
                out.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "pingFrames")
    void pingFrameIsRebuiltByteForByte(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet ip = decoded.ipv4();
            EthernetFrame ethernet = decoded.ethernet();
            int datagramEnd = ip.offset() + ip.length();
            ByteBuf out = FRAME_BUFFERS.allocate(ip.payloadLength() + trailerLength(ethernet, datagramEnd));
            try {
                if (ip.fragmentOffset() > 0 || ip.protocol() == Ipv4Packet.PROTOCOL_UDP) {
                    // A later fragment carries bytes of the middle of a message, and UDP has no codec yet:
                    // the IPv4 payload is the payload, copied as captured.
                    out.writeBytes(decoded.buffer(), ip.payloadOffset(), ip.payloadLength());
                } else if (ip.moreFragments()) {
                    writeFirstFragmentOfIcmpMessage(out, frame, ip.payloadLength());
                } else {
                    IcmpMessage icmp = decoded.icmp();
                    out.writeBytes(icmp.buffer(), icmp.payloadOffset(), icmp.payloadLength());
                    prependIcmpHeader(out, icmp);
                }
                prependIpv4AndEthernet(out, decoded);
                appendCapturedTrailer(out, ethernet, datagramEnd);

                assertSameBytes(frame.bytes(), out);
            } finally {
                out.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void tcpFrameIsRebuiltByteForByte(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            TcpSegment segment = decoded.tcp();
            Ipv4Packet ip = decoded.ipv4();
            EthernetFrame ethernet = decoded.ethernet();
            int datagramEnd = ip.offset() + ip.length();
            ByteBuf out = FRAME_BUFFERS.allocate(segment.payloadLength() + trailerLength(ethernet, datagramEnd));
            try {
                out.writeBytes(segment.buffer(), segment.payloadOffset(), segment.payloadLength());
                TcpSegmentWriter.prepend(out, ip.sourceAddress(), ip.destinationAddress(), segment.sourcePort(),
                        segment.destinationPort(), segment.sequenceNumber(), segment.acknowledgmentNumber(),
                        segment.flags(), segment.window(), segment.urgentPointer(), optionsAsSet(segment.options()));
                prependIpv4AndEthernet(out, decoded);
                appendCapturedTrailer(out, ethernet, datagramEnd);

                assertSameBytes(frame.bytes(), out);
            } finally {
                out.release();
            }
        }
    }

    /**
     * The first fragment of a fragmented ICMP message. Its checksum covers the whole message (RFC 792), so
     * the message is rebuilt whole from the reassembled datagram's echo data, and the fragment then keeps
     * its first {@code fragmentPayloadLength} bytes, as a fragmenting sender does.
     */
    private static void writeFirstFragmentOfIcmpMessage(ByteBuf out, GoldenFrame frame, int fragmentPayloadLength) {
        ByteBuf datagram = Ipv4Reassembly.payload(GoldenFrameSource.capture(GoldenFrames.PING), frame);
        try {
            IcmpMessage icmp = new IcmpMessage();
            assertNull(icmp.wrap(datagram, 0, datagram.readableBytes()), "IcmpMessage.wrap of the reassembled datagram");
            out.writeBytes(datagram, icmp.payloadOffset(), icmp.payloadLength());
            prependIcmpHeader(out, icmp);
        } finally {
            datagram.release();
        }
        out.writerIndex(out.readerIndex() + fragmentPayloadLength);
    }

    private static void prependIcmpHeader(ByteBuf out, IcmpMessage icmp) {
        switch (icmp.type()) {
            case IcmpMessage.TYPE_ECHO_REQUEST:
            case IcmpMessage.TYPE_ECHO_REPLY:
                IcmpMessageWriter.prependEcho(out, icmp.type(), icmp.identifier(), icmp.sequenceNumber());
                break;
            case IcmpMessage.TYPE_DESTINATION_UNREACHABLE:
            case IcmpMessage.TYPE_TIME_EXCEEDED:
                // RFC 1191: fragmentation needed carries the next-hop MTU in the low 16 bits; RFC 792: the
                // four bytes are otherwise unused, zero
                boolean fragmentationNeeded = icmp.type() == IcmpMessage.TYPE_DESTINATION_UNREACHABLE
                        && icmp.code() == IcmpMessage.CODE_FRAGMENTATION_NEEDED;
                IcmpMessageWriter.prependError(out, icmp.type(), icmp.code(), fragmentationNeeded ? icmp.nextHopMtu() : 0);
                break;
            default:
                fail("no writer for ICMP type " + icmp.type());
        }
    }

    private static void prependIpv4AndEthernet(ByteBuf out, DecodedFrame decoded) {
        Ipv4Packet ip = decoded.ipv4();
        Ipv4HeaderWriter.prepend(out, ip.typeOfService(), ip.identification(), ip.flagsAndFragmentOffset(), ip.ttl(),
                ip.protocol(), ip.sourceAddress(), ip.destinationAddress());
        EthernetFrame ethernet = decoded.ethernet();
        EthernetHeaderWriter.prepend(out, ethernet.destination(), ethernet.source(), ethernet.etherType());
    }

    /** The decoded options, put into a fresh holder through its setters as the engine would. */
    private static TcpOptions optionsAsSet(TcpOptions decoded) {
        TcpOptions options = new TcpOptions()
                .setMss(decoded.mss())
                .setWindowScale(decoded.windowScale())
                .setSackPermitted(decoded.sackPermitted());
        if (decoded.hasTimestamps()) {
            options.setTimestamps(decoded.tsVal(), decoded.tsEcr());
        }
        for (int block = 0; block < decoded.sackBlockCount(); block++) {
            options.addSackBlock(decoded.sackLeftEdge(block), decoded.sackRightEdge(block));
        }
        return options;
    }

    private static int trailerLength(EthernetFrame ethernet, int upperLayerEnd) {
        return ethernet.offset() + ethernet.length() - upperLayerEnd;
    }

    /**
     * Bytes a sender put after the upper-layer packet (arping's 16-byte eth.trailer) belong to no header,
     * and EthernetHeaderWriter by design adds no padding, so they are appended as captured.
     */
    private static void appendCapturedTrailer(ByteBuf out, EthernetFrame ethernet, int upperLayerEnd) {
        out.writeBytes(ethernet.buffer(), upperLayerEnd, trailerLength(ethernet, upperLayerEnd));
    }

    private static void assertSameBytes(byte[] captured, ByteBuf rebuilt) {
        byte[] bytes = ByteBufUtil.getBytes(rebuilt);
        assertEquals(ByteBufUtil.hexDump(captured), ByteBufUtil.hexDump(bytes),
                () -> "first difference at frame byte " + Arrays.mismatch(captured, bytes));
    }
}
