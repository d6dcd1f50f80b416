package io.usertcp.timer;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cost with many far timers, and after long idle gaps, counted in entry visits rather than wall time. */
class TimingWheelScaleTest {
    private static final int CONNECTIONS = 100_000;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long KEEPALIVE = TimeUnit.HOURS.toNanos(2);

    @Test
    void farTimersCostNothingPerTick() {
        TimingWheel wheel = new TimingWheel(Ticker.newMockTicker());
        TimerOwner owner = (kind, now) -> { };
        for (int i = 0; i < CONNECTIONS; i++) {
            wheel.arm(new TimerEntry(owner, i), KEEPALIVE);
        }

        int ran = 0;
        for (long now = MS; now <= 60 * SECOND; now += MS) {
            ran += wheel.expire(now);
        }
        assertEquals(0, ran);
        assertEquals(0, wheel.cascadedCount(), "no timer visited during the first minute");
    }

    /**
     * 100k connections each holding a 2 h keepalive, re-armed for another 2 h whenever it expires (deadlines
     * spread evenly at the start), run for two hours of virtual time with {@code expire} every millisecond.
     * A visit is a timer run or a timer moved between buckets; a single hashed wheel with rounds would visit
     * all 100k timers every revolution.
     */
    @Test
    void keepaliveLoadCostsFewVisitsPerSecond(TestReporter reporter) {
        TimingWheel wheel = new TimingWheel(Ticker.newMockTicker());
        TimerEntry[] entries = new TimerEntry[CONNECTIONS];
        long[] ran = new long[1];
        TimerOwner owner = (kind, now) -> {
            ran[0]++;
            wheel.arm(entries[kind], now + KEEPALIVE);
        };
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < CONNECTIONS; i++) {
            entries[i] = new TimerEntry(owner, i);
            wheel.arm(entries[i], 1 + random.nextLong(KEEPALIVE));
        }

        long maxVisitsInASecond = 0;
        long visitsAtSecondStart = 0;
        long now = 0;
        for (int second = 0; second < KEEPALIVE / SECOND; second++) {
            for (int millis = 0; millis < 1000; millis++) {
                now += MS;
                wheel.expire(now);
            }
            long visits = ran[0] + wheel.cascadedCount();
            maxVisitsInASecond = Math.max(maxVisitsInASecond, visits - visitsAtSecondStart);
            visitsAtSecondStart = visits;
        }
        long seconds = KEEPALIVE / SECOND;
        double averageVisitsPerSecond = (double) (ran[0] + wheel.cascadedCount()) / seconds;
        reporter.publishEntry("keepalive load", String.format(
                "%d timers over %d s: %d expired, %d cascaded, %.1f visits/s on average, %d in the busiest second",
                CONNECTIONS, seconds, ran[0], wheel.cascadedCount(), averageVisitsPerSecond, maxVisitsInASecond));

        assertEquals(CONNECTIONS, ran[0], "every keepalive expired once in two hours");
        assertTrue(wheel.cascadedCount() <= 2L * (CONNECTIONS + ran[0]),
                "each arming cascades at most levels - 1 times: " + wheel.cascadedCount());
        assertTrue(averageVisitsPerSecond < 100, "average " + averageVisitsPerSecond);
        assertTrue(maxVisitsInASecond < CONNECTIONS / 50, "busiest second " + maxVisitsInASecond);
    }

    @Test
    void idleGapCostsAtMostOneMovePerLevelPerTimer() {
        MockTicker ticker = Ticker.newMockTicker();
        TimingWheel wheel = new TimingWheel(ticker);
        List<Long> firedDeadlines = new ArrayList<>();
        TimerEntry[] entries = new TimerEntry[1000];
        TimerOwner owner = (kind, now) -> firedDeadlines.add(entries[kind].deadlineNanos());
        SplittableRandom random = new SplittableRandom(3);
        long gap = TimeUnit.MINUTES.toNanos(10);
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new TimerEntry(owner, i);
            wheel.arm(entries[i], 1 + random.nextLong(gap));
        }

        ticker.advance(gap, TimeUnit.NANOSECONDS);
        assertEquals(entries.length, wheel.expire(ticker.nanoTime()));
        assertTrue(wheel.cascadedCount() <= 2L * entries.length, "cascaded " + wheel.cascadedCount());
        assertEquals(firedDeadlines.stream().sorted().toList(), firedDeadlines, "fired in deadline order");
    }

    /** At a 1 ns tick ten minutes are 6 * 10^11 ticks: walking them one by one would never finish. */
    @Test
    @Timeout(10)
    void idleGapIsSkippedRatherThanWalkedTickByTick() {
        MockTicker ticker = Ticker.newMockTicker();
        TimingWheel wheel = new TimingWheel(ticker, 1, 256, 7);
        RecordingOwner owner = new RecordingOwner();
        wheel.arm(new TimerEntry(owner, 3), TimeUnit.MINUTES.toNanos(10));
        wheel.arm(new TimerEntry(owner, 1), TimeUnit.MINUTES.toNanos(1));
        wheel.arm(new TimerEntry(owner, 2), TimeUnit.MINUTES.toNanos(5));

        ticker.advance(10, TimeUnit.MINUTES);
        assertEquals(3, wheel.expire(ticker.nanoTime()));
        assertEquals(List.of(1, 2, 3), owner.kinds);
    }

    @Test
    @Timeout(10)
    void emptyWheelSkipsAnIdleGap() {
        MockTicker ticker = Ticker.newMockTicker();
        TimingWheel wheel = new TimingWheel(ticker, 1, 256, 7);
        ticker.advance(TimeUnit.DAYS.toNanos(365), TimeUnit.NANOSECONDS);
        assertEquals(0, wheel.expire(ticker.nanoTime()));

        TimerEntry entry = new TimerEntry(new RecordingOwner(), 1);
        wheel.armAfter(entry, 1);
        ticker.advance(1, TimeUnit.NANOSECONDS);
        assertEquals(1, wheel.expire(ticker.nanoTime()));
    }
}
