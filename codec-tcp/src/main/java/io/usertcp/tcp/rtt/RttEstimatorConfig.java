package io.usertcp.tcp.rtt;

import java.util.concurrent.TimeUnit;

/**
 * Settings of an {@link RttEstimator}, immutable and shared by every connection that uses them. Start from
 * {@link #defaults()} and change single values with the {@code with...} methods, which check the settings
 * as a whole and throw {@link IllegalArgumentException} for an inconsistent set. All values are nanoseconds.
 *
 * <p>Defaults, and why:
 * <ul>
 *   <li>Initial RTO 1 s: RFC 6298 2.1.</li>
 *   <li>Minimum RTO 200 ms, where RFC 6298 2.4 says RTO SHOULD be rounded up to 1 s. A 1 s floor makes every
 *   tail loss on a low-RTT path (a LAN, a data centre, loopback through a TAP device) stall the connection
 *   for a whole second, hundreds or thousands of round trips, which is what cripples recovery there. Linux
 *   has used 200 ms for decades. The floor exists to avoid spurious timeouts when the peer delays its ACK;
 *   200 ms covers the delayed-ACK timers in common use (Linux at most 200 ms, 40 ms typically), though not
 *   the 500 ms RFC 1122 4.2.3.2 allows: raise it with {@link #withMinRtoNanos} for such peers.</li>
 *   <li>Maximum RTO 60 s: RFC 6298 2.5 allows any maximum of at least 60 s; Linux uses 120 s. The lower cap
 *   keeps the gap between retransmissions after a long outage at a minute.</li>
 *   <li>Clock granularity G 1 ms, the variance floor in RFC 6298 2.2/2.3. Time here comes in nanoseconds,
 *   but the samples reach us through event-loop scheduling, so a millisecond is the honest resolution.</li>
 *   <li>Minimum-RTT window 5 minutes, as Linux's tcp_min_rtt_wlen: long enough to see the path's
 *   propagation delay between bursts of queueing, short enough to follow a route change.</li>
 * </ul>
 */
public final class RttEstimatorConfig {
    /** Keeps SRTT + 4 * RTTVAR, each at most the maximum RTO, and the doubling in backoff, within a long. */
    private static final long LARGEST_MAX_RTO_NANOS = Long.MAX_VALUE / 8;

    private static final RttEstimatorConfig DEFAULTS = new RttEstimatorConfig(
            TimeUnit.SECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(200),
            TimeUnit.SECONDS.toNanos(60),
            TimeUnit.MILLISECONDS.toNanos(1),
            TimeUnit.MINUTES.toNanos(5));

    private final long initialRtoNanos;
    private final long minRtoNanos;
    private final long maxRtoNanos;
    private final long clockGranularityNanos;
    private final long minRttWindowNanos;

    private RttEstimatorConfig(long initialRtoNanos, long minRtoNanos, long maxRtoNanos,
                               long clockGranularityNanos, long minRttWindowNanos) {
        if (minRtoNanos <= 0) {
            throw new IllegalArgumentException("minimum RTO must be positive: " + minRtoNanos);
        }
        if (maxRtoNanos < minRtoNanos || maxRtoNanos > LARGEST_MAX_RTO_NANOS) {
            throw new IllegalArgumentException("maximum RTO must be in [minimum RTO " + minRtoNanos + ", "
                    + LARGEST_MAX_RTO_NANOS + "]: " + maxRtoNanos);
        }
        if (initialRtoNanos < minRtoNanos || initialRtoNanos > maxRtoNanos) {
            throw new IllegalArgumentException("initial RTO must be within [" + minRtoNanos + ", " + maxRtoNanos
                    + "]: " + initialRtoNanos);
        }
        if (clockGranularityNanos <= 0 || clockGranularityNanos > maxRtoNanos) {
            throw new IllegalArgumentException("clock granularity must be in (0, maximum RTO]: "
                    + clockGranularityNanos);
        }
        if (minRttWindowNanos <= 0) {
            throw new IllegalArgumentException("minimum-RTT window must be positive: " + minRttWindowNanos);
        }
        this.initialRtoNanos = initialRtoNanos;
        this.minRtoNanos = minRtoNanos;
        this.maxRtoNanos = maxRtoNanos;
        this.clockGranularityNanos = clockGranularityNanos;
        this.minRttWindowNanos = minRttWindowNanos;
    }

    public static RttEstimatorConfig defaults() {
        return DEFAULTS;
    }

    /** RTO before the first RTT sample (RFC 6298 2.1). */
    public RttEstimatorConfig withInitialRtoNanos(long nanos) {
        return new RttEstimatorConfig(nanos, minRtoNanos, maxRtoNanos, clockGranularityNanos, minRttWindowNanos);
    }

    /** Floor of a computed RTO (RFC 6298 2.4); see the class comment for the default. */
    public RttEstimatorConfig withMinRtoNanos(long nanos) {
        return new RttEstimatorConfig(initialRtoNanos, nanos, maxRtoNanos, clockGranularityNanos, minRttWindowNanos);
    }

    /** Cap of the RTO, also of its doubling on backoff (RFC 6298 2.5 and 5.5); at least 60 s to follow 2.5. */
    public RttEstimatorConfig withMaxRtoNanos(long nanos) {
        return new RttEstimatorConfig(initialRtoNanos, minRtoNanos, nanos, clockGranularityNanos, minRttWindowNanos);
    }

    /** The clock granularity G of RFC 6298 2.2/2.3, the least variance term of the RTO. */
    public RttEstimatorConfig withClockGranularityNanos(long nanos) {
        return new RttEstimatorConfig(initialRtoNanos, minRtoNanos, maxRtoNanos, nanos, minRttWindowNanos);
    }

    /** How far back the minimum RTT looks. */
    public RttEstimatorConfig withMinRttWindowNanos(long nanos) {
        return new RttEstimatorConfig(initialRtoNanos, minRtoNanos, maxRtoNanos, clockGranularityNanos, nanos);
    }

    public long initialRtoNanos() {
        return initialRtoNanos;
    }

    public long minRtoNanos() {
        return minRtoNanos;
    }

    public long maxRtoNanos() {
        return maxRtoNanos;
    }

    public long clockGranularityNanos() {
        return clockGranularityNanos;
    }

    public long minRttWindowNanos() {
        return minRttWindowNanos;
    }

    @Override
    public String toString() {
        return "RttEstimatorConfig{initialRto=" + initialRtoNanos + "ns, minRto=" + minRtoNanos
                + "ns, maxRto=" + maxRtoNanos + "ns, granularity=" + clockGranularityNanos
                + "ns, minRttWindow=" + minRttWindowNanos + "ns}";
    }
}
