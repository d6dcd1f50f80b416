package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.stack.StackConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The fuzzer's judge of sent frames: it passes what the stack may send and names what it must not. */
class SentFrameCheckTest {
    private static final int US = StackFuzzer.VICTIM_ADDRESS;
    private static final int PEER = StackFuzzer.PEER_ADDRESS;
    private static final FrameBuffers BUFFERS = new FrameBuffers(UnpooledByteBufAllocator.DEFAULT);

    private final SentFrameCheck check =
            new SentFrameCheck(StackConfig.builder(US, 24, StackFuzzer.VICTIM_MAC).build());

    private static ByteBuf tcpFrame(int destination) {
        ByteBuf frame = BUFFERS.allocate(0);
        TcpSegmentWriter.prepend(frame, US, destination, 5001, 40000, 1, 2, TcpFlags.RST | TcpFlags.ACK, 0, 0,
                new TcpOptions());
        Ipv4HeaderWriter.prepend(frame, 0, 1, Ipv4Packet.FLAG_DONT_FRAGMENT, 64, Ipv4Packet.PROTOCOL_TCP, US,
                destination);
        EthernetHeaderWriter.prepend(frame, StackFuzzer.PEER_MAC, StackFuzzer.VICTIM_MAC,
                EthernetFrame.ETHERTYPE_IPV4);
        return frame;
    }

    private String judge(ByteBuf frame) {
        try {
            return check.problem(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void aWellFormedResetIsPassedAndSortedByItsFlags() {
        assertNull(judge(tcpFrame(PEER)));
        assertEquals(1L << (TcpFlags.RST | TcpFlags.ACK), check.tcpFlagSets);
    }

    @Test
    void aSegmentWithABadChecksumIsNamed() {
        ByteBuf frame = tcpFrame(PEER);
        int checksum = frame.readerIndex() + EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH + 16;
        frame.setByte(checksum, frame.getByte(checksum) ^ 1);
        assertNotNull(judge(frame));
    }

    @Test
    void aSegmentToTheSubnetBroadcastIsNamed() {
        assertNotNull(judge(tcpFrame(Ipv4Address.parse("198.18.0.255"))));
    }

    @Test
    void anErrorQuotingAWholeDatagramWithoutPayloadIsPassed() {
        ByteBuf offending = BUFFERS.allocate(0);
        ByteBuf frame = BUFFERS.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        try {
            Ipv4HeaderWriter.prepend(offending, 0, 1, 0, 64, 0, PEER, US);
            Ipv4Packet datagram = new Ipv4Packet();
            assertNull(datagram.wrap(offending, offending.readerIndex(), offending.readableBytes()));
            IcmpMessageWriter.appendQuote(frame, datagram);
        } finally {
            offending.release();
        }
        IcmpMessageWriter.prependError(frame, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                IcmpMessage.CODE_PROTOCOL_UNREACHABLE, 0);
        Ipv4HeaderWriter.prepend(frame, 0, 2, 0, 64, Ipv4Packet.PROTOCOL_ICMP, US, PEER);
        EthernetHeaderWriter.prepend(frame, StackFuzzer.PEER_MAC, StackFuzzer.VICTIM_MAC,
                EthernetFrame.ETHERTYPE_IPV4);
        assertNull(judge(frame));
        assertEquals(1L << SentFrameCheck.ICMP_UNREACHABLE, check.otherKinds);
    }
}
