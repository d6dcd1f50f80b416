package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that accept a connection and then never let its data through: a zero window answered forever, and a
 * one-byte window that each probe's byte is ACKed into (RFC 9293 3.8.6.2.1: such a window is not open). With a
 * user timeout (RFC 5482) both end by it, counted in {@link TcpCounter#TIMEOUTS} and reported to the
 * application, and what the connection holds never grows past what the application wrote. The RTO is 200 ms
 * after the handshake, so the persist timer first fires 200 ms after the stall; into a zero window it backs off
 * from there, while a probe that moves data into a small window is followed by the next one an RTO later.
 */
class StalledPeerTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final long USER_TIMEOUT_MILLIS = 20_000;
    private static final int WRITTEN = 50_000;

    private final TcpScript script = new TcpScript(TcpStackConfig.builder()
            .userTimeoutNanos(TimeUnit.MILLISECONDS.toNanos(USER_TIMEOUT_MILLIS)).build(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** The peer shrinks its window to {@code window} bytes, then the application writes {@link #WRITTEN} bytes. */
    private TcpConnection stallOnWindow(int window) {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(window));
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[WRITTEN]));
        connection.flush();
        return connection;
    }

    /**
     * Runs the peer for up to {@code millis}: every segment we send is answered with an ACK of all it carried and
     * the same {@code window}. Returns the bytes that got through.
     */
    private int answerEverySegment(int window, long millis) {
        int acknowledged = OURS;
        for (long elapsed = 0; elapsed < millis && script.connection().state() != TcpState.CLOSED; elapsed += 50) {
            script.advanceMillis(50);
            while (script.pendingSent() > 0) {
                SentSegment sent = script.nextSent();
                if (sent.payloadLength() > 0) {
                    acknowledged = sent.seq() + sent.payloadLength();
                }
                script.receive(tcp().ack().seq(PEER).ack(acknowledged).win(window));
            }
        }
        return acknowledged - OURS;
    }

    @Test
    void oneByteWindowIsNotSentIntoBeforeThePersistTimer() {
        stallOnWindow(1);
        // RFC 9293 3.8.6.2.1: one byte is neither a full segment nor half the largest window offered
        script.expectNothing();
        script.advanceMillis(199);
        script.expectNothing();
    }

    @Test
    void oneByteWindowIsProbedWithOneByteOfData() {
        stallOnWindow(1);
        script.advanceMillis(200);
        // The override timeout of 3.8.6.2.1: the persist timer sends what the window takes
        script.expectSend(tcp().ack().seq(OURS).ack(PEER).len(1));
        assertEquals(1, script.engine().counters().get(TcpCounter.ZERO_WINDOW_PROBES));
    }

    @Test
    void oneByteWindowPeerEndsByUserTimeout() {
        TcpConnection connection = stallOnWindow(1);
        long stalledAt = script.ticker().nanoTime();
        int through = answerEverySegment(1, 3 * USER_TIMEOUT_MILLIS);
        assertEquals(TcpState.CLOSED, connection.state());
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
        assertEquals(1, script.engine().counters().get(TcpCounter.TIMEOUTS));
        long lasted = TimeUnit.NANOSECONDS.toMillis(script.ticker().nanoTime() - stalledAt);
        // Ended by the first persist expiry after the user timeout: a probe that moved data is followed by the
        // next one RTO (200 ms) after its ACK, without backing off
        assertTrue(lasted >= USER_TIMEOUT_MILLIS && lasted < USER_TIMEOUT_MILLIS + 500, lasted + " ms");
        // Each probe moved one byte, and the peer ACKed each: the window never counted as open
        assertTrue(through >= USER_TIMEOUT_MILLIS / 300 && through <= USER_TIMEOUT_MILLIS / 200,
                through + " bytes got through");
        assertEquals(through, script.engine().counters().get(TcpCounter.ZERO_WINDOW_PROBES));
    }

    @Test
    void stalledConnectionHoldsNoMoreThanWasWritten() {
        TcpConnection connection = stallOnWindow(1);
        int held = connection.sendBufferedBytes();
        int through = answerEverySegment(1, USER_TIMEOUT_MILLIS / 2);
        assertEquals(TcpState.ESTABLISHED, connection.state());
        assertEquals(WRITTEN - through, connection.sendBufferedBytes());
        assertTrue(connection.sendBufferedBytes() <= held);
        assertEquals(1, connection.sendBuffer().bufferCount());
        assertEquals(0, connection.outOfOrderQueue().heldPieces());
    }

    @Test
    void zeroWindowPeerAnsweringEveryProbeEndsByUserTimeout() {
        TcpConnection connection = stallOnWindow(0);
        int through = answerEverySegment(0, 3 * USER_TIMEOUT_MILLIS);
        assertEquals(0, through);
        assertEquals(TcpState.CLOSED, connection.state());
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
        assertEquals(1, script.engine().counters().get(TcpCounter.TIMEOUTS));
        assertTrue(script.engine().counters().get(TcpCounter.ZERO_WINDOW_PROBES) > 0);
    }

    @Test
    void windowOpeningToAFullSegmentRestartsTheStallClock() {
        TcpConnection connection = stallOnWindow(1);
        answerEverySegment(1, USER_TIMEOUT_MILLIS / 2);
        // The window opens (a full segment fits), data flows, then the peer shrinks it to one byte again
        SentSegment last = null;
        script.receive(tcp().ack().seq(PEER).ack(connection.controlBlock().sndUna).win(2000));
        while (script.pendingSent() > 0) {
            last = script.nextSent();
        }
        assertTrue(last != null && last.payloadLength() > 0);
        script.receive(tcp().ack().seq(PEER).ack(last.seq() + last.payloadLength()).win(1));
        answerEverySegment(1, USER_TIMEOUT_MILLIS - 1000);
        // Well past the user timeout since the first stall, but not since the second: still open
        assertEquals(TcpState.ESTABLISHED, connection.state());
        answerEverySegment(1, 3 * USER_TIMEOUT_MILLIS);
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(1, script.engine().counters().get(TcpCounter.TIMEOUTS));
    }

    @Test
    void userTimeoutDoesNotEndAPeerThatKeepsItsWindowOpen() {
        TcpConnection connection = stallOnWindow(65535);
        answerEverySegment(65535, 3 * USER_TIMEOUT_MILLIS);
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(TcpState.ESTABLISHED, connection.state());
        assertEquals(0, script.engine().counters().get(TcpCounter.TIMEOUTS));
    }
}
