package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.usertcp.stack.StackFrames.GATEWAY_IP;
import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static io.usertcp.stack.StackFrames.REMOTE_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpHandlerTest {
    private static final int ICMP = Ipv4Packet.PROTOCOL_ICMP;
    private static final int UDP = Ipv4Packet.PROTOCOL_UDP;

    @Test
    void echoRequestIsAnsweredWithTheSameIdentifierSequenceAndData() {
        byte[] data = StackFrames.pattern(56);
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(StackFrames.config().build())) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, ICMP,
                    StackFrames.echo(IcmpMessage.TYPE_ECHO_REQUEST, 0xBEEF, 0xFFFE, data)));
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                Ipv4Packet datagram = StackFrames.ipv4Of(sent.get(0));
                assertEquals(OUR_IP, datagram.sourceAddress());
                assertEquals(PEER_IP, datagram.destinationAddress());
                IcmpMessage reply = StackFrames.icmpOf(sent.get(0));
                assertEquals(IcmpMessage.TYPE_ECHO_REPLY, reply.type());
                assertEquals(0, reply.code());
                assertEquals(0xBEEF, reply.identifier());
                assertEquals(0xFFFE, reply.sequenceNumber());
                byte[] echoed = new byte[reply.payloadLength()];
                reply.buffer().getBytes(reply.payloadOffset(), echoed);
                assertArrayEquals(data, echoed);
            } finally {
                StackFrames.releaseAll(sent);
            }
            assertEquals(1, stack.counters().icmpIn(IcmpMessage.TYPE_ECHO_REQUEST));
            assertEquals(1, stack.counters().icmpOut(IcmpMessage.TYPE_ECHO_REPLY));
        }
    }

    @Test
    void echoRequestToBroadcastIsIgnored() {
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(StackFrames.config().build())) {
            stack.receive(StackFrames.ipv4(PEER_IP, Ipv4Address.LIMITED_BROADCAST, ICMP,
                    StackFrames.echo(IcmpMessage.TYPE_ECHO_REQUEST, 1, 1, new byte[8])));
            List<ByteBuf> sent = stack.sent();
            StackFrames.releaseAll(sent);
            assertTrue(sent.isEmpty());
            assertEquals(1, stack.drops(DropReason.ICMP_BROADCAST_ECHO));
        }
    }

    @Test
    void badIcmpChecksumIsDroppedAndCounted() {
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(StackFrames.config().build())) {
            byte[] message = StackFrames.echo(IcmpMessage.TYPE_ECHO_REQUEST, 1, 1, new byte[8]);
            message[9] ^= 0x10;
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, ICMP, message));
            List<ByteBuf> sent = stack.sent();
            StackFrames.releaseAll(sent);
            assertTrue(sent.isEmpty());
            assertEquals(1, stack.drops(DropReason.BAD_ICMP_CHECKSUM));
        }
    }

    @Test
    void fragmentationNeededForOurTcpSegmentBecomesAnIcmpErrorEvent() {
        try (TestStack stack = TestStack.started(StackFrames.config().gateway(GATEWAY_IP).build())) {
            stack.receive(StackFrames.ipv4(GATEWAY_IP, OUR_IP, ICMP, StackFrames.icmpError(
                    IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1280,
                    StackFrames.datagram(OUR_IP, REMOTE_IP, Ipv4Packet.PROTOCOL_TCP, tcpHeader(40000, 443,
                            0xFFFFFF00)))));
            assertEquals(List.of(new TestStack.ErrorSeen(IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                    IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1280, GATEWAY_IP, OUR_IP, REMOTE_IP, 40000, 443,
                    0xFFFFFF00)), stack.errorEvents);
            assertTrue(stack.delivered.isEmpty(), "the error is an event, not a segment");
        }
    }

    @Test
    void errorQuotingAnotherSourceIsDroppedAsNotOurs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, ICMP, StackFrames.icmpError(
                    IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0,
                    StackFrames.datagram(Ipv4Address.parse("198.18.0.9"), REMOTE_IP, Ipv4Packet.PROTOCOL_TCP,
                            tcpHeader(1, 2, 3)))));
            assertTrue(stack.errorEvents.isEmpty());
            assertEquals(1, stack.drops(DropReason.ICMP_QUOTE_NOT_OURS));
        }
    }

    @Test
    void sourceQuenchIsIgnored() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, ICMP, StackFrames.icmpError(
                    IcmpErrorReporter.TYPE_SOURCE_QUENCH, 0, 0,
                    StackFrames.datagram(OUR_IP, REMOTE_IP, Ipv4Packet.PROTOCOL_TCP, tcpHeader(1, 2, 3)))));
            assertTrue(stack.errorEvents.isEmpty());
            assertEquals(1, stack.drops(DropReason.ICMP_IGNORED_TYPE));
        }
    }

    @Test
    void tcpSegmentsPassThroughUntouched() {
        try (TestStack stack = TestStack.started()) {
            byte[] segment = StackFrames.pattern(33);
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, segment));
            assertEquals(1, stack.delivered.size());
            assertArrayEquals(segment, stack.delivered.get(0).transport());
        }
    }

    @Test
    void unsupportedProtocolIsAnsweredWithProtocolUnreachable() {
        byte[] udp = StackFrames.pattern(30);
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(StackFrames.config().build())) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, UDP, udp));
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                IcmpMessage error = StackFrames.icmpOf(sent.get(0));
                assertEquals(IcmpMessage.TYPE_DESTINATION_UNREACHABLE, error.type());
                assertEquals(IcmpMessage.CODE_PROTOCOL_UNREACHABLE, error.code());
                Ipv4Packet quote = error.quotedDatagram();
                assertEquals(PEER_IP, quote.sourceAddress());
                assertEquals(UDP, quote.protocol());
                byte[] quoted = new byte[quote.payloadLength()];
                quote.buffer().getBytes(quote.payloadOffset(), quoted);
                assertArrayEquals(udp, quoted);
            } finally {
                StackFrames.releaseAll(sent);
            }
            assertEquals(1, stack.drops(DropReason.UNSUPPORTED_PROTOCOL));
        }
    }

    @Test
    void icmpErrorsAreRateLimitedByTheTokenBucket() {
        StackConfig config = StackFrames.config().icmpErrorRateLimit(10, 2).build();
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(config)) {
            assertEquals(2, errorsFor(stack, 5), "the burst of 2");
            stack.ticker.advance(100, TimeUnit.MILLISECONDS);
            assertEquals(1, errorsFor(stack, 5), "one token per 100 ms at 10/s");
            assertEquals(7, stack.counters().icmpErrorsRateLimited());
            assertEquals(10, stack.drops(DropReason.UNSUPPORTED_PROTOCOL));
        }
    }

    private static int errorsFor(TestStack stack, int datagrams) {
        for (int i = 0; i < datagrams; i++) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, UDP, new byte[12]));
        }
        List<ByteBuf> sent = stack.sent();
        StackFrames.releaseAll(sent);
        return sent.size();
    }

    @Test
    void incompleteDatagramTimesOutWithTimeExceeded() {
        StackConfig config = StackFrames.config()
                .reassembly(FragmentReassemblerConfig.DEFAULT.withTimeout(2, TimeUnit.SECONDS)).build();
        try (TestStack stack = Ipv4HandlerTest.resolvedPeer(config)) {
            byte[] first = Arrays.copyOf(StackFrames.pattern(64), 16);
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, 99,
                    Ipv4Packet.FLAG_MORE_FRAGMENTS, 64, first));
            stack.ticker.advance(2100, TimeUnit.MILLISECONDS);
            stack.channel.runScheduledPendingTasks();
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                IcmpMessage error = StackFrames.icmpOf(sent.get(0));
                assertEquals(IcmpMessage.TYPE_TIME_EXCEEDED, error.type());
                assertEquals(IcmpMessage.CODE_REASSEMBLY_TIME_EXCEEDED, error.code());
                assertEquals(99, error.quotedDatagram().identification());
            } finally {
                StackFrames.releaseAll(sent);
            }
            assertEquals(1, stack.drops(DropReason.FRAGMENT_TIMEOUT));
        }
    }

    /** The first 8 bytes of a TCP header: ports and sequence number, as an ICMP error quotes them. */
    private static byte[] tcpHeader(int sourcePort, int destinationPort, int sequence) {
        return new byte[] {(byte) (sourcePort >>> 8), (byte) sourcePort, (byte) (destinationPort >>> 8),
                (byte) destinationPort, (byte) (sequence >>> 24), (byte) (sequence >>> 16), (byte) (sequence >>> 8),
                (byte) sequence};
    }
}
