package io.usertcp.timer;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded random mix of arm, re-arm, cancel and time advances, checked after every step against a plain
 * reference: a sorted map from due tick to timers. The reference computes each timer's due tick on its own
 * terms: its deadline rounded up to a tick boundary, or the first unprocessed tick if that has passed.
 */
class TimingWheelStressTest {
    private static final int ENTRIES = 64;
    private static final int STEPS = 100_000;

    record Config(String name, long tickNanos, int slotsPerLevel, int levels, long startNanos, long seed) {
        long spanNanos() {
            return tickNanos * (1L << (Integer.numberOfTrailingZeros(slotsPerLevel) * levels));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Config> configs() {
        return Stream.of(
                new Config("default 1ms x 256 x 3", TimingWheel.DEFAULT_TICK_NANOS, 256, 3, 0, 1),
                new Config("small 1ms x 8 x 3", TimingWheel.DEFAULT_TICK_NANOS, 8, 3, 0, 2),
                new Config("tiny 1us x 2 x 2", 1_000, 2, 2, 0, 3),
                new Config("odd tick 333333ns x 16 x 4", 333_333, 16, 4, 0, 4),
                new Config("one level 1ms x 32 x 1", TimingWheel.DEFAULT_TICK_NANOS, 32, 1, 0, 5),
                new Config("starting 50 s before nanoTime wraps", TimingWheel.DEFAULT_TICK_NANOS, 64, 3,
                        Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(50), 6));
    }

    /** The reference: which timers are armed, and for which tick. */
    private static final class Reference {
        final long originNanos;
        final long tickNanos;
        final NavigableMap<Long, Set<Integer>> byDueTick = new TreeMap<>();
        final long[] dueTick = new long[ENTRIES];
        final boolean[] armed = new boolean[ENTRIES];
        long firstUnprocessedTick;

        Reference(long originNanos, long tickNanos) {
            this.originNanos = originNanos;
            this.tickNanos = tickNanos;
        }

        void arm(int id, long deadlineNanos) {
            cancel(id);
            long roundedUp = -Math.floorDiv(originNanos - deadlineNanos, tickNanos);
            dueTick[id] = Math.max(roundedUp, firstUnprocessedTick);
            armed[id] = true;
            byDueTick.computeIfAbsent(dueTick[id], tick -> new TreeSet<>()).add(id);
        }

        void cancel(int id) {
            if (armed[id]) {
                Set<Integer> ids = byDueTick.get(dueTick[id]);
                ids.remove(id);
                if (ids.isEmpty()) {
                    byDueTick.remove(dueTick[id]);
                }
                armed[id] = false;
            }
        }

        /** Removes and returns the timers due by {@code nowNanos}, in due order. */
        List<Integer> expire(long nowNanos) {
            long lastDueTick = Math.floorDiv(nowNanos - originNanos, tickNanos);
            List<Integer> due = new ArrayList<>();
            Map<Long, Set<Integer>> expired = byDueTick.headMap(lastDueTick, true);
            expired.values().forEach(due::addAll);
            expired.clear();
            due.forEach(id -> armed[id] = false);
            firstUnprocessedTick = Math.max(firstUnprocessedTick, lastDueTick + 1);
            return due;
        }

        int size() {
            return byDueTick.values().stream().mapToInt(Set::size).sum();
        }
    }

    private static long deadline(SplittableRandom random, Config config, long nowNanos) {
        long tick = config.tickNanos();
        long level0 = tick * config.slotsPerLevel();
        switch (random.nextInt(6)) {
            case 0:
                return nowNanos - random.nextLong(3 * tick);
            case 1:
                return nowNanos + random.nextLong(3 * tick);
            case 2:
                return nowNanos + random.nextLong(level0);
            case 3:
                return nowNanos + random.nextLong(level0 * config.slotsPerLevel());
            case 4:
                return nowNanos + random.nextLong(config.spanNanos());
            default:
                return nowNanos + random.nextLong(3 * config.spanNanos());
        }
    }

    private static long advance(SplittableRandom random, Config config) {
        long tick = config.tickNanos();
        switch (random.nextInt(8)) {
            case 0:
                return 0;
            case 1:
                return random.nextLong(tick);
            case 2:
            case 3:
                return random.nextLong(4 * tick);
            case 4:
            case 5:
                return random.nextLong(2 * tick * config.slotsPerLevel());
            case 6:
                return random.nextLong(tick * config.slotsPerLevel() * config.slotsPerLevel());
            default:
                return random.nextInt(20) == 0 ? random.nextLong(2 * config.spanNanos()) : tick;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void randomOperationsFireExactlyWhatTheReferenceFires(Config config) {
        MockTicker ticker = Ticker.newMockTicker();
        ticker.advance(config.startNanos(), TimeUnit.NANOSECONDS);
        TimingWheel wheel = new TimingWheel(ticker, config.tickNanos(), config.slotsPerLevel(), config.levels());
        Reference reference = new Reference(ticker.nanoTime(), config.tickNanos());
        List<Integer> fired = new ArrayList<>();
        TimerOwner recorder = (kind, now) -> fired.add(kind);
        TimerEntry[] entries = new TimerEntry[ENTRIES];
        for (int id = 0; id < ENTRIES; id++) {
            entries[id] = new TimerEntry(recorder, id);
        }
        SplittableRandom random = new SplittableRandom(config.seed());

        for (int step = 0; step < STEPS; step++) {
            long now = ticker.nanoTime();
            int id = random.nextInt(ENTRIES);
            int operation = random.nextInt(10);
            if (operation < 4) {
                long deadline = deadline(random, config, now);
                wheel.arm(entries[id], deadline);
                reference.arm(id, deadline);
            } else if (operation < 6) {
                assertEquals(reference.armed[id], wheel.cancel(entries[id]), "cancel at step " + step);
                reference.cancel(id);
            } else {
                ticker.advance(advance(random, config), TimeUnit.NANOSECONDS);
                now = ticker.nanoTime();
                fired.clear();
                int ran = wheel.expire(now);
                List<Integer> expected = reference.expire(now);
                assertEquals(expected.size(), ran, "ran at step " + step);
                assertEquals(new HashSet<>(expected), new HashSet<>(fired), "fired at step " + step);
                long previousDue = Long.MIN_VALUE;
                for (int firedId : fired) {
                    assertTrue(now - entries[firedId].deadlineNanos() >= 0, "fired early at step " + step);
                    long due = reference.dueTick[firedId];
                    assertTrue(due >= previousDue, "out of order at step " + step);
                    previousDue = due;
                }
            }
            assertEquals(reference.size(), wheel.activeCount(), "active at step " + step);
            assertEquals(reference.armed[id], wheel.isArmed(entries[id]), "armed at step " + step);
            assertDelayBoundsTheEarliestDue(wheel, reference, now, step);
        }
    }

    /** The loop may wake earlier than the first due tick (for a cascade), never later. */
    private static void assertDelayBoundsTheEarliestDue(TimingWheel wheel, Reference reference, long now, int step) {
        long delay = wheel.nextExpiryDelayNanos(now);
        if (reference.byDueTick.isEmpty()) {
            assertEquals(-1, delay, "delay at step " + step);
            return;
        }
        long untilEarliest = reference.originNanos + reference.byDueTick.firstKey() * reference.tickNanos - now;
        assertTrue(delay >= 0 && delay <= Math.max(0, untilEarliest),
                "delay " + delay + " beyond the earliest due " + untilEarliest + " at step " + step);
    }
}
