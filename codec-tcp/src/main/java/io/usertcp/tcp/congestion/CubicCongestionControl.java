package io.usertcp.tcp.congestion;

/**
 * CUBIC (RFC 9438), the default algorithm, as on Linux.
 *
 * <p>In congestion avoidance the window follows W_cubic(t) = C*(t - K)^3 + W_max (RFC 9438 4.2, segments and
 * seconds), where t runs from the start of the congestion avoidance stage (the epoch) and
 * K = cubic_root((W_max - cwnd_epoch) / C) is when the curve returns to W_max: concave below W_max (4.4), a
 * plateau at W_max, convex above it (4.5). Each ACK moves cwnd toward target = W_cubic(t + RTT), bounded to
 * [cwnd, 1.5*cwnd], by (target - cwnd)/cwnd per SMSS acknowledged. The Reno estimate W_est (4.3) grows by
 * alpha_cubic per window acknowledged and takes over wherever it is above W_cubic(t), so CUBIC is never
 * slower than Reno on short-RTT, small-window paths.
 *
 * <p>Choices, each allowed by the RFC:
 * <ul>
 *   <li>Slow start is RFC 5681's with Appropriate Byte Counting; HyStart++ (RFC 9406), which 4.10 recommends,
 *   is not implemented.</li>
 *   <li>ssthresh on a congestion event is cwnd * beta_cubic, as Linux computes it, rather than Figure 6's
 *   flight_size * beta_cubic; 4.6 allows this when cwnd cannot grow while unused, which the window-limited
 *   test of {@link #onAck} ensures. It also lets an application-limited sender keep a
 *   window it validated rather than collapse to half its last burst.</li>
 *   <li>Fast convergence (4.7) is always on, as on Linux.</li>
 *   <li>Growth per ACK is byte-counted, (target - cwnd)/cwnd times the segments acknowledged, so delayed and
 *   stretch ACKs grow the window as much as one ACK per segment would (4.1's segments_acked).</li>
 *   <li>No undo of spurious reductions (4.9).</li>
 * </ul>
 *
 * <p>State is kept in bytes (W_max, cwnd_prior, W_est) and converted to segments only for C, so an MSS
 * change keeps it meaningful; the epoch restarts after any change of cwnd other than growth. The real-valued
 * arithmetic of the RFC is done in doubles, whose results are clamped to [cwnd, 2^30] before becoming bytes,
 * so no window can go negative, NaN or overflow. Allocates only at construction; owned by one event loop.
 */
public final class CubicCongestionControl implements CongestionControl {
    /** The registry name, as Linux names it. */
    public static final String NAME = "cubic";
    /** The factory of this algorithm, stateless. */
    public static final CongestionControlFactory FACTORY = new Factory();

    /** RFC 9438 4.6: beta_cubic SHOULD be 0.7. */
    private static final double BETA = 0.7;
    /** RFC 9438 5.1: C SHOULD be 0.4 (segments per second cubed). */
    private static final double C = 0.4;
    /** RFC 9438 4.3 Figure 5: alpha_cubic = 3 * (1 - beta_cubic) / (1 + beta_cubic), Reno's average rate. */
    private static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    /** RFC 9438 4.2: the target is at most 1.5 * cwnd, never faster than slow start. */
    private static final double MAX_GROWTH_PER_RTT = 1.5;
    private static final double NANOS_PER_SECOND = 1e9;

    private final CongestionWindow window;
    /** RFC 9438 4.1.2 W_max, in bytes; 0 when unknown (before any loss, after a timeout). */
    private double maxWindow;
    /** RFC 9438 4.1.2 cwnd_prior, in bytes: cwnd when ssthresh was last set. */
    private double priorWindow;
    private boolean epochStarted;
    /** RFC 9438 4.1.2 t_epoch, moved forward by the application-limited and idle periods (5.8). */
    private long epochStartNanos;
    /** The last ACK of the epoch, whether it grew the window or not. */
    private long lastAckNanos;
    /** RFC 9438 4.2 K, seconds. */
    private double k;
    /** RFC 9438 4.1.2 W_est, in bytes. */
    private double renoEstimate;
    /** Fraction of a byte of growth not yet in cwnd, in [0, 1). */
    private double growthRemainder;

