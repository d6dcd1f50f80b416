package io.usertcp.tcp.rtt;

import java.util.concurrent.TimeUnit;

/**
 * RTT measurement from the Timestamps option (RFC 7323 section 4, RTTM) for one connection. It owns the
 * connection's timestamp clock: {@link #timestampValue} gives the TSval for each segment sent, and
 * {@link #sampleOnAck} turns an echoed TSecr into a sample for the {@link RttEstimator}.
 *
 * <p>A TSecr echoes the TSval of the segment that caused the ACK, so the sample is unambiguous even when
 * that segment was a retransmission: Karn's rule (RFC 6298 section 3) does not apply on this path. When
 * timestamps are in use on a connection, take every RTT sample here and time no segments separately, so
 * no ACK is counted twice.
 *
 * <p>RFC 7323 appendix G suggests dividing alpha and beta by the number of samples expected per flight,
 * since a sample per ACK shortens the history RFC 6298 meant SRTT and RTTVAR to average over. This class
 * skips that adjustment, as Linux does: every valid echo goes through RFC 6298 2.3 with alpha 1/8 and beta
 * 1/4. The estimate then follows the path faster and RTTVAR decays sooner after a jump; the minimum RTO
 * of the {@link RttEstimatorConfig} bounds how low that can take the RTO.
 *
 * <p>The clock ticks every {@code tickNanos}, 1 ms by default (RFC 7323 5.4 recommends 1 ms to 1 s per tick),
 * and starts at a per-connection offset so that TSval does not reveal how long the host has been up
 * (RFC 7323 security considerations). A sample is a whole number of ticks: the tick difference of a true
 * RTT r is floor(r / tick) or one more depending on where the ticks fall, which is r on average, so samples
 * below one tick legitimately read 0 or 1 tick. Allocation-free; owned by one event loop.
 */
public final class TimestampRttSampler {
    public static final long DEFAULT_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Finest tick accepted: a microsecond, as Linux's optional microsecond timestamps. */
    public static final long MIN_TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    /** Coarsest tick accepted: RFC 7323 5.4's slowest recommended clock. */
    public static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RttEstimator estimator;
    private final long tickNanos;
    private final int offset;
    private final long startTick;

    /** A sampler with the default 1 ms tick, its clock started at {@code nowNanos}. */
    public TimestampRttSampler(RttEstimator estimator, int offset, long nowNanos) {
        this(estimator, DEFAULT_TICK_NANOS, offset, nowNanos);
    }

    /**
     * A sampler whose clock ticks every {@code tickNanos} (within [{@link #MIN_TICK_NANOS},
     * {@link #MAX_TICK_NANOS}]) and reads {@code offset} plus the ticks since time 0 of the Ticker; TSecr
     * values from before {@code nowNanos} are refused as never sent.
     */
    public TimestampRttSampler(RttEstimator estimator, long tickNanos, int offset, long nowNanos) {
        if (tickNanos < MIN_TICK_NANOS || tickNanos > MAX_TICK_NANOS) {
            throw new IllegalArgumentException("timestamp tick must be in [" + MIN_TICK_NANOS + ", "
                    + MAX_TICK_NANOS + "] ns: " + tickNanos);
        }
        this.estimator = estimator;
        this.tickNanos = tickNanos;
        this.offset = offset;
        this.startTick = tick(nowNanos);
    }

    /** The TSval for a segment sent at {@code nowNanos} (RFC 7323 3.2); wraps modulo 2^32 like the field. */
    public int timestampValue(long nowNanos) {
        return (int) tick(nowNanos) + offset;
    }

    /**
     * RFC 7323 4.1: for a segment that advances SND.UNA and carries a valid TSecr (its ACK bit is set),
     * samples RTT = now - TSecr into the estimator. Returns false, taking no sample, when the echo cannot be
     * one of our TSvals: later than the clock now reads, or earlier than its start. Such a TSecr is
     * peer-controlled and would otherwise poison SRTT.
     */
    public boolean sampleOnAck(int echoedTimestamp, long nowNanos) {
        long now = tick(nowNanos);
        // Modular difference, as TSval wraps like a sequence number
        int elapsedTicks = (int) now + offset - echoedTimestamp;
        if (elapsedTicks < 0 || elapsedTicks > now - startTick) {
            return false;
        }
        // At most 2^31 ticks of at most 1 s: below 2^61 ns, no overflow
        return estimator.sample(elapsedTicks * tickNanos, nowNanos);
    }

    public long tickNanos() {
        return tickNanos;
    }

    private long tick(long nanos) {
        return Math.floorDiv(nanos, tickNanos);
    }
}
