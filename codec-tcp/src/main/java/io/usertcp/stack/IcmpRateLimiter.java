package io.usertcp.stack;

/**
 * A token bucket for the ICMP errors one stack sends (RFC 1812 4.3.2.8, RFC 1122 3.2.2: a host SHOULD limit
 * the rate of its errors, so a flood of bad datagrams cannot turn it into an amplifier). It holds up to
 * {@code burst} tokens, refilled at {@code perSecond}; each error takes one. Kept as credit in nanoseconds,
 * so refilling is one subtraction and nothing is allocated. Times are {@code Ticker.nanoTime()} values.
 * Owned by one event loop.
 */
public final class IcmpRateLimiter {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Credit one token costs; {@link Long#MAX_VALUE} when the rate is 0 (never send). */
    private final long nanosPerToken;
    private final long capacityNanos;
    private long creditNanos;
    private long lastRefill;

    /** Starts full, so the first {@code burst} errors go at once. */
    public IcmpRateLimiter(int perSecond, int burst, long nowNanos) {
        if (perSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("perSecond must be >= 0 and burst >= 1, got " + perSecond + ", "
                    + burst);
        }
        nanosPerToken = perSecond == 0 ? Long.MAX_VALUE : NANOS_PER_SECOND / perSecond;
        capacityNanos = perSecond == 0 ? 0 : nanosPerToken * burst;
        creditNanos = capacityNanos;
        lastRefill = nowNanos;
    }

    /** Takes a token if one is there: true means the error may be sent. */
    public boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - lastRefill;
        lastRefill = nowNanos;
        if (elapsed > 0) {
            creditNanos = elapsed >= capacityNanos - creditNanos ? capacityNanos : creditNanos + elapsed;
        }
        if (creditNanos < nanosPerToken) {
            return false;
        }
        creditNanos -= nanosPerToken;
        return true;
    }
}
