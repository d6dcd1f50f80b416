package io.usertcp.timer;

import java.util.Objects;

/**
 * One timer slot of one owner, for example the retransmission timer of one connection. It is created
 * once, with the connection, and then armed, re-armed and cancelled as often as needed: the entry is
 * itself the node of the {@link TimingWheel}'s bucket list (an intrusive doubly linked list), so moving
 * it to another deadline only re-links it and allocates nothing.
 *
 * <p>The {@link TimerOwner} plus a small int {@link #kind()} is what runs on expiry. A connection holds
 * several entries that all point back at it, each with its own kind, and switches on the kind in
 * {@link TimerOwner#timerExpired}; no callback object exists per timer or per arming. The kind is the
 * owner's own numbering, the wheel never interprets it.
 *
 * <p>Everything but the owner and kind belongs to the wheel and is touched only on its event loop. An
 * entry is armed in at most one wheel at a time.
 */
public final class TimerEntry {
    /** {@link #bucket} of an entry that is on no list. */
    static final int UNLINKED = -1;

    final TimerOwner owner;
    final int kind;

    /** The wheel holding the entry; null while not armed. */
    TimingWheel wheel;
    TimerEntry previous;
    TimerEntry next;
    /** Index of the wheel bucket (or the wheel's expiring list) this entry is linked into. */
    int bucket = UNLINKED;
    /** The first tick at which the entry may fire, counted from the wheel's origin. */
    long expiryTick;
    long deadlineNanos;

    public TimerEntry(TimerOwner owner, int kind) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.kind = kind;
    }

    public TimerOwner owner() {
        return owner;
    }

    public int kind() {
        return kind;
    }

    /**
     * The deadline this entry was last armed for, in {@code Ticker.nanoTime()} units. Meaningful while the
     * entry is armed; afterwards it keeps the last deadline.
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public String toString() {
        return "TimerEntry{kind=" + kind + (wheel == null ? ", disarmed" : ", deadline=" + deadlineNanos) + '}';
    }
}
