package io.usertcp.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpRateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void aFullBucketLetsTheBurstThroughAtOnce() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(1000, 50, 0);
        assertEquals(50, acquired(limiter, 0, 100));
    }

    @Test
    void tokensRefillAtTheConfiguredRate() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(1000, 50, 0);
        acquired(limiter, 0, 50);
        assertEquals(7, acquired(limiter, 7 * MS, 100), "1000/s refills one token per ms");
    }

    @Test
    void refillNeverExceedsTheBurst() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(10, 3, 0);
        acquired(limiter, 0, 3);
        assertEquals(3, acquired(limiter, 3_600_000 * MS, 10));
    }

    @Test
    void timeWrappingPastLongMaxStillRefills() {
        long start = Long.MAX_VALUE - 5 * MS;
        IcmpRateLimiter limiter = new IcmpRateLimiter(1000, 1, start);
        assertTrue(limiter.tryAcquire(start));
        assertFalse(limiter.tryAcquire(start));
        assertTrue(limiter.tryAcquire(start + 10 * MS));
    }

    @Test
    void aZeroRateNeverSends() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(0, 5, 0);
        assertEquals(0, acquired(limiter, 1_000_000 * MS, 5));
    }

    private static int acquired(IcmpRateLimiter limiter, long now, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(now)) {
                granted++;
            }
        }
        return granted;
    }
}
