package io.usertcp.tcp.congestion;

/**
 * Reno congestion control (RFC 5681) with the NewReno recovery of RFC 6582: slow start with Appropriate Byte
 * Counting (RFC 3465, L = 2*SMSS), byte-counted congestion avoidance of one SMSS per window acknowledged,
 * and ssthresh = max(FlightSize / 2, 2*SMSS) on a loss (RFC 5681 eq. 4).
 *
 * <p>The NewReno part that belongs to congestion control is the window at the edges of fast recovery:
 * cwnd = ssthresh on entry, and on exit (RFC 6582 3.2 step 3, the second of its two options). Everything
 * else in RFC 6582 (the recover point, partial ACKs retransmitting the next hole) is the retransmission
 * component's. The window is not inflated by duplicate ACKs nor deflated by partial ACKs (RFC 6582 3.2 steps
 * 4 and 5): transmission during recovery is pipe-based, sending while cwnd - pipe >= 1 SMSS as RFC 6675
 * section 5 does, which Linux uses with and without SACK. Both send one SMSS per SMSS that leaves the
 * network, but pipe needs no window that balloons during recovery and collapses at its end.
 *
 * <p>Allocates only at construction; owned by one event loop.
 */
public final class NewRenoCongestionControl implements CongestionControl {
    /** The registry name. */
    public static final String NAME = "newreno";
    /** The factory of this algorithm, stateless. */
    public static final CongestionControlFactory FACTORY = new Factory();

    private final CongestionWindow window;

    private NewRenoCongestionControl(int mss) {
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
            return;
        }
        int avoidanceBytes = window.inSlowStart() ? window.slowStart(bytesAcked) : bytesAcked;
        if (avoidanceBytes > 0) {
            window.additiveIncrease(avoidanceBytes);
        }
    }

    @Override
    public void onCongestionEvent(long nowNanos, int bytesInFlight) {
        // RFC 5681 eq. 4: ssthresh = max(FlightSize / 2, 2*SMSS), from FlightSize and not cwnd
        window.enterFastRecovery(Math.max(0, bytesInFlight) / 2);
    }

    @Override
    public void onRecoveryExit(long nowNanos) {
        window.exitFastRecovery();
    }

    @Override
    public void onRetransmissionTimeout(long nowNanos, int bytesInFlight) {
        // RFC 5681 eq. 4 again, then cwnd = 1 SMSS
        window.retransmissionTimeout(Math.max(0, bytesInFlight) / 2);
    }

    @Override
    public void onIdleRestart(long nowNanos, long idleNanos, long rtoNanos) {
        window.restartAfterIdle(idleNanos, rtoNanos);
    }

    @Override
    public void onMssChange(int mss) {
        window.changeMss(mss);
    }

    @Override
    public String toString() {
        return NAME + '{' + window + '}';
    }

    private static final class Factory implements CongestionControlFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public CongestionControl newInstance(int mss) {
            return new NewRenoCongestionControl(mss);
        }

        @Override
        public String toString() {
            return NAME;
        }
    }
}
