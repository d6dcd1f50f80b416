package io.usertcp.codec.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.testing.pcap.GoldenFrame;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A golden frame copied into a pooled direct buffer, as the device hands frames to the stack, and decoded
 * through the codec's views. Each accessor wraps its layer and the ones below it afresh and asserts that
 * every wrap accepted the frame (returned no DropReason). Close it to release the buffer.
 */
final class DecodedFrame implements AutoCloseable {
    private final ByteBuf buf;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final IcmpMessage icmp = new IcmpMessage();
    private final TcpSegment tcp = new TcpSegment();

    DecodedFrame(GoldenFrame frame) {
        buf = frame.record().copyToDirectBuffer(PooledByteBufAllocator.DEFAULT);
    }

    /** The captured bytes, from index 0. */
    ByteBuf buffer() {
        return buf;
    }

    EthernetFrame ethernet() {
        assertNull(ethernet.wrap(buf, buf.readerIndex(), buf.readableBytes()), "EthernetFrame.wrap");
        return ethernet;
    }

    ArpPacket arp() {
        EthernetFrame frame = ethernet();
        assertNull(arp.wrap(buf, frame.payloadOffset(), frame.payloadLength()), "ArpPacket.wrap");
        return arp;
    }

    Ipv4Packet ipv4() {
        EthernetFrame frame = ethernet();
        assertNull(ipv4.wrap(buf, frame.payloadOffset(), frame.payloadLength()), "Ipv4Packet.wrap");
        return ipv4;
    }

    IcmpMessage icmp() {
        Ipv4Packet ip = ipv4();
        assertNull(icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength()), "IcmpMessage.wrap");
        return icmp;
    }

    /** The segment, its checksum verified with the frame's own IPv4 addresses in the pseudo-header. */
    TcpSegment tcp() {
        Ipv4Packet ip = ipv4();
        assertNull(tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength(), ip.sourceAddress(), ip.destinationAddress()),
                "TcpSegment.wrap");
        return tcp;
    }

    @Override
    public void close() {
        buf.release();
    }
}
