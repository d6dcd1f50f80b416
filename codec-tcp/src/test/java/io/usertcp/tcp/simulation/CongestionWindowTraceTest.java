package io.usertcp.tcp.simulation;

import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CubicCongestionControl;
import io.usertcp.tcp.congestion.NewRenoCongestionControl;
import io.usertcp.tcp.handler.TcpCongestionHandler;
import io.usertcp.testing.network.ImpairmentConfig;
import io.usertcp.testing.network.SimulatedHost;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.simulation.TcpSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cwnd traces of a bulk sender on a fixed-RTT, 100 Mbit/s link whose only losses are the ones
 * {@link ChosenSegmentDropper} makes: one segment each time cwnd reaches a chosen window. The recorded window
 * must follow the algorithm's formulas, computed here independently: NewReno's sawtooth (RFC 5681 eq. 4 and
 * one SMSS per RTT in congestion avoidance) and CUBIC's curve (RFC 9438 4.2, 4.6, 4.7).
 */
class CongestionWindowTraceTest {
    private static final int MSS = 1448;
    private static final double CUBIC_C = 0.4;
    private static final double CUBIC_BETA = 0.7;
    private static final double CUBIC_ALPHA = 3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);

    @Test
    void newRenoWindowIsASawtoothHalvingAtEachLossAndGrowingOneSegmentPerRtt() {
        List<CongestionTrace.Point> trace = traceOf(NewRenoCongestionControl.NAME, 60, 25, 12L << 20);
        List<Phase> phases = avoidancePhases(trace);
        int losses = 0;
        for (CongestionTrace.Point point : trace) {
            assertTrue(point.signal() != CongestionSignal.RETRANSMISSION_TIMEOUT, "no timeout: " + point);
            if (point.signal() == CongestionSignal.CONGESTION) {
                losses++;
                // RFC 5681 eq. 4: ssthresh = max(FlightSize / 2, 2 * SMSS); NewReno's cwnd = ssthresh in recovery
                int expected = Math.max(point.bytesInFlight() / 2, 2 * MSS);
                assertEquals(expected, point.ssthreshAfter(), "ssthresh at " + point);
                assertEquals(expected, point.cwndAfter(), "cwnd at " + point);
                double ratio = (double) point.cwndAfter() / point.cwndBefore();
                assertTrue(ratio > 0.45 && ratio < 0.55, "the window halves: " + point);
            } else if (point.signal() == CongestionSignal.RECOVERY_EXIT) {
                assertEquals(point.ssthreshAfter(), point.cwndAfter(), "RFC 6582 3.2 step 3: cwnd = ssthresh");
            }
        }
        assertTrue(losses >= 4, "a sawtooth of several teeth: " + losses);
        int checked = 0;
        for (Phase phase : phases) {
            CongestionTrace.Point first = phase.points.get(0);
            CongestionTrace.Point last = phase.points.get(phase.points.size() - 1);
            double rtts = (last.nowNanos() - first.nowNanos()) / (double) meanSrtt(phase.points);
            if (rtts < 10) {
                continue;
            }
            checked++;
            double segmentsPerRtt = (last.cwndAfter() - first.cwndBefore()) / (double) MSS / rtts;
            // RFC 5681 3.1: congestion avoidance adds one SMSS per RTT
            assertTrue(segmentsPerRtt > 0.85 && segmentsPerRtt < 1.15,
                    "growth " + segmentsPerRtt + " segments per RTT over " + rtts + " RTTs");
        }
        assertTrue(checked >= 3, "congestion avoidance phases checked: " + checked);
    }

    @Test
    void cubicWindowFollowsTheCubicCurveBetweenLosses() {
        List<CongestionTrace.Point> trace = traceOf(CubicCongestionControl.NAME, 100, 50, 24L << 20);
        double previousMax = 0;
        List<Double> maxima = new ArrayList<>();
        int losses = 0;
        for (CongestionTrace.Point point : trace) {
            assertTrue(point.signal() != CongestionSignal.RETRANSMISSION_TIMEOUT, "no timeout: " + point);
            if (point.signal() == CongestionSignal.CONGESTION) {
                losses++;
                // RFC 9438 4.6: ssthresh = cwnd * beta_cubic, cwnd = max(ssthresh, 2 SMSS)
                int expected = (int) Math.round(point.cwndBefore() * CUBIC_BETA);
                assertEquals(expected, point.ssthreshAfter(), "0.7 cut at " + point);
                assertEquals(Math.max(expected, 2 * MSS), point.cwndAfter(), "0.7 cut at " + point);
                // RFC 9438 4.7 fast convergence
                previousMax = point.cwndBefore() < previousMax ? point.cwndBefore() * (1 + CUBIC_BETA) / 2
                        : point.cwndBefore();
                maxima.add(previousMax);
            }
        }
        assertTrue(losses >= 3, "several loss epochs: " + losses);
        List<Phase> phases = avoidancePhases(trace);
        int curves = 0;
        for (Phase phase : phases) {
            if (phase.lossIndex < 0) {
                continue;
            }
            double wMax = maxima.get(phase.lossIndex) / MSS;
            CongestionTrace.Point first = phase.points.get(0);
            double cwndEpoch = first.cwndBefore() / (double) MSS;
            // RFC 9438 4.2 Figure 2: K = cubic_root((W_max - cwnd_epoch) / C)
            double k = Math.cbrt((wMax - cwndEpoch) / CUBIC_C);
            double rtt = meanSrtt(phase.points) / 1e9;
            CongestionTrace.Point last = phase.points.get(phase.points.size() - 1);
            double span = (last.nowNanos() - first.nowNanos()) / 1e9;
            if (span < k) {
                continue;
            }
            curves++;
            for (CongestionTrace.Point point : phase.points) {
                double t = (point.nowNanos() - first.nowNanos()) / 1e9;
                double cwnd = point.cwndAfter() / (double) MSS;
                // cwnd chases W_cubic(t + RTT) (4.2), so it lies between the curve an RTT back and an RTT ahead,
                // unless the Reno estimate W_est (4.3) is above the curve, when cwnd follows W_est
                double low = Math.max(cubic(t - rtt, k, wMax), renoEstimate(t - rtt, rtt, cwndEpoch)) - 1;
                double high = Math.max(cubic(t + rtt, k, wMax), renoEstimate(t + rtt, rtt, cwndEpoch)) + 1;
                assertTrue(cwnd >= low && cwnd <= high, String.format("cwnd %.1f segments at t=%.3f s outside "
                        + "W_cubic band [%.1f, %.1f] (K=%.2f s, W_max=%.1f, cwnd_epoch=%.1f)", cwnd, t, low, high,
                        k, wMax, cwndEpoch));
            }
            // the concave approach: halfway to K the window has made 7/8 of its way back to W_max
            assertTrue(windowAt(phase, first.nowNanos() + (long) (k / 2 * 1e9)) / MSS
                    > cwndEpoch + 0.8 * (wMax - cwndEpoch) - 1, "concave approach to W_max");
        }
        assertTrue(curves >= 2, "epochs long enough to reach K: " + curves);
    }

    private static double cubic(double t, double k, double wMax) {
        double offset = t - k;
        return CUBIC_C * offset * offset * offset + wMax;
    }

    /** RFC 9438 4.3 Figure 4: W_est grows by alpha_cubic segments per RTT of a window-limited sender. */
    private static double renoEstimate(double t, double rtt, double cwndEpoch) {
        return cwndEpoch + CUBIC_ALPHA * Math.max(0, t) / rtt;
    }

    private static double windowAt(Phase phase, long nanos) {
        int window = phase.points.get(0).cwndBefore();
        for (CongestionTrace.Point point : phase.points) {
            if (point.nowNanos() > nanos) {
                break;
            }
            window = point.cwndAfter();
        }
        return window;
    }

    private static long meanSrtt(List<CongestionTrace.Point> points) {
        long total = 0;
        for (CongestionTrace.Point point : points) {
            total += point.srttNanos();
        }
        return total / points.size();
    }

    /** The ACKs of congestion avoidance after each recovery, with the index of the loss that began it. */
    private record Phase(int lossIndex, List<CongestionTrace.Point> points) {
    }

    private static List<Phase> avoidancePhases(List<CongestionTrace.Point> trace) {
        List<Phase> phases = new ArrayList<>();
        int loss = -1;
        List<CongestionTrace.Point> current = null;
        for (CongestionTrace.Point point : trace) {
            switch (point.signal()) {
                case CONGESTION:
                    loss++;
                    current = null;
                    break;
                case RECOVERY_EXIT:
                    current = new ArrayList<>();
                    phases.add(new Phase(loss, current));
                    break;
                case ACK:
                    if (current != null && point.cwndBefore() >= point.ssthreshAfter()) {
                        current.add(point);
                    }
                    break;
                default:
                    current = null;
                    break;
            }
        }
        phases.removeIf(phase -> phase.points.isEmpty());
        return phases;
    }

    /**
     * Sends {@code bytes} from a to b with the named algorithm over a 100 Mbit/s link with {@code oneWayMillis}
     * of delay each way, dropping one segment whenever cwnd reaches {@code lossWindowSegments}; returns a's trace.
     */
    private static List<CongestionTrace.Point> traceOf(String algorithm, int lossWindowSegments, long oneWayMillis,
                                                       long bytes) {
        ImpairmentConfig link = ImpairmentConfig.NONE.withDelay(oneWayMillis, TimeUnit.MILLISECONDS)
                .withRate(12_500_000, 2000);
        TcpStackConfig config = TcpStackConfig.builder().sendBufferBytes(4 << 20).receiveBufferBytes(4 << 20)
                .build();
        // Tens of megabytes: leaks are checked exactly, at SIMPLE, as for the bulk transfers
        return ExactLeakAccounting.run(allocator -> {
            try (TcpSimulation simulation = new TcpSimulation("cwnd-" + algorithm, config, link, link, 3, allocator)) {
                CongestionTrace trace = new CongestionTrace();
                simulation.a().host().pipeline().replace(TcpCongestionHandler.NAME, TcpCongestionHandler.NAME,
                        trace);
                ChosenSegmentDropper dropper = new ChosenSegmentDropper(lossWindowSegments * MSS);
                simulation.a().host().pipeline().addAfter(SimulatedHost.IMPAIRMENT, ChosenSegmentDropper.NAME,
                        dropper);
                simulation.listen(0, null, 1);
                StreamEndpoint client = simulation.connect(bytes, algorithm);
                dropper.watch(client.connection());
                simulation.runToCompletion(TcpSimulation.STALL_NANOS, 600 * SECOND);
                assertEquals(client.sent().hex(), simulation.serverOf(client).received().hex());
                assertEquals(algorithm, client.connection().congestionControl().name());
                simulation.runUntilTimersExpire();
                return trace.points();
            }
        });
    }
}
