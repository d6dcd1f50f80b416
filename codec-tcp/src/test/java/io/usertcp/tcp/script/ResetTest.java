package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** RFC 5961 3 and 4 in ESTABLISHED. */
class ResetTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    @Test
    void resetAtExactlyRcvNxtClosesWithConnectionReset() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().rst().seq(PEER));
        script.expectNothing();
        assertInstanceOf(IOException.class, script.application().closeCause());
        assertEquals("Connection reset by peer", script.application().closeCause().getMessage());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void resetInTheWindowButNotAtRcvNxtGetsAChallengeAck() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().rst().seq(PEER + 1000));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
        assertFalse(script.application().isClosed());
        assertEquals(1, script.engine().counters().get(TcpCounter.CHALLENGE_ACKS));
    }

    @Test
    void resetOutsideTheWindowIsDroppedSilently() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().rst().seq(PEER + 70_000));
        script.receive(tcp().rst().seq(PEER - 1));
        script.expectNothing();
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void challengeAcksAreLimitedPerConnectionPerSecond() {
        Handshakes.acceptPlain(script);
        for (int i = 0; i < 15; i++) {
            script.receive(tcp().rst().seq(PEER + 1 + i));
        }
        for (int i = 0; i < 10; i++) {
            script.expectSend(tcp().ack().ack(PEER));
        }
        script.expectNothing();
        assertEquals(5, script.engine().counters().get(TcpCounter.ACKS_SUPPRESSED_BY_RATE_LIMIT));
        script.advanceMillis(1000);
        script.receive(tcp().rst().seq(PEER + 100));
        script.expectSend(tcp().ack().ack(PEER));
    }

    @Test
    void synInEstablishedGetsAChallengeAckAndChangesNothing() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().syn().seq(PEER + 10).win(65535));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void synAtRcvNxtInEstablishedAlsoGetsAChallengeAck() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().syn().seq(PEER).win(65535));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void abortSendsResetAndClosesAtOnce() {
        Handshakes.acceptPlain(script);
        script.connection().abort();
        script.expectSend(tcp().rst().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.CLOSED, script.connection().state());
        assertEquals(0, script.engine().connectionCount());
    }
}
