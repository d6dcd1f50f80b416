package io.usertcp.transport.loop;

import io.usertcp.timer.TimingWheel;

/**
 * Timers the event loop drives itself, without a scheduled task per timer: the TCP timing wheel. Added to a
 * {@link UserTcpIoHandler} with {@link UserTcpIoHandler#addTimers}, they bound how long the loop sleeps and
 * are expired once per loop iteration, on the loop thread, with the loop's ticker time.
 */
public interface LoopTimers {
    /**
     * How long the loop may sleep before {@link #expire} must run: -1 when nothing is armed, 0 when something
     * is due, else nanoseconds.
     */
    long nextExpiryDelayNanos(long nowNanos);

    /** Runs whatever is due at {@code nowNanos} and returns how many timers ran. */
    int expire(long nowNanos);

    /** The hook for a {@link TimingWheel}, whose two methods have exactly these meanings. */
    static LoopTimers of(TimingWheel wheel) {
        return new LoopTimers() {
            @Override
            public long nextExpiryDelayNanos(long nowNanos) {
                return wheel.nextExpiryDelayNanos(nowNanos);
            }

            @Override
            public int expire(long nowNanos) {
                return wheel.expire(nowNanos);
            }

            @Override
            public String toString() {
                return "LoopTimers{" + wheel.activeCount() + " armed}";
            }
        };
    }
}
