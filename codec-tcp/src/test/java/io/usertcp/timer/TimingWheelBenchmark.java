package io.usertcp.timer;

import io.netty.util.concurrent.Ticker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The timing wheel under a loop's worth of connections, each holding a keepalive timer: re-arming a near
 * timer (what every ACK does to the retransmission timer), re-arming a far one, cancel plus arm, and
 * {@code expire} once per tick, for idle connections (keepalives only) and for connections whose timers keep
 * expiring and re-arming themselves.
 *
 * <p>Run with {@code mvn -pl codec-tcp -Pjmh test-compile exec:exec -Djmh.args=TimingWheelBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimingWheelBenchmark {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long KEEPALIVE = TimeUnit.HOURS.toNanos(2);
    private static final int DELAYS = 1024;

    /** A wheel where every connection holds a keepalive, plus one retransmission-like entry each to move. */
    @State(Scope.Thread)
    public static class Connections {
        @Param({"1000", "100000"})
        int connections;

        TimingWheel wheel;
        TimerEntry[] retransmission;
        /** Retransmission timeouts from 200 ms to 1.2 s, in no particular order. */
        final long[] rtoDelays = new long[DELAYS];
        long now;
        int next;

        @Setup
        public void fill() {
            wheel = new TimingWheel(Ticker.newMockTicker());
            TimerOwner owner = (kind, nowNanos) -> { };
            SplittableRandom random = new SplittableRandom(connections);
            retransmission = new TimerEntry[connections];
            for (int i = 0; i < connections; i++) {
                wheel.arm(new TimerEntry(owner, 0), 1 + random.nextLong(KEEPALIVE));
                retransmission[i] = new TimerEntry(owner, 1);
                wheel.arm(retransmission[i], 200 * MS + random.nextLong(1000 * MS));
            }
            for (int i = 0; i < DELAYS; i++) {
                rtoDelays[i] = 200 * MS + random.nextLong(1000 * MS);
            }
        }

        TimerEntry nextEntry() {
            next = next + 1 == connections ? 0 : next + 1;
            return retransmission[next];
        }
    }

    @Benchmark
    public void rearmNear(Connections state) {
        state.wheel.arm(state.nextEntry(), state.now + state.rtoDelays[state.next & (DELAYS - 1)]);
    }

    @Benchmark
    public void rearmFar(Connections state) {
        state.wheel.arm(state.nextEntry(), state.now + KEEPALIVE + state.next);
    }

    @Benchmark
    public boolean cancelThenArm(Connections state) {
        TimerEntry entry = state.nextEntry();
        boolean wasArmed = state.wheel.cancel(entry);
        state.wheel.arm(entry, state.now + state.rtoDelays[state.next & (DELAYS - 1)]);
        return wasArmed;
    }

    /** Connections that hold only a keepalive, re-armed for another 2 h whenever it expires. */
    @State(Scope.Thread)
    public static class Idle implements TimerOwner {
        @Param({"1000", "100000"})
        int connections;

        TimingWheel wheel;
        TimerEntry[] keepalives;
        long now;

        @Setup
        public void fill() {
            wheel = new TimingWheel(Ticker.newMockTicker());
            SplittableRandom random = new SplittableRandom(connections);
            keepalives = new TimerEntry[connections];
            for (int i = 0; i < connections; i++) {
                keepalives[i] = new TimerEntry(this, i);
                wheel.arm(keepalives[i], 1 + random.nextLong(KEEPALIVE));
            }
        }

        @Override
        public void timerExpired(int kind, long nowNanos) {
            wheel.arm(keepalives[kind], nowNanos + KEEPALIVE);
        }
    }

    /** One tick of a loop whose connections are idle: the cost of waking once per millisecond. */
    @Benchmark
    public int expireIdleTick(Idle state) {
        state.now += MS;
        return state.wheel.expire(state.now);
    }

    /** Connections whose timers keep expiring and re-arming from their callbacks (20 ms to 1.2 s). */
    @State(Scope.Thread)
    public static class Churn implements TimerOwner {
        @Param({"1000", "100000"})
        int connections;

        TimingWheel wheel;
        TimerEntry[] entries;
        final long[] delays = new long[DELAYS];
        long now;
        int next;

        @Setup
        public void fill() {
            wheel = new TimingWheel(Ticker.newMockTicker());
            SplittableRandom random = new SplittableRandom(connections);
            for (int i = 0; i < DELAYS; i++) {
                delays[i] = 20 * MS + random.nextLong(1200 * MS);
            }
            entries = new TimerEntry[connections];
            for (int i = 0; i < connections; i++) {
                entries[i] = new TimerEntry(this, i);
                wheel.arm(entries[i], delays[i & (DELAYS - 1)]);
            }
        }

        @Override
        public void timerExpired(int kind, long nowNanos) {
            wheel.arm(entries[kind], nowNanos + delays[next++ & (DELAYS - 1)]);
        }
    }

    /** One tick with timers due: about connections / 600 of them expire and re-arm per tick. */
    @Benchmark
    public int expireBusyTick(Churn state) {
        state.now += MS;
        return state.wheel.expire(state.now);
    }
}
