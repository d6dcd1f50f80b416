package io.usertcp.tcp.congestion;

/**
 * One connection's congestion control, in the spirit of Linux's {@code tcp_congestion_ops}: it owns the
 * congestion window (cwnd) and the slow start threshold (ssthresh) and changes them only when the engine
 * reports an event. Instances come from a {@link CongestionControlFactory}, are owned by the connection's
 * event loop, and are not thread-safe.
 *
 * <p>Division of labour. Loss detection and recovery bookkeeping belong to the retransmission component:
 * duplicate-ACK counting, the NewReno {@code recover} point (RFC 6582), the RFC 6675 scoreboard and
 * {@code pipe}, and the retransmission timer. During recovery it transmits while {@code cwnd - pipe >= 1 SMSS}
 * (RFC 6675 section 5, which Linux applies to SACK and non-SACK peers alike). Congestion control only decides
 * cwnd and ssthresh, so no algorithm here inflates cwnd by duplicate ACKs.
 *
 * <p>The engine reports, in this order of a connection's life:
 * <ul>
 *   <li>{@link #onAck} for each ACK of new data outside fast recovery, including the slow start after a
 *   retransmission timeout;</li>
 *   <li>{@link #onCongestionEvent} once on entering fast recovery (RFC 5681 3.2 step 2, RFC 6675 section 5
 *   step 4), never again until the recovery ends;</li>
 *   <li>{@link #onRecoveryAck} for each ACK of new data during fast recovery, then {@link #onRecoveryExit}
 *   when an ACK covers the recovery point;</li>
 *   <li>{@link #onRetransmissionTimeout} each time the retransmission timer expires; this ends any fast
 *   recovery, and {@link #onRecoveryExit} is then not called;</li>
 *   <li>{@link #onIdleRestart} when the sender starts sending again with nothing in flight;</li>
 *   <li>{@link #onMssChange} when the send MSS changes after the handshake (path MTU).</li>
 * </ul>
 *
 * <p>Every window is in bytes. Times are {@code long} nanoseconds from {@code Ticker.nanoTime()}. No method
 * allocates, throws for a value it can clamp, or takes a lock.
 */
public interface CongestionControl {
    /**
     * The largest congestion window, 2^30 bytes: no peer can advertise a larger window (RFC 7323 2.3), so a
     * larger cwnd could never be used, and every byte count stays far from int overflow.
     */
    int MAX_WINDOW_BYTES = 1 << 30;

    /** The name the algorithm is registered under, e.g. {@code "cubic"}. */
    String name();

    /** The congestion window in bytes: at least one SMSS, at most {@link #MAX_WINDOW_BYTES}. */
    int congestionWindow();

    /**
     * The slow start threshold in bytes; {@link Integer#MAX_VALUE} until the first congestion event (RFC 5681
     * 3.1: "arbitrarily high"). The connection is in slow start while {@code cwnd < ssthresh}.
     */
    int slowStartThreshold();

    /**
     * An ACK of new data outside fast recovery: slow start or congestion avoidance.
     *
     * @param bytesAcked       the bytes this ACK newly acknowledged; 0 or less changes nothing
     * @param bytesInFlight    the data outstanding when the ACK arrived, before removing what it acknowledged
     *                         (FlightSize, or the RFC 6675 pipe with SACK); it tells whether the sender was
     *                         using its window, and the window grows only when it was
     * @param smoothedRttNanos SRTT (RFC 6298), or 0 or less before the first RTT sample
     */
    void onAck(long nowNanos, int bytesAcked, int bytesInFlight, long smoothedRttNanos);

    /**
     * Loss detected by duplicate ACKs or SACK: fast recovery begins. Sets ssthresh and reduces cwnd to it at
     * once, never below 2 SMSS.
     *
     * @param bytesInFlight FlightSize when the loss was detected, before any retransmission, without the
     *                      segments sent by Limited Transmit (RFC 5681 3.2 step 2)
     */
    void onCongestionEvent(long nowNanos, int bytesInFlight);

    /**
     * An ACK of new data during fast recovery. The built-in algorithms leave cwnd alone here: with pipe-based
     * transmission (RFC 6675) there is no duplicate-ACK inflation for RFC 6582 3.2 step 5's partial-ACK
     * deflation to undo. An algorithm that shapes the window during recovery overrides this.
     */
    default void onRecoveryAck(long nowNanos, int bytesAcked) {
    }

    /** Fast recovery is over: cwnd = ssthresh (RFC 6582 3.2 step 3 option 2, as RFC 6675 section 5 leaves it). */
    void onRecoveryExit(long nowNanos);

    /**
     * The retransmission timer expired: cwnd becomes the loss window, one SMSS (RFC 5681 3.1). ssthresh is
     * lowered only on the first expiry of a loss episode: not again while the same data times out repeatedly
     * (RFC 5681 3.1 holds it constant), nor when fast recovery already lowered it for this loss.
     *
     * @param bytesInFlight FlightSize when the timer expired
     */
    void onRetransmissionTimeout(long nowNanos, int bytesInFlight);

    /**
     * The sender starts transmitting again after sending nothing for {@code idleNanos}. When the idle time
     * exceeds {@code rtoNanos}, cwnd restarts from min(IW, cwnd) (RFC 5681 4.1). A shorter idle period keeps
     * the window; CUBIC leaves it out of its curve's clock (RFC 9438 5.8).
     */
    void onIdleRestart(long nowNanos, long idleNanos, long rtoNanos);

    /**
     * The send MSS changed (path MTU). Windows keep their size in bytes, raised to the new floors (cwnd at
     * least one SMSS, ssthresh at least two). Create the instance once the handshake has fixed the MSS, so
     * that the initial window uses it.
     *
     * @throws IllegalArgumentException if {@code mss} is outside 1..65535
     */
    void onMssChange(int mss);
}
