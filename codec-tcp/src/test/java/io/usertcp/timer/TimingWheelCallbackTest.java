package io.usertcp.timer;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What timer callbacks may do to the wheel while it is expiring timers. */
class TimingWheelCallbackTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final TimingWheel wheel = new TimingWheel(ticker);

    private int advanceAndExpire(long nanos) {
        ticker.advance(nanos, TimeUnit.NANOSECONDS);
        return wheel.expire(ticker.nanoTime());
    }

    /** Two timers of one owner, due in the same tick (so in the same bucket); runs an action on each expiry. */
    private final class PairOwner implements TimerOwner {
        final TimerEntry first = new TimerEntry(this, 1);
        final TimerEntry second = new TimerEntry(this, 2);
        final List<Integer> expired = new ArrayList<>();
        TimerOwner onExpiry = (kind, now) -> { };

        @Override
        public void timerExpired(int kind, long nowNanos) {
            expired.add(kind);
            onExpiry.timerExpired(kind, nowNanos);
        }

        TimerEntry other(int kind) {
            return kind == 1 ? second : first;
        }

        TimerEntry self(int kind) {
            return kind == 1 ? first : second;
        }
    }

    @Test
    void callbackCanRearmItsOwnEntry() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> wheel.arm(owner.self(kind), now + 5 * MS);
        wheel.arm(owner.first, 5 * MS);

        int ran = 0;
        for (int millis = 1; millis <= 20; millis++) {
            ran += advanceAndExpire(MS);
        }
        assertEquals(4, ran);
        assertTrue(wheel.isArmed(owner.first));
        assertEquals(25 * MS, owner.first.deadlineNanos());
    }

    @Test
    void callbackCanCancelAnotherEntryDueInTheSameTick() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> assertTrue(wheel.cancel(owner.other(kind)));
        wheel.arm(owner.first, 5 * MS);
        wheel.arm(owner.second, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(1, owner.expired.size());
        assertEquals(0, wheel.activeCount());
        assertEquals(0, advanceAndExpire(100 * MS));
    }

    @Test
    void callbackCanRearmAnotherEntryDueInTheSameTick() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            if (owner.expired.size() == 1) {
                wheel.arm(owner.other(kind), now + 10 * MS);
            }
        };
        wheel.arm(owner.first, 5 * MS);
        wheel.arm(owner.second, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(0, advanceAndExpire(10 * MS - 1));
        assertEquals(1, advanceAndExpire(1));
        assertEquals(2, owner.expired.size());
        assertEquals(3, owner.expired.get(0) + owner.expired.get(1), "each entry ran once");
    }

    @Test
    void callbackCancellingItsOwnEntryIsANoOp() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> assertFalse(wheel.cancel(owner.self(kind)));
        wheel.arm(owner.first, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(0, wheel.activeCount());
    }

    @Test
    void callbackCanRearmThenCancelItsOwnEntry() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            wheel.arm(owner.self(kind), now + MS);
            assertTrue(wheel.cancel(owner.self(kind)));
        };
        wheel.arm(owner.first, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertFalse(wheel.isArmed(owner.first));
        assertEquals(0, advanceAndExpire(10 * MS));
    }

    @Test
    void entryIsDisarmedWhenItsCallbackRuns() {
        PairOwner owner = new PairOwner();
        List<Boolean> armedDuringCallback = new ArrayList<>();
        owner.onExpiry = (kind, now) -> armedDuringCallback.add(wheel.isArmed(owner.self(kind)));
        wheel.arm(owner.first, 5 * MS);

        advanceAndExpire(5 * MS);
        assertEquals(List.of(false), armedDuringCallback);
    }

    @Test
    void entryArmedFromACallbackForNowFiresAtTheNextTick() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            if (kind == 1) {
                wheel.arm(owner.second, now);
            }
        };
        wheel.arm(owner.first, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertTrue(wheel.isArmed(owner.second));
        assertEquals(MS, wheel.nextExpiryDelayNanos(ticker.nanoTime()));
        assertEquals(1, advanceAndExpire(MS));
        assertEquals(List.of(1, 2), owner.expired);
    }

    @Test
    void entryArmedFromACallbackForAPassedTimeFiresInTheSameCallWhenTheCallCoversLaterTicks() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            if (kind == 1) {
                wheel.arm(owner.second, 5 * MS);
            }
        };
        wheel.arm(owner.first, 5 * MS);

        assertEquals(2, advanceAndExpire(8 * MS));
        assertEquals(List.of(1, 2), owner.expired);
    }

    @Test
    void callbackRearmingItselfForNowRunsOncePerTick() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> wheel.arm(owner.self(kind), now);
        wheel.arm(owner.first, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(1, advanceAndExpire(MS));
        assertTrue(wheel.isArmed(owner.first));
    }

    @Test
    void entryArmedFromACallbackIntoTheSameSlotOneRevolutionLaterWaitsForIt() {
        long revolution = TimingWheel.DEFAULT_SLOTS_PER_LEVEL * MS;
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            if (kind == 1) {
                wheel.arm(owner.second, now + revolution);
            }
        };
        wheel.arm(owner.first, 5 * MS);

        assertEquals(1, advanceAndExpire(5 * MS));
        assertEquals(0, advanceAndExpire(revolution - 1));
        assertEquals(1, advanceAndExpire(1));
    }

    @Test
    void expireFromACallbackIsRejected() {
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> wheel.expire(now);
        wheel.arm(owner.first, 5 * MS);

        assertThrows(IllegalStateException.class, () -> advanceAndExpire(5 * MS));
    }

    @Test
    void callbackExceptionKeepsTheTickRemainingTimersArmed() {
        RuntimeException failure = new RuntimeException("owner failed");
        PairOwner owner = new PairOwner();
        owner.onExpiry = (kind, now) -> {
            if (owner.expired.size() == 1) {
                throw failure;
            }
        };
        wheel.arm(owner.first, 5 * MS);
        wheel.arm(owner.second, 5 * MS);

        assertSame(failure, assertThrows(RuntimeException.class, () -> advanceAndExpire(5 * MS)));
        assertEquals(1, wheel.activeCount());
        assertEquals(1, advanceAndExpire(MS));
        assertEquals(2, owner.expired.size());
    }
}
