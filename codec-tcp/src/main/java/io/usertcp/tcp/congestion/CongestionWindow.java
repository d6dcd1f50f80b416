package io.usertcp.tcp.congestion;

/**
 * cwnd, ssthresh and the RFC 5681 mechanics every built-in algorithm shares: the initial window, slow start
 * with Appropriate Byte Counting, byte-counted additive increase, the reduction on entering fast recovery, the
 * loss window after a timeout, the restart after idle, and an MSS change. An algorithm decides the values
 * (the new ssthresh, the growth in congestion avoidance); this class applies them with the RFC's floors and
 * caps. Integer bytes throughout; allocates nothing.
 */
final class CongestionWindow {
    /** RFC 3465 2.3: L, the most one ACK may add in slow start, is 2*SMSS. */
    private static final int SLOW_START_LIMIT_SEGMENTS = 2;
    /** The TCP MSS option is 16 bits (RFC 9293 3.2). */
    private static final int MAX_MSS = 0xFFFF;

    private int mss;
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** RFC 5681 3.1 / RFC 3465 2.1: bytes acknowledged in congestion avoidance toward the next SMSS of growth. */
    private int avoidanceCredit;
    private boolean inFastRecovery;
    /** A timeout fired and no new data has been acknowledged since: the next timeout is a backoff. */
    private boolean timeoutPending;
    /** In the slow start that follows a timeout, where RFC 3465 2.3 wants L = 1*SMSS. */
    private boolean slowStartAfterTimeout;

    CongestionWindow(int mss) {
        this.mss = checkMss(mss);
        this.cwnd = initialWindow(mss);
    }

    /** RFC 6928 2: IW = min(10*MSS, max(2*MSS, 14600)). */
    static int initialWindow(int mss) {
        return Math.min(10 * mss, Math.max(2 * mss, 14600));
    }

    static int checkMss(int mss) {
        if (mss < 1 || mss > MAX_MSS) {
            throw new IllegalArgumentException("mss out of 1.." + MAX_MSS + ": " + mss);
        }
        return mss;
    }

    int mss() {
        return mss;
    }

    int congestionWindow() {
        return cwnd;
    }

    int slowStartThreshold() {
        return ssthresh;
    }

    /** RFC 5681 3.1: slow start while cwnd < ssthresh, congestion avoidance from cwnd = ssthresh on. */
    boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    /**
     * Whether the sender was using its window when an ACK arrived, so that the ACK may grow it. Growing an
     * unused window would let an application-limited sender later burst at a rate the path never carried
     * (RFC 9438 4.6 requires this guard of a CUBIC that computes ssthresh from cwnd; RFC 7661 explains it).
     * As in Linux, slow start grows while at least half the window is in flight, so cwnd stays within twice
     * what was sent; congestion avoidance grows only while the window is full to within one SMSS.
     */
    boolean isWindowLimited(int bytesInFlight) {
        long flight = Math.max(0, bytesInFlight);
        return inSlowStart() ? 2 * flight > cwnd : flight + mss > cwnd;
    }

    /** New data was acknowledged: a later timeout starts a new loss episode. */
    void newDataAcknowledged() {
        timeoutPending = false;
    }

    /**
     * RFC 5681 3.1 eq. 2 with RFC 3465 2.2 byte counting: cwnd += min(bytesAcked, L), stopping at ssthresh.
     * Returns the acknowledged bytes left over once cwnd reaches ssthresh, for congestion avoidance (0 while
     * slow start goes on); bytes above L are not counted, which is the point of L.
     */
    int slowStart(int bytesAcked) {
        int limit = (slowStartAfterTimeout ? 1 : SLOW_START_LIMIT_SEGMENTS) * mss;
        int growth = (int) Math.min(Math.min(bytesAcked, limit), (long) ssthresh - cwnd);
        setWindow(cwnd + growth);
        if (cwnd < ssthresh) {
            return 0;
        }
        slowStartAfterTimeout = false;
        return bytesAcked - growth;
    }

