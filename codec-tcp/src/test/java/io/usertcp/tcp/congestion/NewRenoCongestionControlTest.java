package io.usertcp.tcp.congestion;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NewRenoCongestionControlTest {
    private static final int MSS = 1460;
    private static final long RTT = TimeUnit.MILLISECONDS.toNanos(100);

    private static CongestionControl renoWithWindow(int segments) {
        CongestionControl cc = NewRenoCongestionControl.FACTORY.newInstance(MSS);
        while (cc.congestionWindow() < segments * MSS) {
            cc.onAck(0, MSS, cc.congestionWindow(), RTT);
        }
        assertEquals(segments * MSS, cc.congestionWindow(), "setup");
        return cc;
    }

    /** A connection in congestion avoidance with cwnd = ssthresh = {@code segments}, after a recovery. */
    private static CongestionControl renoInAvoidance(int segments) {
        CongestionControl cc = renoWithWindow(2 * segments);
        cc.onCongestionEvent(RTT, 2 * segments * MSS);
        cc.onRecoveryExit(2 * RTT);
        assertEquals(segments * MSS, cc.congestionWindow(), "setup");
        return cc;
    }

    @Test
    void nameIsNewreno() {
        assertEquals("newreno", NewRenoCongestionControl.FACTORY.newInstance(MSS).name());
    }

    @Test
    void congestionEventSetsSsthreshToHalfTheFlightSize() {
        CongestionControl cc = renoWithWindow(20);
        cc.onCongestionEvent(RTT, 20 * MSS);
        // RFC 5681 eq. 4: max(FlightSize / 2, 2*SMSS)
        assertEquals(10 * MSS, cc.slowStartThreshold());
        assertEquals(10 * MSS, cc.congestionWindow());
    }

    @Test
    void congestionEventUsesTheFlightSizeNotTheWindow() {
        CongestionControl cc = renoWithWindow(20);
        cc.onCongestionEvent(RTT, 8 * MSS);
        assertEquals(4 * MSS, cc.slowStartThreshold());
        assertEquals(4 * MSS, cc.congestionWindow());
    }

    @Test
    void congestionEventKeepsSsthreshAtLeastTwoSegments() {
        CongestionControl cc = renoWithWindow(20);
        cc.onCongestionEvent(RTT, 3 * MSS);
        assertEquals(2 * MSS, cc.slowStartThreshold());
    }

    @Test
    void timeoutSetsSsthreshToHalfTheFlightSize() {
        CongestionControl cc = renoWithWindow(20);
        cc.onRetransmissionTimeout(RTT, 14 * MSS);
        assertEquals(7 * MSS, cc.slowStartThreshold());
        assertEquals(MSS, cc.congestionWindow());
    }

    @Test
    void slowStartEndsExactlyAtSsthresh() {
        CongestionControl cc = renoWithWindow(20);
        cc.onRetransmissionTimeout(RTT, 13 * MSS);
        int ssthresh = cc.slowStartThreshold();
        long now = 2 * RTT;
        while (cc.congestionWindow() < ssthresh) {
            cc.onAck(now, MSS, cc.congestionWindow(), RTT);
        }
        assertEquals(ssthresh, cc.congestionWindow());
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRoundTrip() {
        CongestionControl cc = renoInAvoidance(20);
        AckClock clock = new AckClock(cc, MSS, RTT, 2 * RTT);
        clock.sendWindowAtOnce();
        for (int round = 1; round <= 30; round++) {
            clock.runUntil(2 * RTT + round * RTT);
            assertEquals((20 + round) * MSS, cc.congestionWindow(), "after round " + round);
        }
    }

    @Test
    void delayedAcksStillAddOneSegmentPerRoundTrip() {
        CongestionControl cc = renoInAvoidance(20);
        long now = 2 * RTT;
        for (int round = 1; round <= 10; round++) {
            now += RTT;
            int window = cc.congestionWindow();
            // RFC 3465 2.1: counting bytes, not ACKs, so one ACK per two segments loses nothing (an odd last
            // segment is acknowledged alone when the delayed-ACK timer fires)
            for (int acked = 0; acked < window; acked += 2 * MSS) {
                cc.onAck(now, Math.min(2 * MSS, window - acked), window, RTT);
            }
            assertEquals((20 + round) * MSS, cc.congestionWindow(), "after round " + round);
        }
    }

    @Test
    void oneAckAddsAtMostOneSegmentInCongestionAvoidance() {
        CongestionControl cc = renoInAvoidance(20);
        int window = cc.congestionWindow();
        cc.onAck(3 * RTT, 3 * window, window, RTT);
        assertEquals(window + MSS, cc.congestionWindow());
        cc.onAck(3 * RTT, MSS, window + MSS, RTT);
        assertEquals(window + MSS, cc.congestionWindow(), "the stretch ACK left no credit beyond one window");
    }
}
