package io.usertcp.tcp.congestion;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CubicCongestionControlTest {
    private static final int MSS = 1460;
    private static final long RTT = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Where the tests start their clocks: any value, the algorithm only uses differences. */
    private static final long START = 7 * SECOND;

    // RFC 9438 constants restated, so that expectations do not borrow the code's: C (5.1), beta_cubic (4.6),
    // alpha_cubic (4.3 Figure 5)
    private static final double C = 0.4;
    private static final double BETA = 0.7;
    private static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private static CongestionControl cubicWithWindow(int mss, int segments) {
        CongestionControl cc = CubicCongestionControl.FACTORY.newInstance(mss);
        while (cc.congestionWindow() < segments * mss) {
            cc.onAck(START, mss, cc.congestionWindow(), RTT);
        }
        assertEquals(segments * mss, cc.congestionWindow(), "setup");
        return cc;
    }

    /** A loss at cwnd = {@code segments} at {@code lossNanos}, and the end of its recovery at the same time. */
    private static CongestionControl cubicAfterLossAt(int segments, long lossNanos) {
        CongestionControl cc = cubicWithWindow(MSS, segments);
        cc.onCongestionEvent(lossNanos, cc.congestionWindow());
        cc.onRecoveryExit(lossNanos);
        return cc;
    }

    /** One ACK for the whole window, the sender having filled it. */
    private static void ackWholeWindow(CongestionControl cc, long nowNanos, long rttNanos) {
        cc.onAck(nowNanos, cc.congestionWindow(), cc.congestionWindow(), rttNanos);
    }

    private static double segments(CongestionControl cc) {
        return cc.congestionWindow() / (double) MSS;
    }

    private static double seconds(long nanos) {
        return nanos / (double) SECOND;
    }

    /**
     * RFC 9438 4.2 to 4.5 restated in segments and seconds for a sender whose whole window is acknowledged by
     * one ACK per round trip: W_est grows by alpha_cubic per ACK (Figure 4 with segments_acked = cwnd), and
     * cwnd moves all the way to the target ((target - cwnd) / cwnd per segment, for cwnd segments).
     */
    private static final class ReferenceCubic {
        final double wMax;
        final double k;
        private final double cwndPrior;
        private double cwnd;
        private double wEst;
        boolean sawConcave;
        boolean sawConvex;
        boolean sawRenoFriendly;

        ReferenceCubic(double wMax, double cwndEpoch, double cwndPrior) {
            // 4.8 and 4.10: with no larger window to return to, W_max = cwnd_epoch and K = 0
            this.wMax = Math.max(wMax, cwndEpoch);
            this.k = Math.cbrt((this.wMax - cwndEpoch) / C);
            this.cwndPrior = cwndPrior;
            this.cwnd = cwndEpoch;
            this.wEst = cwndEpoch;
        }

        double cubic(double t) {
            return C * Math.pow(t - k, 3) + wMax;
        }

        double ackWholeWindow(double t, double rtt) {
            wEst += wEst >= cwndPrior ? 1 : ALPHA;
            if (cubic(t) < wEst) {
                sawRenoFriendly = true;
                cwnd = Math.max(cwnd, wEst);
            } else {
                sawConcave |= cwnd < wMax;
                sawConvex |= cwnd > wMax;
                cwnd = Math.min(Math.max(cubic(t + rtt), cwnd), 1.5 * cwnd);
            }
            return cwnd;
        }
    }

    @Test
    void congestionEventSetsSsthreshToSeventyPercentOfTheWindow() {
        CongestionControl cc = cubicWithWindow(MSS, 100);
        cc.onCongestionEvent(START, 100 * MSS);
        assertEquals(70 * MSS, cc.slowStartThreshold());
        assertEquals(70 * MSS, cc.congestionWindow());
    }

    @Test
    void ssthreshFollowsTheWindowEvenWhenLessIsInFlight() {
        CongestionControl cc = cubicWithWindow(MSS, 100);
        cc.onCongestionEvent(START, 40 * MSS);
        assertEquals(70 * MSS, cc.slowStartThreshold());
    }

    @Test
    void timeoutSetsSsthreshToSeventyPercentAndTheLossWindow() {
        CongestionControl cc = cubicWithWindow(MSS, 100);
        cc.onRetransmissionTimeout(START, 100 * MSS);
        assertEquals(70 * MSS, cc.slowStartThreshold());
        assertEquals(MSS, cc.congestionWindow());
    }

    @Test
    void eachAckMovesTheWindowTowardTheCurveOneRttAhead() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        long epoch = START + RTT;
        cc.onAck(epoch, MSS, cc.congestionWindow(), RTT);
        int before = cc.congestionWindow();
        cc.onAck(epoch + SECOND, MSS, before, RTT);
        // 4.2: K = cubic_root(W_max * (1 - beta_cubic) / C) when cwnd_epoch = beta_cubic * W_max, and
        // target = W_cubic(t + RTT); 4.4: cwnd += (target - cwnd) / cwnd for the one segment acknowledged
        double k = Math.cbrt(100 * (1 - BETA) / C);
        double targetBytes = (C * Math.pow(1 + seconds(RTT) - k, 3) + 100) * MSS;
        double expected = before + (targetBytes - before) / before * MSS;
        assertEquals(expected, cc.congestionWindow(), 1.5);
    }

    @Test
    void withoutAnRttEstimateTheTargetIsTheCurveNow() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        long epoch = START + RTT;
        cc.onAck(epoch, MSS, cc.congestionWindow(), 0);
        int before = cc.congestionWindow();
        cc.onAck(epoch + SECOND, MSS, before, 0);
        double k = Math.cbrt(100 * (1 - BETA) / C);
        double targetBytes = (C * Math.pow(1 - k, 3) + 100) * MSS;
        double expected = before + (targetBytes - before) / before * MSS;
        assertEquals(expected, cc.congestionWindow(), 1.5);
    }

    @Test
    void windowReturnsToWmaxAfterKSeconds() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        long epoch = START + RTT;
        // 4.2 Figure 2 with cwnd_epoch = beta_cubic * W_max
        double k = Math.cbrt(100 * (1 - BETA) / C);
        long kNanos = (long) (k * SECOND);
        for (long at = epoch; at < epoch + kNanos - SECOND - RTT; at += RTT) {
            ackWholeWindow(cc, at, RTT);
        }
        // an ACK of the whole window at t aims at W_cubic(t + RTT)
        ackWholeWindow(cc, epoch + kNanos - SECOND - RTT, RTT);
        assertEquals(100 - C, segments(cc), 0.01, "one second before K");
        ackWholeWindow(cc, epoch + kNanos - RTT, RTT);
        assertEquals(100, segments(cc), 0.01, "at K");
    }

    @Test
    void growthIsAtMostHalfTheWindowPerWindowAcknowledged() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        long epoch = START + RTT;
        cc.onAck(epoch, MSS, cc.congestionWindow(), RTT);
        int before = cc.congestionWindow();
        // 20 s into the epoch W_cubic is far above 1.5 * cwnd, the bound of 4.2
        ackWholeWindow(cc, epoch + 20 * SECOND, RTT);
        assertEquals(1.5 * before, cc.congestionWindow(), 1.0);
    }

    @Test
    void windowFollowsTheCurveOneRoundTripAheadAfterEachWindowAcknowledged() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        ReferenceCubic expected = new ReferenceCubic(100, 70, 100);
        long epoch = START + RTT;
        for (int round = 0; round <= 90; round++) {
            ackWholeWindow(cc, epoch + round * RTT, RTT);
            double want = expected.ackWholeWindow(round * seconds(RTT), seconds(RTT));
            assertEquals(want, segments(cc), 0.01, "round " + round);
        }
        assertTrue(expected.sawConcave && expected.sawConvex && expected.sawRenoFriendly,
                "the run covers the concave, convex and Reno-friendly regions");
    }

    @Test
    void ackClockedWindowTracksTheCurveThroughConcavePlateauAndConvexRegions() {
        // RTT 200 ms keeps W_est below W_cubic for the whole run (at 100 ms the Reno-friendly region, tested
        // below, would take over around t = 5.9 s): this test is about the cubic curve alone
        long rtt = 2 * RTT;
        CongestionControl cc = cubicAfterLossAt(100, START);
        AckClock clock = new AckClock(cc, MSS, rtt, START);
        clock.sendWindowPaced();
        long epoch = START + rtt;
        double k = Math.cbrt(100 * (1 - BETA) / C);
        for (long at = epoch; at <= epoch + 9 * SECOND; at += rtt) {
            clock.runUntil(at);
            double t = seconds(at - epoch);
            double curve = C * Math.pow(t - k, 3) + 100;
            assertTrue(70 + ALPHA * t / seconds(rtt) <= curve, "W_est stays below the curve at t = " + t);
            // each ACK aims at W_cubic(t + RTT), so by the end of each round trip cwnd has reached the curve
            assertEquals(curve, segments(cc), 1.0, "t = " + t);
        }
        assertTrue(segments(cc) > 140, "the run ends deep in the convex region: " + cc);
    }

    @Test
    void renoFriendlyRegionDominatesSmallWindowsOnShortPaths() {
        long rtt = TimeUnit.MILLISECONDS.toNanos(10);
        CongestionControl cc = cubicAfterLossAt(10, START);
        ReferenceCubic expected = new ReferenceCubic(10, 7, 10);
        long epoch = START + rtt;
        for (int round = 0; round <= 100; round++) {
            ackWholeWindow(cc, epoch + round * rtt, rtt);
            double t = round * seconds(rtt);
            assertEquals(expected.ackWholeWindow(t, seconds(rtt)), segments(cc), 0.01, "round " + round);
        }
        // 4.3: W_est grew by alpha_cubic per RTT up to cwnd_prior = 10, then by 1 per RTT, Reno's rate, while
        // the curve is still on its plateau at 10 segments
        double renoEstimate = 10 + (100 - (10 - 7) / ALPHA);
        assertEquals(renoEstimate, segments(cc), 1.0);
        assertTrue(expected.cubic(1.0) < 10, "W_cubic(1 s) = " + expected.cubic(1.0));
        assertTrue(expected.sawRenoFriendly && !expected.sawConvex);
    }

    @Test
    void fastConvergenceLowersWmaxWhenLossComesBeforeThePreviousWmax() {
        long rtt = 2 * RTT;
        CongestionControl cc = cubicAfterLossAt(100, START);
        long now = START + rtt;
        while (cc.congestionWindow() < 90 * MSS) {
            ackWholeWindow(cc, now, rtt);
            now += rtt;
        }
        double lossWindow = segments(cc);
        cc.onCongestionEvent(now, cc.congestionWindow());
        cc.onRecoveryExit(now);
        // 4.7: below the previous W_max (100), W_max = cwnd * (1 + beta_cubic) / 2
        ReferenceCubic expected = new ReferenceCubic(lossWindow * (1 + BETA) / 2, segments(cc), lossWindow);
        long epoch = now + rtt;
        int rounds = (int) Math.ceil(2 * expected.k / seconds(rtt));
        for (int round = 0; round <= rounds; round++) {
            ackWholeWindow(cc, epoch + round * rtt, rtt);
            assertEquals(expected.ackWholeWindow(round * seconds(rtt), seconds(rtt)), segments(cc), 0.01,
                    "round " + round);
        }
        assertTrue(expected.wMax < lossWindow - 10, "W_max was lowered: " + expected.wMax);
    }

    @Test
    void timeoutStartsTheNextCurveWithKZeroAtTheWindowWhereAvoidanceBegins() {
        CongestionControl cc = cubicWithWindow(MSS, 100);
        cc.onRetransmissionTimeout(START, 100 * MSS);
        long now = START + RTT;
        while (cc.congestionWindow() < cc.slowStartThreshold()) {
            cc.onAck(now, MSS, cc.congestionWindow(), RTT);
        }
        // 4.8: W_max = cwnd_epoch (70 segments) and K = 0, not a climb back to the 100 before the timeout
        ReferenceCubic expected = new ReferenceCubic(0, segments(cc), 100);
        long epoch = now + RTT;
        for (int round = 0; round <= 60; round++) {
            ackWholeWindow(cc, epoch + round * RTT, RTT);
            assertEquals(expected.ackWholeWindow(round * seconds(RTT), seconds(RTT)), segments(cc), 0.01,
                    "round " + round);
        }
        assertTrue(expected.sawConvex && !expected.sawConcave, "the curve is convex from the start");
    }

    @Test
    void idleTimeIsLeftOutOfTheCurve() {
        CongestionControl steady = cubicAfterLossAt(100, START);
        CongestionControl idler = cubicAfterLossAt(100, START);
        long idle = 10 * SECOND;
        for (int round = 1; round <= 10; round++) {
            ackWholeWindow(steady, START + round * RTT, RTT);
            ackWholeWindow(idler, START + round * RTT, RTT);
        }
        // RFC 9438 5.8; shorter than the RTO, so RFC 5681 4.1 keeps the window
        idler.onIdleRestart(START + 10 * RTT + idle, idle, 60 * SECOND);
        for (int round = 11; round <= 40; round++) {
            ackWholeWindow(steady, START + round * RTT, RTT);
            ackWholeWindow(idler, START + round * RTT + idle, RTT);
            assertEquals(steady.congestionWindow(), idler.congestionWindow(), "round " + round);
        }
    }

    @Test
    void applicationLimitedTimeIsLeftOutOfTheCurve() {
        CongestionControl steady = cubicAfterLossAt(100, START);
        CongestionControl limited = cubicAfterLossAt(100, START);
        for (int round = 1; round <= 10; round++) {
            ackWholeWindow(steady, START + round * RTT, RTT);
            ackWholeWindow(limited, START + round * RTT, RTT);
        }
        int pausedRounds = 50;
        for (int round = 11; round <= 10 + pausedRounds; round++) {
            limited.onAck(START + round * RTT, MSS, 2 * MSS, RTT);
        }
        assertEquals(steady.congestionWindow(), limited.congestionWindow(), "no growth while application-limited");
        for (int round = 11; round <= 40; round++) {
            ackWholeWindow(steady, START + round * RTT, RTT);
            ackWholeWindow(limited, START + (round + pausedRounds) * RTT, RTT);
            assertEquals(steady.congestionWindow(), limited.congestionWindow(), "round " + round);
        }
    }

    @Test
    void clockWrapAroundDoesNotDisturbTheCurve() {
        CongestionControl plain = cubicAfterLossAt(100, START);
        CongestionControl wrapping = cubicAfterLossAt(100, START);
        long wrapStart = Long.MAX_VALUE - 5 * RTT;
        for (int round = 1; round <= 40; round++) {
            ackWholeWindow(plain, START + round * RTT, RTT);
            ackWholeWindow(wrapping, wrapStart + round * RTT, RTT);
            assertEquals(plain.congestionWindow(), wrapping.congestionWindow(), "round " + round);
        }
    }

    @Test
    void extremeTimesAndRttsKeepTheWindowBetweenItselfAndOneAndAHalfTimesItself() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        ackWholeWindow(cc, START + RTT, RTT);
        long[][] timesAndRtts = {
                {START, RTT},                             // earlier than the epoch began
                {START + RTT, Long.MAX_VALUE},            // absurd RTT
                {START + Long.MAX_VALUE / 2, RTT},        // centuries later
                {START + Long.MAX_VALUE / 2, Long.MAX_VALUE},
                {START + Long.MAX_VALUE / 2 + 1, -1}};
        for (long[] timeAndRtt : timesAndRtts) {
            int before = cc.congestionWindow();
            ackWholeWindow(cc, timeAndRtt[0], timeAndRtt[1]);
            int after = cc.congestionWindow();
            assertTrue(after >= before && after <= 1.5 * before + 1, before + " -> " + after);
        }
    }

    @Test
    void windowNearOneGibibyteNeitherOverflowsNorStalls() {
        CongestionControl cc = CubicCongestionControl.FACTORY.newInstance(MSS);
        long now = START;
        while (cc.congestionWindow() < CongestionControl.MAX_WINDOW_BYTES) {
            now += RTT;
            ackWholeWindow(cc, now, RTT);
        }
        cc.onCongestionEvent(now, cc.congestionWindow());
        assertEquals(Math.round(CongestionControl.MAX_WINDOW_BYTES * BETA), cc.slowStartThreshold());
        cc.onRecoveryExit(now);
        int previous = cc.congestionWindow();
        for (long step = SECOND; step <= 1_000_000 * SECOND; step *= 10) {
            now += step;
            ackWholeWindow(cc, now, RTT);
            int window = cc.congestionWindow();
            assertTrue(window >= previous && window <= CongestionControl.MAX_WINDOW_BYTES, previous + " -> " + window);
            previous = window;
        }
        assertEquals(CongestionControl.MAX_WINDOW_BYTES, cc.congestionWindow());
    }

    @Test
    void tinyMssAtOneGibibyteFollowsTheCurve() {
        int mss = 88;
        CongestionControl cc = CubicCongestionControl.FACTORY.newInstance(mss);
        while (cc.congestionWindow() < CongestionControl.MAX_WINDOW_BYTES) {
            ackWholeWindow(cc, START, RTT);
        }
        double lossWindow = cc.congestionWindow() / (double) mss;
        cc.onCongestionEvent(START, cc.congestionWindow());
        cc.onRecoveryExit(START);
        ReferenceCubic expected = new ReferenceCubic(lossWindow, cc.congestionWindow() / (double) mss, lossWindow);
        for (int round = 0; round <= 100; round++) {
            ackWholeWindow(cc, START + RTT + round * RTT, RTT);
            double want = expected.ackWholeWindow(round * seconds(RTT), seconds(RTT));
            assertEquals(want, cc.congestionWindow() / (double) mss, 1.0, "round " + round);
        }
        int beforeTimeout = cc.congestionWindow();
        cc.onRetransmissionTimeout(START + 200 * RTT, beforeTimeout);
        assertEquals(mss, cc.congestionWindow());
        assertEquals(Math.round(beforeTimeout * BETA), cc.slowStartThreshold());
    }

    @Test
    void mssChangeRestartsTheCurveInTheNewSegmentSize() {
        CongestionControl cc = cubicAfterLossAt(100, START);
        int smallerMss = 536;
        cc.onMssChange(smallerMss);
        // W_max and cwnd keep their bytes; K is computed again in segments of the new MSS
        ReferenceCubic expected = new ReferenceCubic(
                100.0 * MSS / smallerMss, 70.0 * MSS / smallerMss, 100.0 * MSS / smallerMss);
        long epoch = START + RTT;
        for (int round = 0; round <= 90; round++) {
            ackWholeWindow(cc, epoch + round * RTT, RTT);
            double want = expected.ackWholeWindow(round * seconds(RTT), seconds(RTT));
            assertEquals(want, cc.congestionWindow() / (double) smallerMss, 0.01, "round " + round);
        }
    }

    /** One loss seen in the trace: when, and cwnd just before and just after the reduction. */
    private record Loss(long atNanos, double before, double after) {
    }

    @Test
    void sawtoothUnderPeriodicLossHasTheCubicShape() {
        // A path that holds 100 segments: the window is cut each time it grows past that, and CUBIC's curve
        // brings it back. Loss detection is immediate and recovery lasts one RTT.
        int capacity = 100 * MSS;
        CongestionControl cc = CubicCongestionControl.FACTORY.newInstance(MSS);
        AckClock clock = new AckClock(cc, MSS, RTT, START);
        clock.sendWindowPaced();
        List<Loss> losses = new ArrayList<>();
        List<long[]> trace = new ArrayList<>();
        while (clock.hasAckBy(START + 60 * SECOND)) {
            clock.deliverNextAck();
            trace.add(new long[] {clock.nowNanos(), cc.congestionWindow()});
            if (!clock.inRecovery() && cc.congestionWindow() > capacity) {
                double before = segments(cc);
                clock.congestionEvent();
                losses.add(new Loss(clock.nowNanos(), before, segments(cc)));
            }
        }
        assertTrue(losses.size() >= 8, "losses: " + losses.size());

        double wMax = 0;
        for (int i = 0; i < losses.size(); i++) {
            Loss loss = losses.get(i);
            assertTrue(loss.before() > 100 && loss.before() <= 101, "cwnd at loss " + i + ": " + loss.before());
            assertEquals(loss.before() * BETA, loss.after(), 0.001, "reduction at loss " + i);
            // 4.7: fast convergence when the loss comes below the previous W_max
            wMax = loss.before() < wMax ? loss.before() * (1 + BETA) / 2 : loss.before();
            if (i == losses.size() - 1) {
                break;
            }
            // the epoch begins when recovery ends, one RTT after the loss; W_cubic reaches W_max - 1 segment
            // at K - cubic_root(1 / C), and the window must get there at the same time
            long epoch = loss.atNanos() + RTT;
            double k = Math.cbrt((wMax - loss.after()) / C);
            double expectedSeconds = k - Math.cbrt(1 / C);
            long reached = firstTimeAtLeast(trace, epoch, (wMax - 1) * MSS);
            assertEquals(expectedSeconds, seconds(reached - epoch), seconds(RTT),
                    "cycle " + i + " with W_max " + wMax + ", K " + k);
        }
    }

    private static long firstTimeAtLeast(List<long[]> trace, long fromNanos, double bytes) {
        for (long[] point : trace) {
            if (point[0] >= fromNanos && point[1] >= bytes) {
                return point[0];
            }
        }
        throw new AssertionError("cwnd never reached " + bytes + " after " + fromNanos);
    }
}
