package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keep-alive (RFC 9293 3.8.4), the FIN-WAIT-2 timeout, the user timeout and the restart after idle. */
class ConnectionTimersTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final TcpStackConfig KEEPALIVE = TcpStackConfig.builder().keepAlive(true)
            .keepAliveTiming(TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(10), 3).build();

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
    void keepAliveIsOffByDefault() {
        Handshakes.acceptPlain(script);
        script.advanceMillis(TimeUnit.HOURS.toMillis(3));
        script.expectNothing();
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void idleConnectionIsProbedAfterTheKeepAliveIdleTime() {
        use(KEEPALIVE);
        Handshakes.acceptPlain(script);
        script.advanceMillis(59_999);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
    }

    @Test
    void answeredKeepAliveProbesKeepTheConnection() {
        use(KEEPALIVE);
        Handshakes.acceptPlain(script);
        for (int round = 0; round < 3; round++) {
            script.advanceMillis(60_000);
            script.expectSend(tcp().ack().seq(OURS - 1));
            script.receive(tcp().ack().seq(PEER).ack(OURS));
        }
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void unansweredKeepAliveProbesCloseTheConnection() {
        use(KEEPALIVE);
        Handshakes.acceptPlain(script);
        script.advanceMillis(60_000 + 2 * 10_000);
        assertEquals(3, script.engine().counters().get(TcpCounter.KEEPALIVE_PROBES));
        assertFalse(script.application().isClosed());
        script.advanceMillis(10_000);
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
    }

    @Test
    void trafficPostponesKeepAlive() {
        use(KEEPALIVE);
        Handshakes.acceptPlain(script);
        script.advanceMillis(50_000);
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("x"));
        script.advanceMillis(40);
        script.expectSend(tcp().ack().ack(PEER + 1));
        script.advanceMillis(59_000);
        script.expectNothing();
        script.advanceMillis(1_000);
        script.expectSend(tcp().ack().seq(OURS - 1));
    }

    @Test
    void closedConnectionLeavesFinWait2AfterTheTimeout() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        script.advanceMillis(59_999);
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        script.advanceMillis(1);
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void halfClosedConnectionWaitsInFinWait2WithoutTimeout() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.shutdownOutput();
        script.expectSend(tcp().fin().ack());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
        script.advanceMillis(600_000);
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
    }

    @Test
    void userTimeoutClosesBeforeR2() {
        use(TcpStackConfig.builder().userTimeoutNanos(TimeUnit.SECONDS.toNanos(3)).build());
        Handshakes.acceptPlain(script);
        script.connection().write(Unpooled.wrappedBuffer(new byte[10]));
        script.connection().flush();
        // Retransmissions at 0.2, 0.6, 1.4 s; the expiry at 3.0 s reaches the 3 s user timeout
        script.advanceMillis(2_999);
        assertFalse(script.application().isClosed());
        script.advanceMillis(1);
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
    }

    @Test
    void congestionWindowRestartsAfterAnIdlePeriodLongerThanTheRto() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[20 * MSS]));
        connection.flush();
        for (int i = 0; i < 10; i++) {
            script.expectSend(tcp().ack().len(MSS));
        }
        script.receive(tcp().ack().seq(PEER).ack(OURS + 10 * MSS).win(65535));
        for (int i = 0; i < 10; i++) {
            script.expectSend(tcp().ack().len(MSS));
        }
        script.receive(tcp().ack().seq(PEER).ack(OURS + 20 * MSS).win(65535));
        assertTrue(connection.congestionControl().congestionWindow() > 10 * MSS);
        script.advanceMillis(1_000);
        connection.write(Unpooled.wrappedBuffer(new byte[MSS]));
        connection.flush();
        script.expectSend(tcp().ack().len(MSS));
        // RFC 5681 4.1: cwnd restarts at min(IW, cwnd) = 10 segments
        assertEquals(10 * MSS, connection.congestionControl().congestionWindow());
    }

    @Test
    void shutdownDuringSimultaneousOpenSendsFinOnceEstablished() {
        script.connect();
        script.expectSend(tcp().syn().seq(OUR_ISS));
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().syn().ack(PEER));
        script.connection().shutdownOutput();
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.FIN_WAIT_1, script.connection().state());
    }
}
