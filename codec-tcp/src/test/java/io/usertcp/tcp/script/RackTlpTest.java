package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RACK-TLP (RFC 8985) against a SACK peer with a 10 ms round trip: the handshake takes 10 ms, so SRTT and the
 * minimum RTT are 10 ms and the reordering window outside recovery is min_RTT / 4 = 2.5 ms. Segment k covers
 * [OURS + k * MSS, OURS + (k + 1) * MSS).
 */
class RackTlpTest {
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

    private TcpConnection sendWithSack(int segments) {
        return Handshakes.sendWithSack(script, segments);
    }

    @Test
    void singleSackAboveAHoleMarksItLostOnceTheReorderingWindowPasses() {
        sendWithSack(2);
        script.advanceMillis(10);
        // One SACKed segment: too few for DupThresh, but segment 1 was sent with segment 0 and has arrived
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.expectNothing();
        script.advanceMillis(2);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void lostRetransmissionIsSentAgainWithoutWaitingForTheRetransmissionTimeout() {
        TcpConnection connection = sendWithSack(14);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(10)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(3)));
        script.expectSend(tcp().ack().seq(seg(11)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(4)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        while (script.pendingSent() > 0) {
            script.nextSent();
        }
        assertTrue(connection.controlBlock().inRecovery);
        // The retransmission of segment 0 is lost; segments sent after it (new data) are SACKed a round trip later
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(12)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void tailLossProbeSendsTheLastSegmentAgainAfterTwoRoundTrips() {
        sendWithSack(4);
        script.advanceMillis(10);
        // Segments 0 and 1 are acknowledged; the tail, 2 and 3, is lost with no ACK to tell
        script.receive(tcp().ack().seq(PEER).ack(seg(2)));
        script.expectNothing();
        // PTO = 2 * SRTT + 2 ms with two segments in flight
        script.advanceMillis(21);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        script.expectNothing();
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void tailLossProbeDrawsTheSackThatRepairsTheTail() {
        sendWithSack(4);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(seg(2)));
        script.advanceMillis(22);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        script.advanceMillis(10);
        // The probe arrived a round trip ago; segment 2, sent long before it, is past its reordering window
        script.receive(tcp().ack().seq(PEER).ack(seg(2)).sack(seg(3), seg(4)));
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void newDataSentOntoAnEmptyFlightIsGuardedByALossProbe() {
        TcpConnection connection = sendWithSack(2);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(seg(2)));
        script.expectNothing();
        connection.write(Unpooled.wrappedBuffer(new byte[2 * MSS]));
        connection.flush();
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        // Both are lost: PTO = 2 * SRTT + 2 ms after the last of them, not the 200 ms RTO
        script.advanceMillis(21);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void lossProbeAlsoGuardsARecoveryWhoseRetransmissionIsLost() {
        TcpConnection connection = sendWithSack(2);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.advanceMillis(3);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        assertTrue(connection.controlBlock().inRecovery);
        // The retransmission is lost and nothing else is in flight to reveal it: a probe after PTO, not an RTO
        script.advanceMillis(21);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(1)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void ackOfTheFirstTransmissionSoonerThanMinRttAfterItsRetransmissionDoesNotMarkOthersLost() {
        sendWithSack(3);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(2), seg(3)));
        script.advanceMillis(3);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectSend(tcp().ack().seq(seg(1)).len(MSS));
        script.expectNothing();
        // 1 ms later, far below the 10 ms minimum RTT: the first transmission of segment 0 was only late. Taking
        // it for the retransmission's delivery would deem the retransmission of segment 1 lost at once
        script.advanceMillis(1);
        script.receive(tcp().ack().seq(PEER).ack(seg(1)).sack(seg(2), seg(3)));
        script.expectNothing();
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void duplicateAckDeliveringNothingNewLeavesTheMinimumRttAlone() {
        sendWithSack(20);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        for (int k = 10; k < 20; k++) {
            script.expectSend(tcp().ack().seq(seg(k)).len(MSS));
        }
        // 1 ms after segment 10 was sent: a duplicate ACK does not deliver it, so it is no 1 ms RTT sample
        script.advanceMillis(1);
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        script.expectNothing();
        script.advanceMillis(9);
        script.receive(tcp().ack().seq(PEER).ack(seg(10)).sack(seg(11), seg(12)));
        // The reordering window is still min_RTT / 4 = 2.5 ms
        script.advanceMillis(2);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(10)).len(MSS));
    }

    @Test
    void unansweredLossProbeIsFollowedByAnotherAfterTwiceTheWait() {
        sendWithSack(4);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(seg(2)));
        script.advanceMillis(22);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        // The probe or its ACK is lost too: a second probe 2 * PTO later, long before the 200 ms RTO
        script.advanceMillis(43);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        assertEquals(0, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }

    @Test
    void probingStopsWhereTheRetransmissionTimeoutWouldComeFirst() {
        sendWithSack(4);
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER).ack(seg(2)));
        // Three probes, after 22, 44 and 88 ms; then the 200 ms RTO
        script.advanceMillis(22);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        script.advanceMillis(44);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        script.advanceMillis(88);
        script.expectSend(tcp().ack().seq(seg(3)).len(MSS));
        script.advanceMillis(199);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        assertEquals(1, script.engine().counters().get(TcpCounter.RETRANSMISSION_TIMEOUTS));
    }
}
