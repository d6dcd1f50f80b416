package io.usertcp.timer;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimingWheelTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final TimingWheel wheel = new TimingWheel(ticker);
    private final RecordingOwner owner = new RecordingOwner();

    private int advanceAndExpire(long nanos) {
        ticker.advance(nanos, TimeUnit.NANOSECONDS);
        return wheel.expire(ticker.nanoTime());
    }

    @Test
    void doesNotFireBeforeDeadline() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);

        assertEquals(0, advanceAndExpire(10 * MS - 1));
        assertTrue(wheel.isArmed(entry));
        assertEquals(0, owner.count());
    }

    @Test
    void firesAtDeadline() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);

        assertEquals(1, advanceAndExpire(10 * MS));
        assertEquals(List.of(1), owner.kinds);
        assertEquals(List.of(10 * MS), owner.times);
        assertFalse(wheel.isArmed(entry));
    }

    @Test
    void deadlineBetweenTickBoundariesFiresAtTheNextBoundary() {
        wheel.arm(new TimerEntry(owner, 1), 10 * MS + 400_000);

        assertEquals(0, advanceAndExpire(10 * MS + 400_000));
        assertEquals(0, advanceAndExpire(600_000 - 1));
        assertEquals(1, advanceAndExpire(1));
        assertEquals(List.of(11 * MS), owner.times);
    }

    @Test
    void deadlineAlreadyPassedFiresOnTheNextExpire() {
        ticker.advance(10, TimeUnit.MILLISECONDS);
        wheel.arm(new TimerEntry(owner, 1), 4 * MS);

        assertEquals(1, wheel.expire(ticker.nanoTime()));
    }

    @Test
    void deadlineInAnAlreadyProcessedTickFiresAtTheNextTick() {
        assertEquals(0, advanceAndExpire(10 * MS));
        wheel.arm(new TimerEntry(owner, 1), 4 * MS);

        assertEquals(0, wheel.expire(ticker.nanoTime()));
        assertEquals(MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
        assertEquals(1, advanceAndExpire(MS));
    }

    @Test
    void timersFireInDeadlineOrderWithinOneExpire() {
        long[] deadlineMillis = {30, 5, 300, 70_000, 12, 1_000, 4_000_000};
        for (int kind = 0; kind < deadlineMillis.length; kind++) {
            wheel.arm(new TimerEntry(owner, kind), deadlineMillis[kind] * MS);
        }

        assertEquals(deadlineMillis.length, advanceAndExpire(2 * HOUR));
        assertEquals(List.of(1, 4, 0, 2, 5, 3, 6), owner.kinds);
    }

    @Test
    void timersFireInDeadlineOrderWhenTimeAdvancesTickByTick() {
        long[] deadlineMillis = {300, 5, 30, 299, 12};
        for (int kind = 0; kind < deadlineMillis.length; kind++) {
            wheel.arm(new TimerEntry(owner, kind), deadlineMillis[kind] * MS);
        }

        for (int millis = 1; millis <= 300; millis++) {
            advanceAndExpire(MS);
        }
        assertEquals(List.of(1, 4, 2, 3, 0), owner.kinds);
        assertEquals(List.of(5 * MS, 12 * MS, 30 * MS, 299 * MS, 300 * MS), owner.times);
    }

    @Test
    void rearmingMovesTheTimerLater() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);
        wheel.arm(entry, 20 * MS);

        assertEquals(0, advanceAndExpire(10 * MS));
        assertEquals(1, advanceAndExpire(10 * MS));
        assertEquals(List.of(20 * MS), owner.times);
    }

    @Test
    void rearmingMovesTheTimerEarlier() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 1000 * MS);
        wheel.arm(entry, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(0, advanceAndExpire(1000 * MS));
        assertEquals(List.of(5 * MS), owner.times);
    }

    @Test
    void rearmingAnArmedEntryKeepsOneTimerWithTheNewDeadline() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);
        wheel.arm(entry, 70_000 * MS);

        assertEquals(1, wheel.activeCount());
        assertEquals(70_000 * MS, entry.deadlineNanos());
    }

    @Test
    void cancelPreventsFiring() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);

        assertTrue(wheel.cancel(entry));
        assertEquals(0, advanceAndExpire(20 * MS));
        assertFalse(wheel.isArmed(entry));
        assertEquals(0, owner.count());
    }

    @Test
    void cancellingAnUnarmedEntryIsANoOp() {
        TimerEntry armed = new TimerEntry(owner, 1);
        TimerEntry neverArmed = new TimerEntry(owner, 2);
        wheel.arm(armed, 10 * MS);

        assertFalse(wheel.cancel(neverArmed));
        assertEquals(1, wheel.activeCount());
        assertEquals(1, advanceAndExpire(10 * MS));
    }

    @Test
    void cancellingAnExpiredEntryIsANoOp() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.arm(entry, 10 * MS);
        advanceAndExpire(10 * MS);

        assertFalse(wheel.cancel(entry));
        assertEquals(0, wheel.activeCount());
    }

    @Test
    void activeCountTracksArmCancelAndExpiry() {
        TimerEntry first = new TimerEntry(owner, 1);
        TimerEntry second = new TimerEntry(owner, 2);
        TimerEntry third = new TimerEntry(owner, 3);
        wheel.arm(first, 10 * MS);
        wheel.arm(second, 20 * MS);
        wheel.arm(third, 2 * HOUR);
        assertEquals(3, wheel.activeCount());

        wheel.cancel(second);
        assertEquals(2, wheel.activeCount());

        advanceAndExpire(10 * MS);
        assertEquals(1, wheel.activeCount());
    }

    @Test
    void manyTimersInOneBucketAllFireOnce() {
        int count = 10_000;
        for (int kind = 0; kind < count; kind++) {
            wheel.arm(new TimerEntry(owner, kind), 42 * MS);
        }

        assertEquals(count, advanceAndExpire(42 * MS));
        assertEquals(count, owner.kinds.stream().distinct().count());
        assertEquals(0, wheel.activeCount());
    }

    @Test
    void timersARevolutionApartInTheSameSlotFireSeparately() {
        long revolution = TimingWheel.DEFAULT_SLOTS_PER_LEVEL * MS;
        for (int kind = 0; kind < 3; kind++) {
            wheel.arm(new TimerEntry(owner, kind), 5 * MS + kind * revolution);
        }

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(0, advanceAndExpire(revolution - 1));
        assertEquals(1, advanceAndExpire(1));
        assertEquals(0, advanceAndExpire(revolution - 1));
        assertEquals(1, advanceAndExpire(1));
        assertEquals(List.of(0, 1, 2), owner.kinds);
    }

    @Test
    void deadlineBeyondOneRevolutionFiresOnItsTick() {
        wheel.arm(new TimerEntry(owner, 1), 1234 * MS);

        for (int millis = 1; millis < 1234; millis++) {
            assertEquals(0, advanceAndExpire(MS), "at " + millis + " ms");
        }
        assertEquals(1, advanceAndExpire(MS));
        assertEquals(List.of(1234 * MS), owner.times);
    }

    @Test
    void deadlineBeyondTheTopLevelFiresOnItsTick() {
        // The default wheel spans 2^24 ms (4.66 h); ten hours is parked in the top level twice.
        long deadline = 10 * HOUR;
        wheel.arm(new TimerEntry(owner, 1), deadline);

        for (int halfHours = 1; halfHours < 20; halfHours++) {
            assertEquals(0, advanceAndExpire(HOUR / 2));
        }
        assertEquals(0, advanceAndExpire(HOUR / 2 - 1));
        assertEquals(1, advanceAndExpire(1));
        assertEquals(List.of(deadline), owner.times);
    }

    @Test
    void deadlineBeyondTheTopLevelOfASmallWheelFiresOnItsTick() {
        // 4 slots, 2 levels: 16 ticks of span, so a 100-tick timer is re-parked six times.
        TimingWheel small = new TimingWheel(ticker, MS, 4, 2);
        small.arm(new TimerEntry(owner, 1), 100 * MS);

        for (int millis = 1; millis < 100; millis++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            assertEquals(0, small.expire(ticker.nanoTime()), "at " + millis + " ms");
        }
        ticker.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(1, small.expire(ticker.nanoTime()));
    }

    @Test
    void deadlinesAcrossTickerWrapAroundFireOnTime() {
        ticker.advance(Long.MAX_VALUE - 3 * MS, TimeUnit.NANOSECONDS);
        TimingWheel wrapping = new TimingWheel(ticker);
        long deadline = ticker.nanoTime() + 10 * MS;
        assertTrue(deadline < ticker.nanoTime(), "the deadline wraps past Long.MAX_VALUE");
        wrapping.arm(new TimerEntry(owner, 1), deadline);

        assertEquals(10 * MS, wrapping.nextExpiryDelayNanos(ticker.nanoTime()));
        ticker.advance(10 * MS - 1, TimeUnit.NANOSECONDS);
        assertEquals(0, wrapping.expire(ticker.nanoTime()));
        ticker.advance(1, TimeUnit.NANOSECONDS);
        assertEquals(1, wrapping.expire(ticker.nanoTime()));
        assertEquals(List.of(deadline), owner.times);
    }

    @Test
    void nextExpiryDelayIsMinusOneWhenNothingIsArmed() {
        assertEquals(-1, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
    }

    @Test
    void nextExpiryDelayIsTheEarliestDeadline() {
        wheel.arm(new TimerEntry(owner, 1), 30 * MS);
        wheel.arm(new TimerEntry(owner, 2), 10 * MS);
        wheel.arm(new TimerEntry(owner, 3), 20 * MS);
        ticker.advance(3, TimeUnit.MILLISECONDS);

        assertEquals(7 * MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
    }

    @Test
    void nextExpiryDelayFollowsCancels() {
        TimerEntry first = new TimerEntry(owner, 1);
        TimerEntry second = new TimerEntry(owner, 2);
        TimerEntry third = new TimerEntry(owner, 3);
        wheel.arm(first, 10 * MS);
        wheel.arm(second, 20 * MS);
        wheel.arm(third, 30 * MS);

        wheel.cancel(first);
        assertEquals(20 * MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
        wheel.cancel(second);
        assertEquals(30 * MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
        wheel.cancel(third);
        assertEquals(-1, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
    }

    @Test
    void nextExpiryDelayRoundsUpToTheTickBoundary() {
        wheel.arm(new TimerEntry(owner, 1), 10 * MS + 400_000);

        assertEquals(11 * MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
    }

    @Test
    void nextExpiryDelayIsZeroWhenATimerIsOverdue() {
        wheel.arm(new TimerEntry(owner, 1), 5 * MS);
        ticker.advance(7, TimeUnit.MILLISECONDS);

        assertEquals(0, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
    }

    @Test
    void nextExpiryDelayNeverExceedsAFarDeadline() {
        wheel.arm(new TimerEntry(owner, 1), HOUR);
        wheel.arm(new TimerEntry(owner, 2), 3 * HOUR);

        long delay = wheel.nextExpiryDelayNanos(ticker.nanoTime());
        assertTrue(delay > 0 && delay <= HOUR, "delay " + delay);
    }

    @Test
    void loopSleepingForTheNextExpiryDelayFiresAFarTimerOnTime() {
        long deadline = HOUR + 7 * MS;
        wheel.arm(new TimerEntry(owner, 1), deadline);

        int wakeUps = 0;
        while (owner.count() == 0) {
            advanceAndExpire(wheel.nextExpiryDelayNanos(ticker.nanoTime()));
            wakeUps++;
        }
        assertEquals(List.of(deadline), owner.times);
        assertTrue(wakeUps <= TimingWheel.DEFAULT_LEVELS, "wake-ups " + wakeUps);
    }

    @Test
    void armAfterCountsFromTheTickerTime() {
        ticker.advance(7, TimeUnit.MILLISECONDS);
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.armAfter(entry, 5 * MS);

        assertEquals(12 * MS, entry.deadlineNanos());
        assertEquals(0, advanceAndExpire(5 * MS - 1));
        assertEquals(1, advanceAndExpire(1));
    }

    @Test
    void armAfterShortensDelaysBeyondTheMaximum() {
        TimerEntry entry = new TimerEntry(owner, 1);
        wheel.armAfter(entry, Long.MAX_VALUE);

        assertEquals(TimingWheel.MAX_DELAY_NANOS, entry.deadlineNanos());
        assertEquals(0, advanceAndExpire(TimeUnit.DAYS.toNanos(1000)));
        assertTrue(wheel.isArmed(entry));
    }

    @Test
    void entryArmedInAnotherWheelIsRejected() {
        TimingWheel other = new TimingWheel(ticker);
        TimerEntry entry = new TimerEntry(owner, 1);
        other.arm(entry, 10 * MS);

        assertThrows(IllegalStateException.class, () -> wheel.arm(entry, 20 * MS));
        assertThrows(IllegalStateException.class, () -> wheel.cancel(entry));
        assertFalse(wheel.isArmed(entry));
        assertTrue(other.isArmed(entry));
    }

    @Test
    void slotsPerLevelMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel(ticker, MS, 100, 3));
    }

    @Test
    void tickMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel(ticker, 0, 256, 3));
    }

    @Test
    void spanBeyondTheMaximumIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel(ticker, MS, 256, 8));
    }
}
