package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** RFC 9293 3.8.6.1: zero-window probing. The RTO is 200 ms after the handshake (see RetransmissionTest). */
class PersistTimerTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final long MILLIS = 1_000_000L;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void stallOnZeroWindow(TcpScript on) {
        Handshakes.acceptPlain(on);
        on.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
        on.connection().write(Unpooled.copiedBuffer("blocked", StandardCharsets.US_ASCII));
        on.connection().flush();
        on.expectNothing();
    }

    @Test
    void zeroWindowIsProbedAfterOneRto() {
        stallOnZeroWindow(script);
        script.advanceMillis(199);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
        assertEquals(1, script.engine().counters().get(TcpCounter.ZERO_WINDOW_PROBES));
    }

    @Test
    void probeIntervalDoublesWhileTheWindowStaysShut() {
        stallOnZeroWindow(script);
        long previous = script.ticker().nanoTime();
        long interval = 200 * MILLIS;
        for (int probe = 0; probe < 4; probe++) {
            script.advanceNanos(interval);
            SentSegment sent = script.expectSend(tcp().ack().seq(OURS - 1).len(0));
            assertEquals(interval, sent.sentAtNanos() - previous);
            previous = sent.sentAtNanos();
            script.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
            interval *= 2;
        }
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void windowOpenedInAProbeAnswerReleasesTheData() {
        stallOnZeroWindow(script);
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(OURS - 1));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.expectSend(tcp().ack().seq(OURS).data("blocked"));
        script.advanceMillis(100);
        script.expectNothing();
    }

    @Test
    void userTimeoutClosesAConnectionStuckOnAZeroWindow() {
        TcpScript limited = new TcpScript(TcpStackConfig.builder().userTimeoutNanos(TimeUnit.SECONDS.toNanos(5))
                .build(), OUR_ISS);
        try {
            stallOnZeroWindow(limited);
            limited.advanceMillis(10_000);
            assertInstanceOf(TcpTimeoutException.class, limited.application().closeCause());
        } finally {
            limited.close();
        }
    }
}
