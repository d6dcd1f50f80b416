package io.usertcp.tcp.rtt;

import java.util.concurrent.TimeUnit;

/**
 * One connection's round-trip time estimate and retransmission timeout (RTO), exactly as RFC 6298 computes
 * them, with the bounds of an {@link RttEstimatorConfig}.
 *
 * <p>How the engine drives it:
 * <ul>
 *   <li>{@link #sample} with each valid RTT measurement. Karn's rule (RFC 6298 section 3) is the caller's:
 *   without timestamps, time only segments that were never retransmitted, and ignore an ACK that covers a
 *   retransmitted one. With timestamps, {@link TimestampRttSampler} takes the samples, and those are valid
 *   even for retransmitted segments.</li>
 *   <li>{@link #backoff} each time the retransmission timer expires (RFC 6298 5.5), then arm the timer with
 *   {@link #rtoNanos()}.</li>
 *   <li>{@link #beginDataAfterSynTimeout} once, when the handshake completes, if the timer expired while our
 *   SYN or SYN-ACK awaited its ACK (RFC 6298 5.7).</li>
 * </ul>
 *
 * <p>The backoff lasts until the next sample, which recomputes the RTO from SRTT and RTTVAR and so
 * "collapses" it (RFC 6298 section 5, last paragraphs). An ACK of new data that yields no sample (it covers a
 * retransmitted segment and timestamps are off) keeps the backed-off RTO, as Karn's algorithm requires: the
 * next segment sent after it is timed afresh, and its sample ends the backoff.
 *
 * <p>Arithmetic is in whole nanoseconds, where rounding the 1/8 and 1/4 steps costs under a nanosecond.
 * Samples are clamped to the maximum RTO: a sample that large already pins the RTO at its maximum, and the
 * clamp keeps every sum far from overflow. Allocates only at construction; owned by one event loop.
 */
public final class RttEstimator {
    /** RFC 6298 2.3: alpha = 1/8, as a shift. */
    private static final int ALPHA_SHIFT = 3;
    /** RFC 6298 2.3: beta = 1/4, as a shift. */
    private static final int BETA_SHIFT = 2;
    /** RFC 6298 2.2: K = 4. */
    private static final int K = 4;
    /** RFC 6298 5.7: the RTO once data transmission begins after a SYN timeout. */
    public static final long SYN_TIMEOUT_DATA_RTO_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final RttEstimatorConfig config;
    private final WindowedMinimum minRtt;
    private boolean hasSample;
    private long srttNanos;
    private long rttvarNanos;
    /** The RTO computed from the estimate, or set by 2.1 or 5.7, before any backoff. */
    private long baseRtoNanos;
    private long rtoNanos;
    private int backoffCount;

    public RttEstimator(RttEstimatorConfig config) {
        this.config = config;
        this.minRtt = new WindowedMinimum(config.minRttWindowNanos());
        // RFC 6298 2.1: until a RTT measurement has been made, RTO <- 1 second (the configured initial RTO)
        this.baseRtoNanos = config.initialRtoNanos();
        this.rtoNanos = baseRtoNanos;
    }

    /**
     * Takes one RTT measurement {@code rttNanos} made at {@code nowNanos}, updates SRTT, RTTVAR and the RTO,
     * and ends any backoff. Returns false, changing nothing, for a negative measurement (a caller's clock
     * error). A measurement above the maximum RTO counts as the maximum RTO.
     */
    public boolean sample(long rttNanos, long nowNanos) {
        if (rttNanos < 0) {
            return false;
        }
        long r = Math.min(rttNanos, config.maxRtoNanos());
        if (!hasSample) {
            // RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2
            hasSample = true;
            srttNanos = r;
            rttvarNanos = r / 2;
        } else {
            // RFC 6298 2.3: RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, with the SRTT from before
            // this sample, then SRTT <- (1 - alpha) * SRTT + alpha * R'
            long deviation = Math.abs(srttNanos - r);
            rttvarNanos += (deviation - rttvarNanos) >> BETA_SHIFT;
            srttNanos += (r - srttNanos) >> ALPHA_SHIFT;
        }
        // RFC 6298 2.2/2.3: RTO <- SRTT + max(G, K*RTTVAR), then the bounds of 2.4 and 2.5
        baseRtoNanos = clamp(srttNanos + Math.max(config.clockGranularityNanos(), K * rttvarNanos));
        rtoNanos = baseRtoNanos;
        backoffCount = 0;
        minRtt.add(r, nowNanos);
        return true;
    }

    /** RFC 6298 5.5: RTO <- RTO * 2 when the retransmission timer expires, capped at the maximum RTO (2.5). */
    public void backoff() {
        long max = config.maxRtoNanos();
        rtoNanos = rtoNanos > max / 2 ? max : rtoNanos * 2;
        if (backoffCount < Integer.MAX_VALUE) {
            backoffCount++;
        }
    }

    /**
     * RFC 6298 5.7: if the timer expired awaiting the ACK of a SYN (ours, or our SYN-ACK) and the RTO is
     * below 3 s, the RTO MUST be re-initialized to 3 s when data transmission begins. Call when the
     * handshake completes after such a timeout. An RTO already at or above 3 s is kept; either way the
     * backoff of the SYN is over. A later sample replaces this RTO as usual.
     */
    public void beginDataAfterSynTimeout() {
        baseRtoNanos = Math.min(Math.max(baseRtoNanos, SYN_TIMEOUT_DATA_RTO_NANOS), config.maxRtoNanos());
        rtoNanos = baseRtoNanos;
        backoffCount = 0;
    }

    /** True once a sample has been taken; before that SRTT, RTTVAR and the minimum RTT read 0. */
    public boolean hasRttSample() {
        return hasSample;
    }

    /** The retransmission timeout to arm the timer with, including backoff. */
    public long rtoNanos() {
        return rtoNanos;
    }

    public long rtoMicros() {
        return rtoNanos / 1_000;
    }

    /** Smoothed RTT (SRTT), 0 before the first sample. */
    public long srttNanos() {
        return srttNanos;
    }

    public long srttMicros() {
        return srttNanos / 1_000;
    }

    /** RTT variation (RTTVAR), 0 before the first sample. */
    public long rttvarNanos() {
        return rttvarNanos;
    }

    public long rttvarMicros() {
        return rttvarNanos / 1_000;
    }

    /**
     * The least sample of the last 4/5 to 5/5 of the configured window (it moves on in fifths, as samples
     * arrive), 0 before the first sample. Not used by the RTO; it is for congestion control and loss detection.
     */
    public long minRttNanos() {
        return minRtt.minimum();
    }

    public long minRttMicros() {
        return minRtt.minimum() / 1_000;
    }

    /** Timer expiries since the last sample or SYN-timeout reset. */
    public int backoffCount() {
        return backoffCount;
    }

    private long clamp(long rto) {
        return Math.min(Math.max(rto, config.minRtoNanos()), config.maxRtoNanos());
    }

    @Override
    public String toString() {
        return "RttEstimator{srtt=" + srttNanos + "ns, rttvar=" + rttvarNanos + "ns, rto=" + rtoNanos
                + "ns, backoffs=" + backoffCount + ", minRtt=" + minRtt.minimum() + "ns}";
    }
}
