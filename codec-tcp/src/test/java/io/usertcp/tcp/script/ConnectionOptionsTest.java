package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-connection settings ({@link TcpConnectionOptions}): socket options changed on one connection or given to a
 * listener or an active open, on a stack whose own settings are the defaults.
 */
class ConnectionOptionsTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static void send(TcpConnection connection, String text) {
        connection.write(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        connection.flush();
    }

    private TcpConnectionOptions defaults() {
        return script.engine().connectionDefaults();
    }

    /** Passive open whose listener holds {@code options}; the peer offers window scale 7 and MSS 1000. */
    private void acceptWith(TcpConnectionOptions options) {
        TcpListener listener = script.listen();
        listener.setOptions(options);
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).ws(7).win(65535));
    }

    @Test
    void nagleOffSendsASmallSegmentWhileDataIsInFlight() {
        Handshakes.acceptPlain(script);
        script.connection().setNagle(false);
        send(script.connection(), "a");
        send(script.connection(), "b");
        script.expectSend(tcp().ack().seq(OURS).data("a"));
        script.expectSend(tcp().ack().seq(OURS + 1).data("b"));
    }

    @Test
    void nagleOnHoldsASmallSegmentWhileDataIsInFlight() {
        TcpScript noDelayStack = new TcpScript(TcpStackConfig.builder().nagle(false).build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(noDelayStack);
            noDelayStack.connection().setNagle(true);
            send(noDelayStack.connection(), "a");
            send(noDelayStack.connection(), "b");
            noDelayStack.expectSend(tcp().ack().seq(OURS).data("a"));
            noDelayStack.expectNothing();
        } finally {
            noDelayStack.close();
        }
    }

    @Test
    void turningNagleOffSendsWhatNagleHeld() {
        Handshakes.acceptPlain(script);
        send(script.connection(), "a");
        send(script.connection(), "bc");
        script.expectSend(tcp().ack().seq(OURS).data("a"));
        script.expectNothing();
        script.connection().setNagle(false);
        script.expectSend(tcp().ack().seq(OURS + 1).data("bc"));
        assertFalse(script.connection().options().nagle());
    }

    @Test
    void smallerReceiveBufferAdvertisesASmallerWindow() {
        acceptWith(defaults().withReceiveBufferBytes(8192));
        script.expectSend(tcp().syn().ack(PEER).win(8192).ws(0));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(1000));
        script.advanceMillis(40);
        // The edge stays at PEER + 8192 until at least min(half the buffer, one MSS) more opens up
        script.expectSend(tcp().ack().ack(PEER + 1000).win(8192 - 1000));
    }

    @Test
    void listenersReceiveBufferDecidesTheSynAckWindowScale() {
        acceptWith(defaults().withReceiveBufferBytes(1 << 20));
        // RFC 7323 2.3: 2^20 >> 4 is still 65536, so 5 is the least shift that expresses it
        script.expectSend(tcp().syn().ack(PEER).ws(5).win(65535));
    }

    @Test
    void growingTheReceiveBufferBeyondTheNegotiatedScaleIsClamped() {
        Handshakes.acceptPlain(script);
        script.connection().setReceiveBufferBytes(1 << 20);
        // No window scale was agreed: 65535 is the largest window the connection can ever advertise
        assertEquals(65535, script.connection().options().receiveBufferBytes());
    }

    @Test
    void shrinkingTheReceiveBufferKeepsTheRightEdgeAlreadyAdvertised() {
        Handshakes.acceptPlain(script);
        script.connection().setReceiveBufferBytes(4096);
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(1000));
        script.advanceMillis(40);
        // RFC 9293 3.8.6 SHLD-14: the edge at PEER + 65535 stays; the window shrinks only by the data taken
        script.expectSend(tcp().ack().ack(PEER + 1000).win(65535 - 1000));
    }

    @Test
    void smallerSendBufferTurnsWritabilityOffSooner() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setSendBufferBytes(1000);
        connection.write(Unpooled.wrappedBuffer(new byte[999]));
        assertTrue(connection.isWritable());
        connection.write(Unpooled.wrappedBuffer(new byte[1]));
        assertFalse(connection.isWritable());
        assertEquals(1, script.application().writabilityChanges());
    }

    @Test
    void growingTheSendBufferRestoresWritability() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setSendBufferBytes(1000);
        connection.write(Unpooled.wrappedBuffer(new byte[1000]));
        connection.setSendBufferBytes(4000);
        assertTrue(connection.isWritable());
        assertEquals(2, script.application().writabilityChanges());
    }

    @Test
    void keepAliveTimingOfOneConnectionDecidesItsProbes() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setKeepAliveTiming(TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(10), 3);
        connection.setKeepAlive(true);
        script.advanceMillis(59_999);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
        script.advanceMillis(10_000);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
        script.advanceMillis(10_000);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
        assertFalse(script.application().isClosed());
        script.advanceMillis(10_000);
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
        assertEquals(3, script.engine().counters().get(TcpCounter.KEEPALIVE_PROBES));
    }

    @Test
    void shorterKeepAliveIdleTimeCountsFromThePeersLastSegment() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setKeepAlive(true);
        script.advanceMillis(30_000);
        connection.setKeepAliveTiming(TimeUnit.SECONDS.toNanos(45), TimeUnit.SECONDS.toNanos(10), 3);
        script.advanceMillis(14_999);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
    }

    @Test
    void userTimeoutOfOneConnectionClosesItBeforeR2() {
        Handshakes.acceptPlain(script);
        script.connection().setUserTimeoutNanos(TimeUnit.SECONDS.toNanos(3));
        script.connection().write(Unpooled.wrappedBuffer(new byte[10]));
        script.connection().flush();
        // Retransmissions at 0.2, 0.6, 1.4 s; the expiry at 3.0 s reaches the 3 s user timeout
        script.advanceMillis(2_999);
        assertFalse(script.application().isClosed());
        script.advanceMillis(1);
        assertInstanceOf(TcpTimeoutException.class, script.application().closeCause());
    }

    @Test
    void listenersMssClampLimitsTheAnnouncedMssAndTheSegmentSize() {
        acceptWith(defaults().withMaxSegmentSize(500));
        script.expectSend(tcp().syn().ack(PEER).mss(500));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.connection().write(Unpooled.wrappedBuffer(new byte[1000]));
        script.connection().flush();
        script.expectSend(tcp().ack().seq(OURS).len(500));
        script.expectSend(tcp().ack().seq(OURS + 500).len(500));
    }

    @Test
    void activeOpenWithAnMssClampAnnouncesIt() {
        TcpConnection connection = script.engine().connect(TcpScript.LOCAL_ADDRESS, TcpScript.REMOTE_ADDRESS,
                TcpScript.REMOTE_PORT, defaults().withMaxSegmentSize(700), script.application());
        script.expectSend(tcp().syn().seq(OUR_ISS).mss(700));
        assertEquals(700, connection.options().maxSegmentSize());
    }

    @Test
    void congestionControlOfTheListenerIsTheAcceptedConnections() {
        acceptWith(defaults().withCongestionControl("newreno"));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        assertEquals("newreno", script.connection().congestionControl().name());
    }

    @Test
    void unknownCongestionControlIsRefusedByTheListener() {
        TcpListener listener = script.listen();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> listener.setOptions(defaults().withCongestionControl("vegas")));
        assertTrue(refused.getMessage().contains("cubic"), refused.getMessage());
    }
}