    private CubicCongestionControl(int mss) {
        this.window = new CongestionWindow(mss);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int congestionWindow() {
        return window.congestionWindow();
    }

    @Override
    public int slowStartThreshold() {
        return window.slowStartThreshold();
    }

    @Override
    public void onAck(long nowNanos, int bytesAcked, int bytesInFlight, long smoothedRttNanos) {
        if (bytesAcked <= 0) {
            return;
        }
        window.newDataAcknowledged();
        if (!window.isWindowLimited(bytesInFlight)) {
            // RFC 9438 5.8: t MUST NOT include application-limited periods, so the epoch waits for the sender
            pauseEpoch(nowNanos);
            return;
        }
        int avoidanceBytes = window.inSlowStart() ? window.slowStart(bytesAcked) : bytesAcked;
        if (avoidanceBytes > 0) {
            congestionAvoidance(nowNanos, avoidanceBytes, smoothedRttNanos);
        }
    }

    private void congestionAvoidance(long nowNanos, int bytesAcked, long smoothedRttNanos) {
        if (!epochStarted) {
            startEpoch(nowNanos);
        }
        lastAckNanos = nowNanos;
        double t = Math.max(0, nowNanos - epochStartNanos) / NANOS_PER_SECOND;
        double rtt = smoothedRttNanos > 0 ? smoothedRttNanos / NANOS_PER_SECOND : 0;
        int mss = window.mss();
        double cwnd = window.congestionWindow() + growthRemainder;
        double acked = Math.min(bytesAcked, cwnd);

        // RFC 9438 4.3 Figure 4: W_est += alpha_cubic * segments_acked / cwnd, in bytes; alpha_cubic becomes 1
        // (Reno's AIMD(1, 0.5) rate) once W_est has reached cwnd_prior
        double alpha = renoEstimate >= priorWindow ? 1 : ALPHA;
        renoEstimate += alpha * acked * mss / cwnd;

        double next;
        if (cubicWindow(t, mss) < renoEstimate) {
            // RFC 9438 4.3: the Reno-friendly region, cwnd = W_est (never shrinking here)
            next = Math.max(cwnd, renoEstimate);
        } else {
            // RFC 9438 4.2: target = W_cubic(t + RTT) bounded to [cwnd, 1.5 * cwnd]; 4.4, 4.5: cwnd grows by
            // (target - cwnd) / cwnd per segment acknowledged
            double target = Math.min(Math.max(cubicWindow(t + rtt, mss), cwnd), MAX_GROWTH_PER_RTT * cwnd);
            next = cwnd + (target - cwnd) * acked / cwnd;
        }
        setWindow(next);
    }

    /** RFC 9438 4.2 Figure 1, in bytes: W_cubic(t) = C * (t - K)^3 + W_max. */
    private double cubicWindow(double t, int mss) {
        double offset = t - k;
        return C * offset * offset * offset * mss + maxWindow;
    }

    private void startEpoch(long nowNanos) {
        epochStarted = true;
        epochStartNanos = nowNanos;
        lastAckNanos = nowNanos;
        growthRemainder = 0;
        double cwndEpoch = window.congestionWindow();
        if (maxWindow > cwndEpoch) {
            // RFC 9438 4.2 Figure 2: K = cubic_root((W_max - cwnd_epoch) / C), in segments
            k = Math.cbrt((maxWindow - cwndEpoch) / window.mss() / C);
        } else {
            // RFC 9438 4.8, 4.10: with no larger window to return to (after a timeout, or cwnd already above
            // W_max), K = 0 and W_max = cwnd_epoch: the curve starts convex from here
            k = 0;
            maxWindow = cwndEpoch;
        }
        // RFC 9438 4.3: W_est = cwnd_epoch at the start of the stage
        renoEstimate = cwndEpoch;
    }

    private void pauseEpoch(long nowNanos) {
        if (epochStarted) {
            epochStartNanos += Math.max(0, nowNanos - lastAckNanos);
            lastAckNanos = nowNanos;
        }
    }

    private void endEpoch() {
        epochStarted = false;
        growthRemainder = 0;
    }

    private void setWindow(double bytes) {
        double capped = Math.min(bytes, MAX_WINDOW_BYTES);
        int whole = (int) capped;
        window.growTo(whole);
        growthRemainder = window.congestionWindow() == whole ? capped - whole : 0;
    }

    @Override
    public void onCongestionEvent(long nowNanos, int bytesInFlight) {
        int cwnd = window.congestionWindow();
        // RFC 9438 4.7 fast convergence: a loss below the last W_max means the share of the path shrank, so
        // release some of it: W_max = cwnd * (1 + beta_cubic) / 2; otherwise W_max = cwnd
        maxWindow = cwnd < maxWindow ? cwnd * (1 + BETA) / 2 : cwnd;
        priorWindow = cwnd;
        // RFC 9438 4.6: ssthresh = cwnd * beta_cubic, cwnd = max(ssthresh, 2 SMSS)
        window.enterFastRecovery(reducedWindow(cwnd));
        endEpoch();
    }

    @Override
    public void onRecoveryExit(long nowNanos) {
        // the epoch ended with the congestion event; the first ACK from here on starts the next one
        window.exitFastRecovery();
    }

    @Override
    public void onRetransmissionTimeout(long nowNanos, int bytesInFlight) {
        int cwnd = window.congestionWindow();
        if (window.timeoutLowersThreshold()) {
            priorWindow = cwnd;
        }
        // RFC 9438 4.8: cwnd as Reno (1 SMSS), ssthresh with beta_cubic as in 4.6, and the next congestion
        // avoidance stage starts with K = 0 and W_max = cwnd_epoch
        window.retransmissionTimeout(reducedWindow(cwnd));
        maxWindow = 0;
        endEpoch();
    }

    private static int reducedWindow(int cwnd) {
        return (int) Math.round(cwnd * BETA);
    }

    @Override
    public void onIdleRestart(long nowNanos, long idleNanos, long rtoNanos) {
        if (window.restartAfterIdle(idleNanos, rtoNanos)) {
            endEpoch();
        } else if (epochStarted) {
            // RFC 9438 5.8: t MUST NOT include idle periods; the epoch resumes where it stopped
            epochStartNanos += Math.max(0, Math.min(idleNanos, nowNanos - epochStartNanos));
            lastAckNanos = nowNanos;
        }
    }

    @Override
    public void onMssChange(int mss) {
        window.changeMss(mss);
        // K and the curve are in segments of the old MSS; the next ACK starts an epoch in the new one
        endEpoch();
    }

    @Override
    public String toString() {
        return NAME + '{' + window + ", wMax=" + (long) maxWindow + (epochStarted ? ", K=" + k + "s" : "") + '}';
    }

    private static final class Factory implements CongestionControlFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public CongestionControl newInstance(int mss) {
            return new CubicCongestionControl(mss);
        }

        @Override
        public String toString() {
            return NAME;
        }
    }
}
