package io.usertcp.testing.network;

import io.usertcp.timer.TimingWheel;

/**
 * Timers a simulated host keeps outside its event loop's scheduler, such as the TCP engine's
 * {@link TimingWheel}: the {@link SimulatedNetwork} asks for the next deadline to know how far it may advance
 * virtual time, and runs the expirations when time gets there.
 */
public interface SimulatedTimers {
    /** Nanoseconds from {@code nowNanos} until something is due, 0 if something already is, -1 if nothing is. */
    long nextExpiryDelayNanos(long nowNanos);

    /** Runs everything due at {@code nowNanos}. */
    void expire(long nowNanos);

    /** The timers of a {@link TimingWheel}. */
    static SimulatedTimers of(TimingWheel wheel) {
        return new SimulatedTimers() {
            @Override
            public long nextExpiryDelayNanos(long nowNanos) {
                return wheel.nextExpiryDelayNanos(nowNanos);
            }

            @Override
            public void expire(long nowNanos) {
                wheel.expire(nowNanos);
            }
        };
    }
}
