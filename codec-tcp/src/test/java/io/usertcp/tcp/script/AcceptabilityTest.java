package io.usertcp.tcp.script;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.DropReason;
import io.usertcp.stack.InboundPacket;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 9293 3.10.7.4 first step and RFC 5961 5.2, in ESTABLISHED. Our receive window is 65535 after the SYN-ACK. */
class AcceptabilityTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int WINDOW = 65535;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    @Test
    void segmentBeyondTheRightEdgeIsAnsweredWithAnAckAndDropped() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER + WINDOW).ack(OURS).len(10));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        assertEquals(1, script.engine().counters().get(TcpCounter.OUT_OF_WINDOW));
        assertEquals(0, script.connection().outOfOrderQueue().heldBytes());
    }

    @Test
    void segmentStartingAtTheLastWindowByteIsAccepted() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER + WINDOW - 1).ack(OURS).len(10));
        script.expectSend(tcp().ack().ack(PEER));
        assertEquals(1, script.connection().outOfOrderQueue().heldBytes());
    }

    @Test
    void oldDuplicateSegmentIsAnsweredWithAnAckAndNotDeliveredTwice() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("abc"));
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("abc"));
        script.expectSend(tcp().ack().ack(PEER + 3));
        assertEquals("abc", script.application().receivedText());
    }

    @Test
    void segmentOverlappingTheLeftEdgeDeliversOnlyItsNewBytes() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("abc"));
        script.receive(tcp().ack().seq(PEER + 1).ack(OURS).data("bcdef"));
        assertEquals("abcdef", script.application().receivedText());
    }

    @Test
    void emptyAckLeftOfTheWindowIsAnsweredWithAnAck() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER - 1).ack(OURS));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
    }

    @Test
    void ackOfDataNeverSentIsAnsweredWithAnAckAndDropped() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 100).data("x"));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        assertEquals("", script.application().receivedText());
        assertEquals(1, script.engine().counters().get(TcpCounter.UNACCEPTABLE_ACKS));
    }

    @Test
    void ackTooFarBelowSndUnaIsAnsweredWithAnAckAndDropped() {
        Handshakes.acceptPlain(script);
        // RFC 5961 5.2: below SND.UNA - MAX.SND.WND (65535)
        script.receive(tcp().ack().seq(PEER).ack(OURS - 70_000).data("x"));
        script.expectSend(tcp().ack().ack(PEER));
        assertEquals("", script.application().receivedText());
    }

    @Test
    void oldAckWithinTheAcceptableRangeStillDeliversText() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS - 100).data("x"));
        assertEquals("x", script.application().receivedText());
    }

    @Test
    void segmentWithoutAckIsDropped() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().seq(PEER).data("x"));
        script.expectNothing();
        assertEquals("", script.application().receivedText());
    }

    @Test
    void badChecksumIsDroppedAndCounted() {
        Handshakes.acceptPlain(script);
        ByteBuf frame = Unpooled.directBuffer(20);
        frame.writeZero(20);
        frame.setShort(12, 5 << 12 | 0x10);
        InboundPacket packet = new InboundPacket().reset(frame);
        packet.setTransport(TcpScript.REMOTE_ADDRESS, TcpScript.LOCAL_ADDRESS, 6, frame, 0, 20, null);
        script.channel().writeInbound(packet);
        assertEquals(1, script.engine().dropCounters().get(DropReason.BAD_TCP_CHECKSUM));
        assertEquals(0, frame.refCnt());
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void answersToOutOfWindowSegmentsAreRateLimited() {
        Handshakes.acceptPlain(script);
        for (int i = 0; i < 12; i++) {
            script.receive(tcp().ack().seq(PEER + WINDOW + i).ack(OURS).len(10));
        }
        for (int i = 0; i < 10; i++) {
            script.expectSend(tcp().ack().ack(PEER));
        }
        script.expectNothing();
        assertEquals(2, script.engine().counters().get(TcpCounter.ACKS_SUPPRESSED_BY_RATE_LIMIT));
    }
}
