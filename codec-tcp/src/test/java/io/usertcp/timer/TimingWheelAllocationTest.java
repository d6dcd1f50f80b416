package io.usertcp.timer;

import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Arming, re-arming, cancelling and expiring allocate nothing: bytes allocated by this thread are measured
 * around a million operations after a warm-up (so the JIT has compiled the path). One object per operation
 * would show as at least 16 MB; the allowance only covers the measurement's own noise.
 */
class TimingWheelAllocationTest {
    private static final int ENTRIES = 1024;
    private static final int OPERATIONS = 1_000_000;
    private static final long ALLOWANCE_BYTES = 16 * 1024;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final TimerEntry[] entries = new TimerEntry[ENTRIES];

    @BeforeEach
    void requireAllocationCounting() {
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    }

    /** 4096 delays, each up to one of {@code bounds} in turn, so entries spread over the levels. */
    private static long[] delays(long... bounds) {
        SplittableRandom random = new SplittableRandom(11);
        long[] delays = new long[4096];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = MS + random.nextLong(bounds[i % bounds.length]);
        }
        return delays;
    }

    private static void rearmAndCancel(TimingWheel wheel, TimerEntry[] entries, long[] deadlines) {
        for (int i = 0; i < OPERATIONS; i++) {
            TimerEntry entry = entries[i & (ENTRIES - 1)];
            if ((i & 7) == 7) {
                wheel.cancel(entry);
            } else {
                wheel.arm(entry, deadlines[i & (deadlines.length - 1)]);
            }
        }
    }

    @Test
    void rearmAndCancelAllocateNothing() {
        TimingWheel wheel = new TimingWheel(Ticker.newMockTicker());
        TimerOwner owner = (kind, now) -> { };
        for (int i = 0; i < ENTRIES; i++) {
            entries[i] = new TimerEntry(owner, i);
        }
        // Deadlines on every level and beyond the span.
        long[] deadlines = delays(20 * MS, 300 * MS, 70_000 * MS, TimeUnit.HOURS.toNanos(10));
        rearmAndCancel(wheel, entries, deadlines);
        rearmAndCancel(wheel, entries, deadlines);

        long before = threads.getCurrentThreadAllocatedBytes();
        rearmAndCancel(wheel, entries, deadlines);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < ALLOWANCE_BYTES, allocated + " bytes for " + OPERATIONS + " re-arms and cancels");
    }

    /** Each expired timer re-arms itself from its callback, as a connection's timers do. */
    private final class RearmingOwner implements TimerOwner {
        final TimingWheel wheel;
        /** Up to 70 s: timers expire often enough to measure, and cascade from levels 1 and 2. */
        final long[] delays = delays(20 * MS, 300 * MS, 70_000 * MS);
        int next;
        long ran;

        RearmingOwner(TimingWheel wheel) {
            this.wheel = wheel;
        }

        @Override
        public void timerExpired(int kind, long nowNanos) {
            ran++;
            wheel.arm(entries[kind], nowNanos + delays[next++ & (delays.length - 1)]);
        }
    }

    private static long expireEveryTick(TimingWheel wheel, long fromNanos) {
        long now = fromNanos;
        for (int i = 0; i < OPERATIONS; i++) {
            now += MS;
            wheel.expire(now);
        }
        return now;
    }

    @Test
    void expireAllocatesNothing() {
        TimingWheel wheel = new TimingWheel(Ticker.newMockTicker());
        RearmingOwner owner = new RearmingOwner(wheel);
        for (int i = 0; i < ENTRIES; i++) {
            entries[i] = new TimerEntry(owner, i);
            wheel.arm(entries[i], owner.delays[i]);
        }
        long now = expireEveryTick(wheel, 0);
        now = expireEveryTick(wheel, now);

        long ranBefore = owner.ran;
        long cascadedBefore = wheel.cascadedCount();
        long before = threads.getCurrentThreadAllocatedBytes();
        expireEveryTick(wheel, now);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(owner.ran - ranBefore > 10_000, "the measured run expired timers");
        assertTrue(wheel.cascadedCount() - cascadedBefore > 1_000, "the measured run cascaded timers");
        assertTrue(allocated < ALLOWANCE_BYTES, allocated + " bytes for " + OPERATIONS + " expiring ticks");
    }
}
