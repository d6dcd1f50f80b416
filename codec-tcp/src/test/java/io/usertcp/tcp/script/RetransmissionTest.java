package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.tcp.rtt.RetransmissionLimits;
import io.usertcp.testing.script.SentSegment;
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

/**
 * RFC 6298 timer, RFC 5681 fast retransmit, RFC 6582 NewReno. The handshake's RTT sample is 0 on virtual time,
 * so the RTO starts at the 200 ms minimum: SRTT 0 + max(G = 1 ms, 4 * RTTVAR = 0), raised to 200 ms.
 */
class RetransmissionTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final long MILLIS = 1_000_000L;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private TcpConnection sendSegments(int count) {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[count * MSS]));
        connection.flush();
        for (int segment = 0; segment < count; segment++) {
            script.expectSend(tcp().ack().seq(OURS + segment * MSS).len(MSS));
        }
        return connection;
    }

    private void duplicateAck(int times) {
        for (int i = 0; i < times; i++) {
            script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        }
    }

    @Test
    void timeoutRetransmitsTheFirstUnacknowledgedSegment() {
        sendSegments(1);
        script.advanceMillis(199);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS).ack(PEER).len(MSS));
        assertEquals(1, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void timeoutDoublesOnEachExpiry() {
        sendSegments(1);
        long previous = script.ticker().nanoTime();
        long interval = 200 * MILLIS;
        for (int expiry = 0; expiry < 4; expiry++) {
            script.advanceNanos(interval);
            SentSegment again = script.expectSend(tcp().ack().seq(OURS).len(MSS));
            assertEquals(interval, again.sentAtNanos() - previous);
            previous = again.sentAtNanos();
            interval *= 2;
        }
    }

    @Test
    void ackOfARetransmittedSegmentGivesNoRttSampleSoTheBackoffStays() {
        sendSegments(2);
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + MSS).win(65535));
        // RFC 6298 3 (Karn): no sample, so the doubled RTO of 400 ms stays for the next segment
        assertEquals(400 * MILLIS, script.connection().rttEstimator().rtoNanos());
    }

    @Test
    void timeoutGoesBackToSndUnaAndRestartsFromOneSegment() {
        TcpConnection connection = sendSegments(5);
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        script.expectNothing();
        assertEquals(MSS, connection.congestionControl().congestionWindow());
        script.receive(tcp().ack().seq(PEER).ack(OURS + MSS).win(65535));
        // Slow start after a timeout grows by one SMSS per ACK (RFC 3465 2.3 L = 1 SMSS): 2 segments go
        script.expectSend(tcp().ack().seq(OURS + MSS).len(MSS));
        script.expectSend(tcp().ack().seq(OURS + 2 * MSS).len(MSS));
        script.expectNothing();
    }

    @Test
    void connectionGivesUpAtR2() {
        TcpScript limited = new TcpScript(TcpStackConfig.builder().retransmissionLimits(
                RetransmissionLimits.defaults().withR2Nanos(TimeUnit.SECONDS.toNanos(10))).build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(limited);
            limited.connection().write(Unpooled.wrappedBuffer(new byte[10]));
            limited.connection().flush();
            // Expiries at 0.2, 0.6, 1.4, 3.0, 6.2 s retransmit; the one at 12.6 s is past R2 = 10 s
            limited.advanceMillis(12_599);
            assertFalse(limited.application().isClosed());
            limited.advanceMillis(1);
            assertTrue(limited.application().isClosed());
            assertInstanceOf(TcpTimeoutException.class, limited.application().closeCause());
            assertEquals(0, limited.engine().connectionCount());
        } finally {
            limited.close();
        }
    }

    @Test
    void twoDuplicateAcksDoNotRetransmit() {
        sendSegments(5);
        duplicateAck(2);
        script.expectNothing();
    }

    @Test
    void thirdDuplicateAckTriggersFastRetransmit() {
        TcpConnection connection = sendSegments(5);
        int cwndBefore = connection.congestionControl().congestionWindow();
        duplicateAck(3);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        assertEquals(1, script.engine().counters().get(TcpCounter.FAST_RETRANSMITS));
        assertTrue(connection.controlBlock().inRecovery);
        // CUBIC (RFC 9438 4.6): ssthresh = cwnd * 0.7
        assertEquals(Math.round(cwndBefore * 0.7), connection.congestionControl().slowStartThreshold());
    }

    @Test
    void firstTwoDuplicateAcksEachSendOneNewSegment() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[12 * MSS]));
        connection.flush();
        for (int segment = 0; segment < 10; segment++) {
            script.expectSend(tcp().ack().seq(OURS + segment * MSS).len(MSS));
        }
        script.expectNothing();
        int cwnd = connection.congestionControl().congestionWindow();
        // RFC 3042 2 (Limited Transmit): one previously unsent segment per duplicate ACK, for the first two
        duplicateAck(1);
        script.expectSend(tcp().ack().seq(OURS + 10 * MSS).len(MSS));
        script.expectNothing();
        duplicateAck(1);
        script.expectSend(tcp().ack().seq(OURS + 11 * MSS).len(MSS));
        script.expectNothing();
        assertEquals(cwnd, connection.congestionControl().congestionWindow());
        duplicateAck(1);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        assertTrue(connection.controlBlock().inRecovery);
    }

    @Test
    void duplicateAcksThatUpdateTheWindowAreNotCounted() {
        sendSegments(5);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65000));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(64000));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(63000));
        script.expectNothing();
    }

    @Test
    void partialAckDuringRecoveryRetransmitsTheNextHole() {
        TcpConnection connection = sendSegments(5);
        duplicateAck(3);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(65535));
        script.expectSend(tcp().ack().seq(OURS + 2 * MSS).len(MSS));
        assertTrue(connection.controlBlock().inRecovery);
    }

    @Test
    void ackCoveringTheRecoveryPointEndsRecovery() {
        TcpConnection connection = sendSegments(5);
        duplicateAck(3);
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 5 * MSS).win(65535));
        assertFalse(connection.controlBlock().inRecovery);
        assertEquals(connection.congestionControl().slowStartThreshold(),
                connection.congestionControl().congestionWindow());
    }

    @Test
    void newRenoIsSelectableByName() {
        TcpScript reno = new TcpScript(TcpStackConfig.builder().congestionControl("newreno").build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(reno);
            assertEquals("newreno", reno.connection().congestionControl().name());
        } finally {
            reno.close();
        }
    }
}
