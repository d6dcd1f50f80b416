package io.usertcp.ip.reassembly;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.DropCounters;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;
import io.usertcp.testing.pcap.TsharkFields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fragmented echo of the {@code ping} capture, sent by Linux: frames 9 and 10 are the request's two
 * fragments, 11 and 12 the reply's. tshark shows the reassembled ICMP fields on each last fragment's row.
 */
class GoldenFragmentReassemblyTest {
    private static GoldenFrames capture;

    private final DropCounters drops = new DropCounters();
    private final FragmentReassembler reassembler = new FragmentReassembler(FragmentReassemblerConfig.DEFAULT,
            PooledByteBufAllocator.DEFAULT, drops, first -> fail("nothing times out"));
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();

    @BeforeAll
    static void loadCapture() throws IOException {
        capture = GoldenFrames.load(GoldenFrames.PING);
    }

    @AfterEach
    void releaseReassembler() {
        reassembler.release();
    }

    /** Offers one captured frame, read into a direct buffer as the device would hand it over. */
    private ByteBuf offer(GoldenFrame frame) {
        ByteBuf buf = frame.record().copyToDirectBuffer(PooledByteBufAllocator.DEFAULT);
        try {
            assertNull(ethernet.wrap(buf, 0, buf.readableBytes()));
            assertNull(ip.wrap(buf, ethernet.payloadOffset(), ethernet.payloadLength()));
            return reassembler.offer(ip, 0);
        } finally {
            buf.release();
        }
    }

    /** Offers two captured fragments in the order given; the second must complete the datagram. */
    private ByteBuf reassemble(int offeredFirst, int offeredSecond) {
        assertNull(offer(capture.frame(offeredFirst)), "frame " + offeredFirst + " alone");
        ByteBuf datagram = offer(capture.frame(offeredSecond));
        assertNotNull(datagram, "frame " + offeredSecond + " completes the datagram");
        return datagram;
    }

    /**
     * Checks a datagram reassembled from the capture's fragments {@code firstFragment} (offset 0) and
     * {@code lastFragment} (no MF) against tshark's rows, then releases it.
     */
    private static void assertEcho(ByteBuf datagram, int firstFragment, int lastFragment, int icmpType) {
        try {
            TsharkFields.Row first = capture.frame(firstFragment).fields();
            TsharkFields.Row last = capture.frame(lastFragment).fields();
            Ipv4Packet whole = new Ipv4Packet();
            assertNull(whole.wrap(datagram, 0, datagram.readableBytes()), "IPv4 header checksum verifies");
            int expectedPayload = first.intValue("ip.len") - first.intValue("ip.hdr_len")
                    + last.intValue("ip.len") - last.intValue("ip.hdr_len");
            assertEquals(expectedPayload, whole.payloadLength());
            assertEquals(first.intValue("ip.id"), whole.identification());
            assertEquals(first.ipv4("ip.src"), whole.sourceAddress());
            assertEquals(first.ipv4("ip.dst"), whole.destinationAddress());

            IcmpMessage icmp = new IcmpMessage();
            assertNull(icmp.wrap(datagram, whole.payloadOffset(), whole.payloadLength()),
                    "the ICMP checksum over the whole reassembled message verifies");
            assertEquals(icmpType, icmp.type());
            assertEquals(last.intValue("icmp.type"), icmp.type());
            assertEquals(last.intValue("icmp.checksum"), icmp.checksum());
            assertEquals(last.intValue("icmp.ident"), icmp.identifier());
            assertEquals(last.intValue("icmp.seq"), icmp.sequenceNumber());
        } finally {
            datagram.release();
        }
    }

    @Test
    void linuxFragmentedEchoRequestReassemblesToAVerifyingIcmpMessage() {
        assertEcho(reassemble(9, 10), 9, 10, IcmpMessage.TYPE_ECHO_REQUEST);
        assertEquals(0, drops.total());
    }

    @Test
    void linuxFragmentedEchoReplyReassemblesToAVerifyingIcmpMessage() {
        assertEcho(reassemble(11, 12), 11, 12, IcmpMessage.TYPE_ECHO_REPLY);
        assertEquals(0, drops.total());
    }

    @Test
    void linuxFragmentsReassembleInReverseOrderToo() {
        assertEcho(reassemble(12, 11), 11, 12, IcmpMessage.TYPE_ECHO_REPLY);
    }
}
