package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import io.usertcp.testing.script.TcpSegmentSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 2018 as a sender and receiver, against hostile input: SACKed data stays until cumulatively
 * acknowledged (the receiver may renege), SACK blocks that are reversed, overlapping, below SND.UNA or beyond
 * SND.NXT cannot corrupt the retransmission queue (the CVE-2019-11477/8/9 class), and many one-byte holes stay
 * under the out-of-order caps with the stream exact once they fill (SegmentSmack). Segment k covers
 * [OURS + k * MSS, OURS + (k + 1) * MSS), just past 2^32.
 */
class SackConformanceTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static int seg(int k) {
        return OURS + k * MSS;
    }

    private static byte[] pattern(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = TcpSegmentSpec.patternByte(from + i);
        }
        return bytes;
    }

    private void acceptWithSack() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        script.expectSend(tcp().syn().ack(PEER).sackPermitted());
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
    }

    /** Ten segments of pattern bytes in flight. */
    private TcpConnection tenSegmentsInFlight() {
        acceptWithSack();
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(pattern(0, 10 * MSS)));
        connection.flush();
        for (int k = 0; k < 10; k++) {
            script.expectSend(tcp().ack().seq(seg(k)).len(MSS));
        }
        return connection;
    }

    @Test
    void sackedDataIsKeptUntilCumulativelyAcknowledged() {
        TcpConnection connection = tenSegmentsInFlight();
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(10)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        assertEquals(10 * MSS, connection.sendBufferedBytes());
        // The receiver reneges: after the timeout everything from SND.UNA goes again, from the kept bytes
        script.advanceMillis(400);
        SentSegment again = script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        assertArrayEquals(pattern(0, MSS), again.payload());
        script.receive(tcp().ack().seq(PEER).ack(seg(1)));
        SentSegment reneged = script.expectSend(tcp().ack().seq(seg(1)).len(MSS));
        assertArrayEquals(pattern(MSS, MSS), reneged.payload());
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        assertEquals(0, connection.sendBufferedBytes());
    }

    @Test
    void hostileSackBlocksDoNotCorruptTheRetransmissionQueue() {
        TcpConnection connection = tenSegmentsInFlight();
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(5), seg(3)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(8), seg(30)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(OURS - 5000, seg(0)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(2), seg(4)).sack(seg(3), seg(5)).sack(seg(2), seg(5))
                .sack(seg(1), seg(3)));
        for (int i = 0; i < 10_000; i++) {
            script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1) + i, seg(1) + i + 1));
        }
        int sacked = connection.sackScoreboard().sackedBytes();
        assertTrue(sacked >= 0 && sacked <= 10 * MSS, "SACKed " + sacked);
        assertTrue(connection.sackScoreboard().rangeCount() <= 32);
        while (script.pendingSent() > 0) {
            SentSegment sent = script.nextSent();
            int offset = sent.seq() - OURS;
            assertTrue(offset >= 0 && offset + sent.payloadLength() <= 10 * MSS, "sent " + sent);
            assertArrayEquals(pattern(offset, sent.payloadLength()), sent.payload(), "payload of " + sent);
        }
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(TcpState.ESTABLISHED, connection.state());
    }

    @Test
    void manyOneByteHolesStayUnderTheCapsAndTheStreamIsExactOnceTheyFill() {
        acceptWithSack();
        TcpConnection connection = script.connection();
        int cap = TcpStackConfig.defaults().outOfOrderMaxSegments();
        // Every other byte of 2000: a thousand holes, four times the piece cap
        for (int offset = 2 * 1000 - 1; offset > 0; offset -= 2) {
            script.receive(tcp().ack().seq(PEER + offset).ack(OURS).payload(pattern(offset, 1)));
            assertTrue(connection.outOfOrderQueue().heldPieces() <= cap);
            assertTrue(connection.outOfOrderQueue().heldBytes() <= cap);
        }
        while (script.pendingSent() > 0) {
            script.expectSend(tcp().ack().ack(PEER));
        }
        assertEquals(0, script.application().receivedBytes().length);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int offset = 0; offset < 3000; offset += MSS) {
            script.receive(tcp().ack().seq(PEER + offset).ack(OURS).payload(pattern(offset, MSS)));
            expected.writeBytes(pattern(offset, MSS));
        }
        assertArrayEquals(expected.toByteArray(), script.application().receivedBytes());
        assertEquals(0, connection.outOfOrderQueue().heldPieces());
        assertEquals(PEER + 3000, connection.controlBlock().rcvNxt);
    }
}
