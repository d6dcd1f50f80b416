package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6675 loss recovery against a SACK peer. Segment k covers [OURS + k * MSS, OURS + (k + 1) * MSS). The
 * initial window is 10 segments; CUBIC's reduction leaves cwnd = 7 segments in recovery. The round trip is
 * 10 ms, and every ACK comes that long after the data: no ACK could come sooner, and with a zero RTT RACK
 * (RFC 8985 6.2) would deem every hole lost the moment anything above it is SACKed, before DupThresh.
 */
class SackRecoveryTest {
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

    /** {@link Handshakes#sendWithSack}, then one round trip passes: no ACK could come sooner. */
    private TcpConnection sendWithSack(int segments) {
        TcpConnection connection = Handshakes.sendWithSack(script, segments);
        script.advanceMillis(10);
        return connection;
    }

    @Test
    void twoSackedSegmentsAboveAHoleDoNotStartRecovery() {
        sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.expectNothing();
    }

    @Test
    void thirdSackAboveAHoleRetransmitsIt() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        // RFC 8985 6.2 step 4: with DupThresh segments SACKed the reordering window is 0, so RACK deems the
        // hole at segment 2, sent a round trip before the SACKed 3 and 4, lost as well
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        script.expectNothing();
        assertTrue(connection.controlBlock().inRecovery);
        assertEquals(1, script.engine().counters().get(TcpCounter.FAST_RETRANSMITS));
    }

    @Test
    void recoveryRepairsLostHolesBeforeSendingNewData() {
        sendWithSack(14);
        // RFC 3042 (Limited Transmit, added with it): the first two duplicate ACKs each send a new segment, so
        // segments 10 and 11 are in flight too and the pipe below is two segments larger than before
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(10)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(11)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        // 3000 SACKed bytes now lie above segment 2: it is lost (IsLost), but pipe (segment 0 again, 6-11) fills cwnd
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(6)).sack(seg(1), seg(2)));
        script.expectNothing();
        // One more segment delivered leaves room for one: the lost hole goes before new data
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(7)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        script.expectNothing();
        // No lost hole is left: the next room goes to new data
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(8)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(12)).len(MSS));
        script.expectNothing();
    }

    @Test
    void firstTwoDuplicateAcksEachSendOneNewSegment() {
        TcpConnection connection = sendWithSack(13);
        int cwnd = connection.congestionControl().congestionWindow();
        // RFC 3042 2: one previously unsent segment per duplicate ACK, for the first two, cwnd unchanged
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(10)).len(MSS));
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(11)).len(MSS));
        script.expectNothing();
        assertEquals(cwnd, connection.congestionControl().congestionWindow());
        assertFalse(connection.controlBlock().inRecovery);
    }

    @Test
    void sackedBytesAboveSndUnaStartRecoveryBeforeThreeDuplicateAcks() {
        TcpConnection connection = sendWithSack(10);
        // RFC 6675 5: recovery starts once IsLost(SND.UNA): here one ACK SACKs 3 segments (> (DupThresh - 1) * SMSS)
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(4)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        assertTrue(connection.controlBlock().inRecovery);
        assertEquals(1, script.engine().counters().get(TcpCounter.FAST_RETRANSMITS));
    }

    @Test
    void ackBeyondTheRecoveryPointEndsRecovery() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        assertFalse(connection.controlBlock().inRecovery);
        assertEquals(connection.congestionControl().slowStartThreshold(),
                connection.congestionControl().congestionWindow());
    }

    /**
     * Replaces the old rule "a timeout forgets SACK information and goes back to SND.UNA" (which RFC 2018 8
     * allows, since a receiver may renege): RFC 6675 5.1 says the sender SHOULD use the SACK information to
     * choose what to retransmit after a timeout, so only unSACKed data is sent again, lowest first, as slow start
     * reopens cwnd from one segment. The SACKed data stays queued until cumulatively acknowledged. RACK
     * (RFC 8985 6.2) first repairs the holes below the SACKed segments by fast retransmission once the
     * reordering window (min_RTT / 4 = 2.5 ms) passes; that retransmission is lost too, and with nothing
     * delivered after it only the timeout can tell.
     */
    @Test
    void timeoutRetransmitsOnlyUnsackedDataKeepingTheScoreboard() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(2), seg(4)));
        script.advanceMillis(3);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        // Loss probes guard the recovery first (PTO = 2 * SRTT + 2 ms, then twice and four times that): the
        // highest segment sent, three times
        script.advanceMillis(22);
        script.expectSend(tcp().ack().seq(seg(9)).len(MSS));
        script.advanceMillis(44);
        script.expectSend(tcp().ack().seq(seg(9)).len(MSS));
        script.advanceMillis(88);
        script.expectSend(tcp().ack().seq(seg(9)).len(MSS));
        script.expectNothing();
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        assertEquals(1, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
        assertEquals(2 * MSS, connection.sackScoreboard().sackedBytes());
        // cwnd is 2 segments now: segment 1, then segment 4, skipping the SACKed 2 and 3
        script.receive(tcp().ack().seq(PEER).ack(seg(1)).sack(seg(2), seg(4)));
        script.expectSend(tcp().ack().seq(seg(1)).len(MSS));
        script.expectSend(tcp().ack().seq(seg(4)).len(MSS));
        script.expectNothing();
    }

    @Test
    void sackBlockBeyondWhatWasSentIsIgnored() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(20), seg(30)));
        assertEquals(0, connection.sackScoreboard().sackedBytes());
        assertEquals(1, connection.sackScoreboard().invalidBlocks());
    }
}
