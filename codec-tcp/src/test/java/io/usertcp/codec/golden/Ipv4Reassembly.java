package io.usertcp.codec.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Puts together, from the fragments in a capture, the payload of the IPv4 datagram one fragment belongs to,
 * reading every fragment through the codec's views. Not the stack's reassembly: only what a test needs to
 * check the fields tshark shows for the whole datagram, in a capture without overlaps or duplicates.
 */
final class Ipv4Reassembly {
    private Ipv4Reassembly() {
    }

    /**
     * The reassembled payload in a pooled direct buffer, readable from index 0; the caller releases it.
     * Fails unless the capture holds every fragment, from offset 0 to one without MF.
     */
    static ByteBuf payload(GoldenFrames capture, GoldenFrame fragment) {
        DatagramId datagram;
        try (DecodedFrame decoded = new DecodedFrame(fragment)) {
            Ipv4Packet ip = decoded.ipv4();
            assertTrue(ip.isFragment(), "frame " + fragment.number() + " is not a fragment");
            datagram = DatagramId.of(ip);
        }
        ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(Ipv4Packet.MAX_TOTAL_LENGTH);
        try {
            int received = 0;
            int length = -1;
            for (GoldenFrame frame : capture.frames()) {
                try (DecodedFrame decoded = new DecodedFrame(frame)) {
                    if (decoded.ethernet().etherType() != EthernetFrame.ETHERTYPE_IPV4) {
                        continue;
                    }
                    Ipv4Packet ip = decoded.ipv4();
                    if (!ip.isFragment() || !DatagramId.of(ip).equals(datagram)) {
                        continue;
                    }
                    // RFC 791 3.2: each fragment's data goes at its offset; the one without MF fixes the length
                    payload.setBytes(ip.fragmentOffset(), decoded.buffer(), ip.payloadOffset(), ip.payloadLength());
                    received += ip.payloadLength();
                    if (!ip.moreFragments()) {
                        length = ip.fragmentOffset() + ip.payloadLength();
                    }
                }
            }
            assertTrue(length >= 0, "the capture lacks the last fragment of frame " + fragment.number() + "'s datagram");
            assertEquals(length, received, "fragment bytes received for a datagram of " + length + " bytes");
            payload.writerIndex(length);
            return payload;
        } catch (Throwable e) {
            payload.release();
            throw e;
        }
    }

    /** RFC 791 3.2: fragments of one datagram share source, destination, protocol and identification. */
    private record DatagramId(int source, int destination, int protocol, int identification) {
        static DatagramId of(Ipv4Packet ip) {
            return new DatagramId(ip.sourceAddress(), ip.destinationAddress(), ip.protocol(), ip.identification());
        }
    }
}
