package io.usertcp.timer;

import io.netty.util.concurrent.Ticker;

import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Every TCP timer of every connection on one event loop: retransmission, delayed ACK, persist, keepalive,
 * FIN-WAIT-2, TIME-WAIT, SYN-RECEIVED, connect timeout. Arming, re-arming and cancelling are O(1) and
 * allocate nothing; the loop calls {@link #expire} with the current time and sleeps at most
 * {@link #nextExpiryDelayNanos}. Owned by one event loop: no locks, no volatile.
 *
 * <h2>Structure: a hierarchical wheel</h2>
 * {@code levels} wheels of {@code slotsPerLevel} buckets each (Varghese and Lauck, scheme 7). A level-0
 * bucket holds the timers of one tick; a level-L bucket holds {@code slotsPerLevel^L} ticks. A timer goes to
 * the lowest level whose span covers its distance from the current tick. When time reaches the start of a
 * coarse bucket, its timers are cascaded: re-placed relative to that tick, which always lands them on a
 * finer level. A timer is therefore moved at most {@code levels - 1} times per arming (plus once per
 * top-level revolution while parked beyond the span, see below) and still fires on its own tick; timers the state machine re-arms or cancels early (retransmission, delayed ACK) are never
 * moved at all.
 *
 * <p>Why not a single hashed wheel with absolute deadlines ("rounds"): there, every revolution visits every
 * far timer to count its rounds down. 100k connections each holding a 2 h keepalive on a 256-slot, 1 ms wheel
 * cost about 390,000 entry visits per second, forever, and the cost grows with the number of idle
 * connections. Here the same load costs about 42 visits per second on average (measured in
 * {@code TimingWheelScaleTest}: one expiry plus at most two cascades per timer over its two hours), about
 * 1,000 in the busiest second, when a 65-second level-2 bucket cascades. Linux's current wheel avoids
 * cascading by letting far timers fire up to 12.5% late; cascading is cheap enough here to keep every timer
 * within one tick.
 *
 * <p>The defaults fit TCP: a 1 ms tick, 256 slots and 3 levels. Level 0 spans 256 ms (delayed ACK, a
 * 200 ms minimum RTO), level 1 65.5 s (backed-off RTOs, TIME-WAIT and FIN-WAIT-2 at 60 s, connect timeouts),
 * level 2 4.66 h (keepalive at 2 h). A deadline beyond the top level is parked in the farthest top-level
 * bucket and re-placed when time reaches it, one move per top-level revolution.
 *
 * <h2>Time</h2>
 * Deadlines are {@code Ticker.nanoTime()} values. Internally time is counted in ticks since the wheel's
 * origin (its ticker's time at construction), always as a difference, so the ticker's value wrapping past
 * {@code Long.MAX_VALUE} changes nothing; deadlines must lie within 2^62 ns (146 years) of the present, as
 * for any nanoTime arithmetic. A deadline is rounded up to the next tick boundary, so a timer never fires
 * before its deadline; it fires at the first {@code expire} whose time reaches that boundary, which is at
 * most one tick late when the loop wakes as {@link #nextExpiryDelayNanos} asks.
 *
 * <p>A deadline in a tick that has already been processed (a deadline at or before the time last given to
 * {@code expire}, for example a callback re-arming for "now") fires at the next tick: within the same
 * {@code expire} call when that call's time already covers the next tick, otherwise in the first call one
 * tick later. It is never lost, and a callback that keeps re-arming itself for "now" cannot spin.
 *
 * <h2>Expiry</h2>
 * {@code expire} runs due timers in tick order (order within one tick is unspecified). It does not walk
 * elapsed ticks one by one: a bitmap of occupied buckets per level finds the next tick with work (a timer to
 * fire or a bucket to cascade) directly, so a loop waking after ten idle minutes pays for the buckets that
 * hold timers, not for 600,000 empty ticks. Callbacks may arm, re-arm or cancel any entry, themselves and
 * entries due in the same tick included: the tick's timers are first moved to a separate expiring list, and
 * each is unlinked before its owner runs. If a callback throws, the exception leaves {@code expire} and the
 * timers of that tick that have not run yet stay armed for the next tick.
 *
 * <p>Memory: the bucket heads and the occupancy bitmap are allocated in the constructor; nothing else is
 * ever allocated by the wheel.
 */
public final class TimingWheel implements DrivenTimers {
    public static final long DEFAULT_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    public static final int DEFAULT_SLOTS_PER_LEVEL = 256;
    public static final int DEFAULT_LEVELS = 3;
    /** Longest delay {@link #armAfter} honours; longer ones are shortened to it (146 years, so never in practice). */
    public static final long MAX_DELAY_NANOS = 1L << 62;
    /** Largest {@code slotsPerLevel}; each level's buckets are scanned as a bitmap of this many bits. */
    public static final int MAX_SLOTS_PER_LEVEL = 1 << 16;
    /**
     * Largest span of the wheel, in ticks, as a power of two ({@code log2(slotsPerLevel) * levels}): tick
     * arithmetic stays far from long overflow for centuries even at a 1 ns tick.
     */
    public static final int MAX_SPAN_BITS = 56;

    private final Ticker ticker;
    private final long originNanos;
    private final long tickNanos;
    private final int slotsPerLevel;
    private final int slotBits;
    private final int slotMask;
    private final int levels;
    /** Ticks covered by all levels: a timer this far away or farther is parked in the top level. */
    private final long spanTicks;
    /** Heads of the bucket lists, level by level; the last one is the list of timers expiring right now. */
    private final TimerEntry[] buckets;
    private final int expiringBucket;
    /** One bit per wheel bucket, set while the bucket's list is not empty. */
    private final BitSet occupied;

    /** Every tick before this one has been processed. */
    private long nextTick;
    private int activeCount;
    private long cascadedCount;
    private boolean expiring;

    /** A wheel with a 1 ms tick, 256 slots per level and 3 levels (4.66 h before parking). */
    public TimingWheel(Ticker ticker) {
        this(ticker, DEFAULT_TICK_NANOS, DEFAULT_SLOTS_PER_LEVEL, DEFAULT_LEVELS);
    }

    /**
     * @param ticker        the loop's clock: its time now is the wheel's origin, and {@link #armAfter} reads it
     * @param tickNanos     granularity: timers fire at most this late
     * @param slotsPerLevel buckets per level, a power of two from 2 to {@link #MAX_SLOTS_PER_LEVEL}
     * @param levels        at least 1; {@code slotsPerLevel^levels} ticks may not exceed 2^{@link #MAX_SPAN_BITS}
     */
    public TimingWheel(Ticker ticker, long tickNanos, int slotsPerLevel, int levels) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos must be positive: " + tickNanos);
        }
        if (slotsPerLevel < 2 || slotsPerLevel > MAX_SLOTS_PER_LEVEL || Integer.bitCount(slotsPerLevel) != 1) {
            throw new IllegalArgumentException("slotsPerLevel must be a power of two from 2 to "
                    + MAX_SLOTS_PER_LEVEL + ": " + slotsPerLevel);
        }
        int bits = Integer.numberOfTrailingZeros(slotsPerLevel);
        if (levels < 1 || (long) bits * levels > MAX_SPAN_BITS) {
            throw new IllegalArgumentException("levels must be at least 1 and span at most 2^" + MAX_SPAN_BITS
                    + " ticks: " + levels + " levels of " + slotsPerLevel + " slots");
        }
        this.tickNanos = tickNanos;
        this.slotsPerLevel = slotsPerLevel;
        this.slotBits = bits;
        this.slotMask = slotsPerLevel - 1;
        this.levels = levels;
        this.spanTicks = 1L << (bits * levels);
        this.expiringBucket = levels * slotsPerLevel;
        this.buckets = new TimerEntry[expiringBucket + 1];
        this.occupied = new BitSet(expiringBucket);
        this.originNanos = ticker.nanoTime();
    }

    public long tickNanos() {
        return tickNanos;
    }

    /** Entries armed in this wheel, including those due but not yet run. */
    public int activeCount() {
        return activeCount;
    }

    public boolean isArmed(TimerEntry entry) {
        return entry.wheel == this;
    }

    /**
     * How many times since construction a timer has been moved to another bucket without running: cascaded
     * from a coarse bucket to a finer one, or re-placed after being parked beyond the span. Besides running
     * expired timers, the only per-timer work the wheel does.
     */
    public long cascadedCount() {
        return cascadedCount;
    }

    /**
     * Arms {@code entry} to fire at {@code deadlineNanos} ({@code Ticker.nanoTime()} units), moving it if it
     * is already armed.
     *
     * @throws IllegalStateException if the entry is armed in another wheel, a programming error
     */
    public void arm(TimerEntry entry, long deadlineNanos) {
        if (entry.wheel == this) {
            unlink(entry);
        } else if (entry.wheel == null) {
            entry.wheel = this;
            activeCount++;
        } else {
            throw new IllegalStateException("entry is armed in another wheel: " + entry);
        }
        entry.deadlineNanos = deadlineNanos;
        entry.expiryTick = Math.max(firstTickAtOrAfter(deadlineNanos), nextTick);
        place(entry);
    }

    /**
     * Arms {@code entry} to fire {@code delayNanos} after the ticker's current time; a negative delay means
     * "already due", a delay above {@link #MAX_DELAY_NANOS} is shortened to it.
     */
    public void armAfter(TimerEntry entry, long delayNanos) {
        arm(entry, ticker.nanoTime() + Math.min(delayNanos, MAX_DELAY_NANOS));
    }

    /**
     * Disarms {@code entry}; nothing happens if it is not armed.
     *
     * @return whether the entry was armed
     * @throws IllegalStateException if the entry is armed in another wheel, a programming error
     */
    public boolean cancel(TimerEntry entry) {
        if (entry.wheel == null) {
            return false;
        }
        if (entry.wheel != this) {
            throw new IllegalStateException("entry is armed in another wheel: " + entry);
        }
        unlink(entry);
        entry.wheel = null;
        activeCount--;
        return true;
    }

    /**
     * Runs every timer whose deadline tick {@code nowNanos} has reached, in tick order, and returns how many
     * ran. Call it on the owning event loop only, never from a timer callback.
     *
     * @throws IllegalStateException when called from a timer callback
     */
    @Override
    public int expire(long nowNanos) {
        if (expiring) {
            throw new IllegalStateException("expire called from a timer callback");
        }
        long lastDueTick = Math.floorDiv(nowNanos - originNanos, tickNanos);
        int ran = 0;
        while (nextTick <= lastDueTick) {
            long workTick = activeCount == 0 ? Long.MAX_VALUE : nextWorkTick();
            if (workTick > lastDueTick) {
                nextTick = lastDueTick + 1;
                break;
            }
            nextTick = workTick;
            cascade(workTick);
            ran += runTick(workTick, nowNanos);
        }
        return ran;
    }

    /**
     * How long the loop may wait before calling {@link #expire} again: -1 when no timer is armed, 0 when
     * something is already due, else the delay to the next tick with work. That is never later than the
     * earliest deadline (rounded up to its tick), and exactly that when the earliest timer sits in level 0;
     * it is earlier when the next work is cascading far timers to a finer level, after which {@code expire}
     * has run nothing and the loop simply asks again (at most {@code levels - 1} such wake-ups per far timer).
     */
    @Override
    public long nextExpiryDelayNanos(long nowNanos) {
        if (activeCount == 0) {
            return -1;
        }
        if (buckets[expiringBucket] != null) {
            return 0;
        }
        long delay = originNanos + nextWorkTick() * tickNanos - nowNanos;
        return Math.max(0, delay);
    }

    /** The tick whose start is the first tick boundary at or after {@code deadlineNanos}. */
    private long firstTickAtOrAfter(long deadlineNanos) {
        long sinceOrigin = deadlineNanos - originNanos;
        if (sinceOrigin <= 0) {
            return 0;
        }
        return (sinceOrigin - 1) / tickNanos + 1;
    }

    /** Links the entry into the bucket for its expiry tick, relative to {@link #nextTick}. */
    private void place(TimerEntry entry) {
        long distance = entry.expiryTick - nextTick;
        long bucketTick = entry.expiryTick;
        if (distance >= spanTicks) {
            // Beyond the top level: the farthest top-level bucket, whose cascade re-places it by its real tick.
            distance = spanTicks - 1;
            bucketTick = nextTick + distance;
        }
        // Level L holds distances in [slots^L, slots^(L+1)): floor(log2(distance)) / log2(slots).
        int level = distance < slotsPerLevel ? 0 : (63 - Long.numberOfLeadingZeros(distance)) / slotBits;
        int slot = (int) (bucketTick >>> (slotBits * level)) & slotMask;
        link(entry, level * slotsPerLevel + slot);
    }

    /**
     * The first tick at or after {@link #nextTick} that has work: a level-0 bucket to run or a coarser bucket
     * to cascade. Level 0 holds ticks {@code [nextTick, nextTick + slots)}; a level-L bucket is cascaded at
     * the start of its block, and every occupied block starts at or after {@code nextTick} and lies within
     * one level-L revolution of it.
     */
    private long nextWorkTick() {
        long earliest = Long.MAX_VALUE;
        int offset = firstOccupiedOffset(0, (int) nextTick & slotMask);
        if (offset >= 0) {
            earliest = nextTick + offset;
        }
        for (int level = 1; level < levels; level++) {
            int shift = slotBits * level;
            long firstBlock = (nextTick + (1L << shift) - 1) >>> shift;
            if (earliest <= firstBlock << shift) {
                break; // this level and coarser ones cascade no earlier than its first block
            }
            offset = firstOccupiedOffset(level, (int) firstBlock & slotMask);
            if (offset >= 0) {
                earliest = Math.min(earliest, (firstBlock + offset) << shift);
            }
        }
        return earliest;
    }

    /** Slots from {@code fromSlot} (wrapping) to the first occupied bucket of {@code level}, or -1. */
    private int firstOccupiedOffset(int level, int fromSlot) {
        int base = level * slotsPerLevel;
        int found = occupied.nextSetBit(base + fromSlot);
        if (found >= 0 && found < base + slotsPerLevel) {
            return found - base - fromSlot;
        }
        found = occupied.nextSetBit(base);
        if (found >= 0 && found < base + fromSlot) {
            return found - base + slotsPerLevel - fromSlot;
        }
        return -1;
    }

    /**
     * Moves the timers of every coarse bucket that starts at {@code tick} to finer levels. Their expiry ticks
     * lie in that bucket's block, less than one block past {@code tick}, so each lands at least a level lower.
     */
    private void cascade(long tick) {
        for (int level = 1; level < levels; level++) {
            int shift = slotBits * level;
            if ((tick & ((1L << shift) - 1)) != 0) {
                return; // not the start of a block at this level, so not at any coarser one either
            }
            int bucket = level * slotsPerLevel + ((int) (tick >>> shift) & slotMask);
            TimerEntry entry = buckets[bucket];
            if (entry == null) {
                continue;
            }
            buckets[bucket] = null;
            occupied.clear(bucket);
            while (entry != null) {
                TimerEntry following = entry.next;
                place(entry);
                cascadedCount++;
                entry = following;
            }
        }
    }

    /**
     * Runs the level-0 bucket of {@code tick}: the timers expiring at that tick and, when level 0 is also the
     * top level, timers parked there from beyond the span, which are re-placed instead.
     */
    private int runTick(long tick, long nowNanos) {
        nextTick = tick + 1;
        int bucket = (int) tick & slotMask;
        TimerEntry entry = buckets[bucket];
        if (entry == null) {
            return 0;
        }
        // A separate list: callbacks may arm timers into this very bucket for one revolution later.
        buckets[bucket] = null;
        occupied.clear(bucket);
        while (entry != null) {
            TimerEntry following = entry.next;
            if (entry.expiryTick > tick) {
                place(entry);
                cascadedCount++;
            } else {
                linkExpiring(entry);
            }
            entry = following;
        }

        int ran = 0;
        expiring = true;
        try {
            TimerEntry due;
            while ((due = buckets[expiringBucket]) != null) {
                unlink(due);
                due.wheel = null;
                activeCount--;
                ran++;
                due.owner.timerExpired(due.kind, nowNanos);
            }
        } finally {
            expiring = false;
            keepUnrunTimersForNextTick();
        }
        return ran;
    }

    /** After a callback threw: what was still on the expiring list moves to {@link #nextTick}. */
    private void keepUnrunTimersForNextTick() {
        TimerEntry entry;
        while ((entry = buckets[expiringBucket]) != null) {
            unlink(entry);
            entry.expiryTick = nextTick;
            place(entry);
        }
    }

    private void linkExpiring(TimerEntry entry) {
        TimerEntry head = buckets[expiringBucket];
        entry.previous = null;
        entry.next = head;
        if (head != null) {
            head.previous = entry;
        }
        buckets[expiringBucket] = entry;
        entry.bucket = expiringBucket;
    }

    /** Links into a wheel bucket, never the expiring list (see {@link #linkExpiring}). */
    private void link(TimerEntry entry, int bucket) {
        TimerEntry head = buckets[bucket];
        entry.previous = null;
        entry.next = head;
        if (head != null) {
            head.previous = entry;
        } else {
            occupied.set(bucket);
        }
        buckets[bucket] = entry;
        entry.bucket = bucket;
    }

    private void unlink(TimerEntry entry) {
        TimerEntry previous = entry.previous;
        TimerEntry next = entry.next;
        if (next != null) {
            next.previous = previous;
        }
        if (previous != null) {
            previous.next = next;
        } else {
            buckets[entry.bucket] = next;
            if (next == null && entry.bucket != expiringBucket) {
                occupied.clear(entry.bucket);
            }
        }
        entry.previous = null;
        entry.next = null;
        entry.bucket = TimerEntry.UNLINKED;
    }
}
