package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening and closing musts of RFC 9293 not shown elsewhere: SYN-RECEIVED remembers an active open, the
 * application learns that a close was a reset, SYNs are retransmitted for at least 3 minutes (3.8.3 MUST-23),
 * and keep-alive (RFC 1122 4.2.3.6): at least 2 hours idle by default, one lost probe is not death.
 */
class ConnectionLifecycleConformanceTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final long SECOND = TimeUnit.SECONDS.toMillis(1);

    private TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void use(TcpStackConfig config) {
        script.close();
        script = new TcpScript(config, OUR_ISS);
    }

    @Test
    void resetInSynReceivedAfterAnActiveOpenReportsConnectionRefused() {
        script.connect();
        script.expectSend(tcp().syn().seq(OUR_ISS));
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER));
        script.receive(tcp().rst().seq(PEER));
        script.expectNothing();
        assertInstanceOf(ConnectException.class, script.application().closeCause());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void resetAfterThePeersFinIsStillReportedAsAReset() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().ack(PEER + 1));
        script.receive(tcp().rst().seq(PEER + 1));
        assertInstanceOf(IOException.class, script.application().closeCause());
        assertEquals("Connection reset by peer", script.application().closeCause().getMessage());
    }

    @Test
    void orderlyCloseIsReportedWithoutACause() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().ack(PEER + 1));
        script.connection().close();
        script.expectSend(tcp().fin().ack().seq(OURS));
        script.receive(tcp().ack().seq(PEER + 1).ack(OURS + 1));
        assertEquals(TcpState.CLOSED, script.connection().state());
        assertTrue(script.application().isClosed());
        assertNull(script.application().closeCause());
    }

    @Test
    void synAckIsRetransmittedForAtLeastThreeMinutes() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).win(65535));
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER));
        // RFC 6298 backoff from 1 s, capped at 60 s: retransmissions at 1, 3, 7, 15, 31, 63 and 123 s
        long[] expectedAt = {1, 3, 7, 15, 31, 63, 123};
        long start = script.ticker().nanoTime();
        for (long at : expectedAt) {
            script.advanceMillis(at * SECOND - (script.ticker().nanoTime() - start) / 1_000_000);
            SentSegment again = script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER));
            assertEquals(TimeUnit.SECONDS.toNanos(at), again.sentAtNanos() - start);
        }
        script.advanceMillis(183 * SECOND - 1 - 123 * SECOND);
        assertNotNull(script.engine().connection(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT,
                TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT));
        script.advanceMillis(1);
        script.expectNothing();
        assertEquals(0, script.engine().connectionCount());
        assertEquals(1, script.engine().counters().get(TcpCounter.TIMEOUTS));
    }

    @Test
    void synIsRetransmittedForAtLeastThreeMinutesWhenTheApplicationWaits() {
        use(TcpStackConfig.builder().connectTimeoutNanos(TimeUnit.MINUTES.toNanos(10)).build());
        script.connect();
        script.expectSend(tcp().syn().seq(OUR_ISS));
        script.advanceMillis(123 * SECOND);
        for (int retransmission = 0; retransmission < 7; retransmission++) {
            script.expectSend(tcp().syn().seq(OUR_ISS));
        }
        script.advanceMillis(60 * SECOND - 1);
        assertFalse(script.application().isClosed());
        script.advanceMillis(1);
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
        script.expectNothing();
    }

    @Test
    void keepAliveIdleTimeIsAtLeastTwoHoursByDefault() {
        use(TcpStackConfig.builder().keepAlive(true).build());
        Handshakes.acceptPlain(script);
        script.advanceMillis(TimeUnit.HOURS.toMillis(2) - 1);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
    }

    @Test
    void oneLostKeepAliveProbeIsNotDeath() {
        use(TcpStackConfig.builder().keepAlive(true).keepAliveTiming(TimeUnit.SECONDS.toNanos(60),
                TimeUnit.SECONDS.toNanos(10), 3).build());
        Handshakes.acceptPlain(script);
        script.advanceMillis(60 * SECOND);
        script.expectSend(tcp().ack().seq(OURS - 1));
        script.advanceMillis(10 * SECOND);
        script.expectSend(tcp().ack().seq(OURS - 1));
        script.receive(tcp().ack().seq(PEER).ack(OURS));
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
        // The answer restarts the count: the next probe comes after a full idle time, and three more are allowed
        script.advanceMillis(60 * SECOND - 1);
        script.expectNothing();
        script.advanceMillis(1 + 20 * SECOND);
        assertEquals(3, script.pendingSent());
        assertFalse(script.application().isClosed());
    }
}
