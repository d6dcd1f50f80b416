package io.usertcp.timer;

/**
 * What a {@link TimerEntry} calls when it expires: usually a connection, which owns one entry per timer
 * (retransmission, delayed ACK, keepalive, ...) and tells them apart by the entry's kind. One owner object
 * serves all its entries, so arming a timer never needs a lambda or task object of its own.
 */
@FunctionalInterface
public interface TimerOwner {
    /**
     * Runs on the wheel's event loop from {@link TimingWheel#expire}. The entry is already disarmed when
     * this runs, so the owner may re-arm it (or arm, re-arm or cancel any other entry) from here.
     *
     * @param kind     the {@link TimerEntry#kind()} of the entry that expired
     * @param nowNanos the time handed to {@link TimingWheel#expire}, never before the entry's deadline
     */
    void timerExpired(int kind, long nowNanos);
}
