package io.usertcp.tcp.congestion;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 5681 mechanics both built-in algorithms share: initial window, slow start with byte counting, the
 * loss window after a timeout, fast recovery without inflation, restart after idle, growth only while the
 * window is used, MSS changes and the window cap. Every test runs against each algorithm.
 */
class Rfc5681BehaviourTest {
    private static final int MSS = 1460;
    private static final long RTT = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RTO = TimeUnit.SECONDS.toNanos(1);

    static Stream<CongestionControlFactory> algorithms() {
        return Stream.of(CubicCongestionControl.FACTORY, NewRenoCongestionControl.FACTORY);
    }

    static Stream<Arguments> initialWindows() {
        // RFC 6928 2: min(10*MSS, max(2*MSS, 14600)), worked out by hand
        return algorithms().flatMap(factory -> Stream.of(
                Arguments.of(factory, 536, 5_360),
                Arguments.of(factory, 1460, 14_600),
                Arguments.of(factory, 8960, 17_920),
                Arguments.of(factory, 88, 880)));
    }

    /** Grows cwnd in slow start to exactly {@code bytes} with ACKs of at most one segment. */
    private static void growTo(CongestionControl cc, int bytes) {
        while (cc.congestionWindow() < bytes) {
            cc.onAck(0, Math.min(MSS, bytes - cc.congestionWindow()), cc.congestionWindow(), RTT);
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void instanceReportsItsFactoryName(CongestionControlFactory factory) {
        assertEquals(factory.name(), factory.newInstance(MSS).name());
    }

    @ParameterizedTest
    @MethodSource("initialWindows")
    void initialWindowFollowsRfc6928(CongestionControlFactory factory, int mss, int expectedBytes) {
        assertEquals(expectedBytes, factory.newInstance(mss).congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartThresholdStartsArbitrarilyHigh(CongestionControlFactory factory) {
        assertEquals(Integer.MAX_VALUE, factory.newInstance(MSS).slowStartThreshold());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartDoublesTheWindowEveryRoundTrip(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        AckClock clock = new AckClock(cc, MSS, RTT, 0);
        clock.sendWindowAtOnce();
        for (int round = 1; round <= 6; round++) {
            clock.runUntil(round * RTT);
            assertEquals((10 << round) * MSS, cc.congestionWindow(), "after round " + round);
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void delayedAcksStillDoubleTheWindowEveryRoundTrip(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        for (int round = 1; round <= 5; round++) {
            int window = cc.congestionWindow();
            // RFC 3465 2.2: one ACK per two segments counts both, so delayed ACKs do not halve the growth
            for (int acked = 0; acked < window; acked += 2 * MSS) {
                cc.onAck(round * RTT, 2 * MSS, window, RTT);
            }
            assertEquals(2 * window, cc.congestionWindow(), "after round " + round);
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartCountsAtMostTwoSegmentsPerAck(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        int before = cc.congestionWindow();
        cc.onAck(RTT, 5 * MSS, before, RTT);
        assertEquals(before + 2 * MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartCountsPartialSegmentsByTheByte(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        int before = cc.congestionWindow();
        cc.onAck(RTT, 100, before, RTT);
        assertEquals(before + 100, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartAfterTimeoutCountsAtMostOneSegmentPerAck(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onRetransmissionTimeout(RTT, 40 * MSS);
        cc.onAck(2 * RTT, 3 * MSS, MSS, RTT);
        assertEquals(2 * MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void timeoutSetsTheLossWindowOfOneSegment(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onRetransmissionTimeout(RTT, 40 * MSS);
        assertEquals(MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void repeatedTimeoutOfTheSameDataHoldsSsthresh(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onRetransmissionTimeout(RTT, 40 * MSS);
        int ssthresh = cc.slowStartThreshold();
        cc.onRetransmissionTimeout(RTT + RTO, 40 * MSS);
        cc.onRetransmissionTimeout(RTT + 3 * RTO, 40 * MSS);
        assertEquals(ssthresh, cc.slowStartThreshold());
        assertEquals(MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void timeoutAfterNewDataWasAcknowledgedLowersSsthreshAgain(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onRetransmissionTimeout(RTT, 40 * MSS);
        int first = cc.slowStartThreshold();
        cc.onAck(2 * RTT, MSS, MSS, RTT);
        cc.onRetransmissionTimeout(2 * RTT + RTO, 2 * MSS);
        assertTrue(cc.slowStartThreshold() < first, cc.toString());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void timeoutDuringFastRecoveryKeepsTheRecoverySsthresh(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onCongestionEvent(RTT, 40 * MSS);
        int ssthresh = cc.slowStartThreshold();
        cc.onRetransmissionTimeout(RTT + RTO, 40 * MSS);
        assertEquals(ssthresh, cc.slowStartThreshold());
        assertEquals(MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void congestionEventNeverLeavesLessThanTwoSegments(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        cc.onRetransmissionTimeout(RTT, 10 * MSS);
        cc.onAck(2 * RTT, MSS, MSS, RTT);
        cc.onCongestionEvent(3 * RTT, MSS);
        assertEquals(2 * MSS, cc.slowStartThreshold());
        assertEquals(2 * MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void fastRecoveryHoldsTheWindowAtSsthreshWithoutInflation(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onCongestionEvent(RTT, 40 * MSS);
        int ssthresh = cc.slowStartThreshold();
        assertEquals(ssthresh, cc.congestionWindow(), "reduced at once on entry");
        for (int ack = 1; ack <= 30; ack++) {
            cc.onRecoveryAck(RTT + ack * RTT / 30, MSS);
            assertEquals(ssthresh, cc.congestionWindow(), "recovery ACK " + ack);
        }
        cc.onRecoveryExit(2 * RTT);
        assertEquals(ssthresh, cc.congestionWindow(), "after the exit");
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void idleLongerThanRtoRestartsFromTheInitialWindow(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onIdleRestart(RTT + 2 * RTO, 2 * RTO, RTO);
        assertEquals(10 * MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void idleNoLongerThanRtoKeepsTheWindow(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onIdleRestart(RTT + RTO, RTO, RTO);
        assertEquals(40 * MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void idleRestartNeverRaisesAWindowBelowTheInitialWindow(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        cc.onRetransmissionTimeout(RTT, 10 * MSS);
        cc.onIdleRestart(RTT + 2 * RTO, 2 * RTO, RTO);
        assertEquals(MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void idleRestartKeepsThreeQuartersOfTheWindowAsSsthresh(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onCongestionEvent(RTT, 40 * MSS);
        cc.onRecoveryExit(2 * RTT);
        long now = 2 * RTT;
        while (cc.congestionWindow() < 60 * MSS) {
            now += RTT;
            cc.onAck(now, cc.congestionWindow(), cc.congestionWindow(), RTT);
        }
        int window = cc.congestionWindow();
        cc.onIdleRestart(now + 10 * RTO, 10 * RTO, RTO);
        assertEquals(3 * window / 4, cc.slowStartThreshold());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartDoesNotGrowWhenAtMostHalfTheWindowIsInFlight(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        int window = cc.congestionWindow();
        for (int ack = 0; ack < 100; ack++) {
            cc.onAck(ack * RTT, MSS, window / 2, RTT);
        }
        assertEquals(window, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void slowStartGrowsWhileMoreThanHalfTheWindowIsInFlight(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        int window = cc.congestionWindow();
        cc.onAck(RTT, MSS, window / 2 + 1, RTT);
        assertEquals(window + MSS, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void congestionAvoidanceDoesNotGrowAWindowThatIsNotFull(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onCongestionEvent(RTT, 40 * MSS);
        cc.onRecoveryExit(2 * RTT);
        int window = cc.congestionWindow();
        for (int round = 3; round < 200; round++) {
            cc.onAck(round * RTT, window - MSS, window - MSS, RTT);
        }
        assertEquals(window, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void ackOfNothingChangesNothing(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        cc.onAck(RTT, 0, cc.congestionWindow(), RTT);
        cc.onAck(RTT, -MSS, cc.congestionWindow(), RTT);
        assertEquals(10 * MSS, cc.congestionWindow());
        assertEquals(Integer.MAX_VALUE, cc.slowStartThreshold());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void windowStopsAtOneGibibyte(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(65_535);
        long now = 0;
        while (cc.congestionWindow() < CongestionControl.MAX_WINDOW_BYTES) {
            now += RTT;
            cc.onAck(now, cc.congestionWindow(), cc.congestionWindow(), RTT);
        }
        cc.onAck(now + RTT, Integer.MAX_VALUE, Integer.MAX_VALUE, RTT);
        assertEquals(CongestionControl.MAX_WINDOW_BYTES, cc.congestionWindow());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void smallerMssKeepsTheWindowsInBytes(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        growTo(cc, 40 * MSS);
        cc.onCongestionEvent(RTT, 40 * MSS);
        int cwnd = cc.congestionWindow();
        int ssthresh = cc.slowStartThreshold();
        cc.onMssChange(1200);
        assertEquals(cwnd, cc.congestionWindow());
        assertEquals(ssthresh, cc.slowStartThreshold());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void largerMssRaisesTheWindowsToTheirFloors(CongestionControlFactory factory) {
        CongestionControl cc = factory.newInstance(MSS);
        cc.onRetransmissionTimeout(RTT, 2 * MSS);
        cc.onMssChange(8960);
        assertEquals(8960, cc.congestionWindow());
        assertEquals(2 * 8960, cc.slowStartThreshold());
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void mssOutsideTheSixteenBitRangeIsRejected(CongestionControlFactory factory) {
        assertThrows(IllegalArgumentException.class, () -> factory.newInstance(0));
        assertThrows(IllegalArgumentException.class, () -> factory.newInstance(65_536));
        CongestionControl cc = factory.newInstance(MSS);
        assertThrows(IllegalArgumentException.class, () -> cc.onMssChange(-1));
        assertEquals(10 * MSS, cc.congestionWindow(), "unchanged by the rejected MSS");
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void eventsAllocateNothing(CongestionControlFactory factory) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CongestionControl cc = factory.newInstance(MSS);
        driveEveryEvent(cc, 0, 5_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        driveEveryEvent(cc, 5_000, 25_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " bytes allocated by 20000 rounds of events");
    }

    /** Slow start, avoidance, application-limited ACKs, recoveries, timeouts and idle restarts, in turn. */
    private static void driveEveryEvent(CongestionControl cc, int fromRound, int toRound) {
        for (int round = fromRound; round < toRound; round++) {
            long now = round * RTT;
            cc.onAck(now, MSS, cc.congestionWindow(), RTT);
            cc.onAck(now + 1, cc.congestionWindow(), cc.congestionWindow(), RTT);
            cc.onAck(now + 2, MSS, MSS, RTT);
            switch (round % 4) {
                case 0 -> {
                    cc.onCongestionEvent(now + 3, cc.congestionWindow());
                    cc.onRecoveryAck(now + 4, MSS);
                    cc.onRecoveryExit(now + 5);
                }
                case 1 -> cc.onRetransmissionTimeout(now + 3, cc.congestionWindow());
                case 2 -> cc.onIdleRestart(now + 3, 2 * RTO, RTO);
                default -> cc.onIdleRestart(now + 3, RTT, RTO);
            }
        }
    }
}
