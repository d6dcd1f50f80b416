package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9293 3.8.6 and 3.10.7.4 around windows: a shrinking peer window, zero-window probing that lasts as
 * long as the peer answers, and the zero receive window, where RSTs and ACKs must still be processed while no
 * text is taken (the four acceptability cases with RCV.WND = 0).
 */
class WindowConformanceTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int BUFFER = 4000;

    private TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** An established connection whose 4000-byte receive buffer the application left full: RCV.WND = 0. */
    private TcpConnection closeOurReceiveWindow() {
        script.close();
        script = new TcpScript(TcpStackConfig.builder().receiveBufferBytes(BUFFER).build(), OUR_ISS);
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setAutoRead(false);
        for (int i = 0; i < 4; i++) {
            script.receive(tcp().ack().seq(PEER + i * 1000).ack(OURS).len(1000));
        }
        script.expectSend(tcp().ack().ack(PEER + 3000));
        script.advanceMillis(40);
        script.expectSend(tcp().ack().ack(PEER + BUFFER).win(0));
        assertEquals(0, connection.controlBlock().receiveWindow());
        return connection;
    }

    @Test
    void shrinkingPeerWindowStopsNewDataWithoutLosingAnything() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[12 * MSS]));
        connection.flush();
        for (int k = 0; k < 10; k++) {
            script.expectSend(tcp().ack().seq(OURS + k * MSS).len(MSS));
        }
        // RFC 9293 3.8.6.2.1: the right edge moves from OURS + 65535 back to OURS + 3000, behind SND.NXT
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(MSS));
        script.expectNothing();
        assertEquals(TcpState.ESTABLISHED, connection.state());
        assertEquals(10 * MSS, connection.sendBufferedBytes());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 10 * MSS).win(65535));
        script.expectSend(tcp().ack().seq(OURS + 10 * MSS).len(MSS));
        script.expectSend(tcp().ack().seq(OURS + 11 * MSS).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 12 * MSS).win(65535));
        assertEquals(0, connection.sendBufferedBytes());
    }

    @Test
    void zeroWindowProbingKeepsTheConnectionForAsLongAsProbesAreAnswered() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
        script.connection().write(Unpooled.copiedBuffer("blocked", StandardCharsets.US_ASCII));
        script.connection().flush();
        long hour = TimeUnit.HOURS.toMillis(1);
        long last = 0;
        int probes = 0;
        // An hour is four times R2 (15 minutes): answered probes are not retransmissions that give up
        for (long elapsed = 0; elapsed < hour; elapsed += 1000) {
            script.advanceMillis(1000);
            while (script.pendingSent() > 0) {
                SentSegment probe = script.expectSend(tcp().ack().seq(OURS - 1).ack(PEER).len(0));
                probes++;
                if (last != 0) {
                    // RFC 9293 3.8.6.1: exponential backoff, bounded by the 60 s maximum RTO
                    assertTrue(probe.sentAtNanos() - last <= TimeUnit.SECONDS.toNanos(60));
                }
                last = probe.sentAtNanos();
                script.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
            }
        }
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
        assertEquals(probes, script.engine().counters().get(TcpCounter.ZERO_WINDOW_PROBES));
        assertTrue(probes >= 55, probes + " probes in an hour");
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.expectSend(tcp().ack().seq(OURS).data("blocked"));
    }

    @Test
    void resetAtRcvNxtIsProcessedAtAZeroReceiveWindow() {
        closeOurReceiveWindow();
        script.receive(tcp().rst().seq(PEER + BUFFER));
        script.expectNothing();
        assertInstanceOf(IOException.class, script.application().closeCause());
    }

    @Test
    void ackIsProcessedAtAZeroReceiveWindow() {
        TcpConnection connection = closeOurReceiveWindow();
        connection.write(Unpooled.copiedBuffer("reply", StandardCharsets.US_ASCII));
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).data("reply").win(0));
        script.receive(tcp().ack().seq(PEER + BUFFER).ack(OURS + 5));
        script.expectNothing();
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(OURS + 5, connection.controlBlock().sndUna);
    }

    @Test
    void textAtAZeroReceiveWindowIsNotTakenButItsAckIs() {
        TcpConnection connection = closeOurReceiveWindow();
        connection.write(Unpooled.copiedBuffer("reply", StandardCharsets.US_ASCII));
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).data("reply"));
        script.receive(tcp().ack().seq(PEER + BUFFER).ack(OURS + 5).data("more"));
        // The text is refused and RCV.NXT stays; the ACK says so at once
        script.expectSend(tcp().ack().seq(OURS + 5).ack(PEER + BUFFER).win(0));
        assertEquals(OURS + 5, connection.controlBlock().sndUna);
        assertEquals(BUFFER, connection.unreadBytes());
    }

    @Test
    void emptySegmentAtAZeroReceiveWindowIsAcceptableOnlyAtRcvNxt() {
        closeOurReceiveWindow();
        script.receive(tcp().ack().seq(PEER + BUFFER).ack(OURS));
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER + BUFFER + 1).ack(OURS));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER + BUFFER).win(0));
        assertEquals(1, script.engine().counters().get(TcpCounter.OUT_OF_WINDOW));
    }

    @Test
    void textBeyondRcvNxtAtAZeroReceiveWindowIsUnacceptable() {
        closeOurReceiveWindow();
        script.receive(tcp().ack().seq(PEER + BUFFER + 10).ack(OURS).len(10));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER + BUFFER).win(0));
        assertEquals(1, script.engine().counters().get(TcpCounter.OUT_OF_WINDOW));
        assertEquals(0, script.connection().outOfOrderQueue().heldBytes());
    }
}