    /**
     * RFC 5681 3.1, the recommended byte counting (RFC 3465 2.1): once a window's worth of bytes has been
     * acknowledged, cwnd += SMSS. This is exactly one SMSS per window acknowledged, where eq. 3's
     * SMSS*SMSS/cwnd per ACK undershoots with delayed ACKs and rounds to 0 for a large cwnd. One ACK counts
     * for at most a window, so it never adds more than one SMSS (RFC 5681 3.1's limit per RTT).
     */
    void additiveIncrease(int bytesAcked) {
        int credit = avoidanceCredit + Math.min(bytesAcked, cwnd);
        if (credit >= cwnd) {
            credit -= cwnd;
            setWindow(cwnd + mss);
        }
        avoidanceCredit = credit;
    }

    /** Congestion avoidance growth decided by the algorithm; cwnd never shrinks here and stops at the cap. */
    void growTo(int bytes) {
        if (bytes > cwnd) {
            setWindow(bytes);
        }
    }

    /**
     * Fast recovery begins: ssthresh = max(newSsthresh, 2*SMSS) (RFC 5681 eq. 4's floor), and cwnd = ssthresh
     * at once (RFC 6675 section 5 step 4.2, RFC 9438 4.6), with no inflation (see {@link CongestionControl}).
     */
    void enterFastRecovery(int newSsthreshBytes) {
        ssthresh = Math.max(newSsthreshBytes, 2 * mss);
        setWindow(ssthresh);
        avoidanceCredit = 0;
        inFastRecovery = true;
        timeoutPending = false;
        slowStartAfterTimeout = false;
    }

    /** RFC 6582 3.2 step 3, option 2: cwnd = ssthresh when the recovery point is acknowledged. */
    void exitFastRecovery() {
        if (inFastRecovery) {
            inFastRecovery = false;
            setWindow(ssthresh);
            avoidanceCredit = 0;
        }
    }

    /**
     * Whether a timeout now lowers ssthresh: not when the same data timed out before with no new data
     * acknowledged since (RFC 5681 3.1: "the value of ssthresh is held constant"), and not during fast
     * recovery, which already lowered it for this loss (one reduction per loss episode, RFC 6582 and RFC
     * 6675; Linux keeps the recovery's ssthresh the same way).
     */
    boolean timeoutLowersThreshold() {
        return !inFastRecovery && !timeoutPending;
    }

    /**
     * The retransmission timer expired: ssthresh = max(newSsthresh, 2*SMSS) when {@link #timeoutLowersThreshold}
     * (RFC 5681 eq. 4), and cwnd = LW = 1 SMSS (RFC 5681 3.1). Fast recovery, if any, is over.
     */
    void retransmissionTimeout(int newSsthreshBytes) {
        if (timeoutLowersThreshold()) {
            ssthresh = Math.max(newSsthreshBytes, 2 * mss);
        }
        setWindow(mss);
        avoidanceCredit = 0;
        inFastRecovery = false;
        timeoutPending = true;
        slowStartAfterTimeout = true;
    }

    /**
     * RFC 5681 4.1: after an idle period longer than the RTO, cwnd = RW = min(IW, cwnd). Before the cut,
     * ssthresh = max(ssthresh, 3/4 * cwnd) (RFC 2861 section 3, as Linux restarts), so slow start climbs back
     * quickly to near the window that was in use. Returns whether cwnd was reduced.
     */
    boolean restartAfterIdle(long idleNanos, long rtoNanos) {
        int restartWindow = Math.min(initialWindow(mss), cwnd);
        if (idleNanos <= rtoNanos || restartWindow == cwnd) {
            return false;
        }
        ssthresh = (int) Math.max(ssthresh, 3L * cwnd / 4);
        setWindow(restartWindow);
        avoidanceCredit = 0;
        return true;
    }

    /** The windows keep their bytes, raised to the new floors: cwnd >= 1 SMSS, ssthresh >= 2 SMSS. */
    void changeMss(int newMss) {
        mss = checkMss(newMss);
        setWindow(Math.max(cwnd, newMss));
        ssthresh = Math.max(ssthresh, 2 * newMss);
        avoidanceCredit = 0;
    }

    private void setWindow(int bytes) {
        cwnd = Math.min(Math.max(bytes, mss), CongestionControl.MAX_WINDOW_BYTES);
    }

    @Override
    public String toString() {
        return "cwnd=" + cwnd + ", ssthresh=" + ssthresh + ", mss=" + mss
                + (inFastRecovery ? ", fast recovery" : "") + (timeoutPending ? ", timed out" : "");
    }
}
