package io.usertcp.timer;

/**
 * Timers that something else drives, without a scheduled task per timer: the driver (an event loop, or the
 * simulated network on virtual time) asks how long it may wait, and when that time comes runs what is due,
 * always with its own clock's time. A {@link TimingWheel} is one.
 */
public interface DrivenTimers {
    /**
     * How long the driver may wait before {@link #expire} must run: -1 when nothing is armed, 0 when something
     * is due, else nanoseconds from {@code nowNanos}.
     */
    long nextExpiryDelayNanos(long nowNanos);

    /** Runs whatever is due at {@code nowNanos} and returns how many timers ran. */
    int expire(long nowNanos);
}
