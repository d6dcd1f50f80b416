package io.usertcp.transport.loop;

import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.timer.DrivenTimers;
import io.usertcp.timer.TimerEntry;
import io.usertcp.timer.TimingWheel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timer hook: the {@link DrivenTimers} added to a loop bound its wait and are expired every iteration. The
 * idle loop otherwise sleeps a full second, so a timer that fires within a few hundred milliseconds proves the
 * bound.
 */
class LoopDrivesTimersTest {
    private static final long PROMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void timerDeadlineBoundsTheWait() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            long delay = TimeUnit.MILLISECONDS.toNanos(50);
            long start = System.nanoTime();
            DeadlineTimer timer = new DeadlineTimer(running.loop.ticker().nanoTime() + delay);
            running.onLoop(() -> {
                running.handler.addTimers(timer);
                return null;
            });
            long firedAt = timer.fired.get(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(firedAt - start >= delay, "expired early");
            assertTrue(firedAt - start < delay + PROMPT_NANOS, "slept past the timer: " + (firedAt - start) / 1000 + " us");
        }
    }

    @Test
    void timersAreExpiredOnEveryIteration() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            AtomicInteger expireCalls = new AtomicInteger();
            DrivenTimers counting = new DrivenTimers() {
                @Override
                public long nextExpiryDelayNanos(long nowNanos) {
                    return -1;
                }

                @Override
                public int expire(long nowNanos) {
                    expireCalls.incrementAndGet();
                    return 0;
                }
            };
            running.onLoop(() -> {
                running.handler.addTimers(counting);
                return null;
            });
            int before = expireCalls.get();
            for (int i = 0; i < 10; i++) {
                running.awaitBlocked();
                running.onLoop(() -> null);
            }
            assertTrue(expireCalls.get() - before >= 10, "expire ran " + (expireCalls.get() - before) + " times in 10 wakeups");
        }
    }

    @Test
    void removedTimersAreNoLongerDriven() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            DeadlineTimer timer = new DeadlineTimer(running.loop.ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
            assertTrue(running.onLoop(() -> {
                running.handler.addTimers(timer);
                return running.handler.removeTimers(timer);
            }));
            assertFalse(running.onLoop(() -> running.handler.removeTimers(timer)));
            Thread.sleep(150);
            running.onLoop(() -> null);
            assertFalse(timer.fired.isDone());
        }
    }

    @Test
    void timersAreAddedOnLoopThreadOnly() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            DeadlineTimer timer = new DeadlineTimer(0);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> running.handler.addTimers(timer));
            assertTrue(error.getMessage().contains("event loop thread"), error.getMessage());
        }
    }

    @Test
    void timingWheelTimerFiresOnLoopThread() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            CompletableFuture<Thread> firedOn = new CompletableFuture<>();
            AtomicLong firedAtNanos = new AtomicLong();
            long delay = TimeUnit.MILLISECONDS.toNanos(30);
            long start = System.nanoTime();
            running.onLoop(() -> {
                TimingWheel wheel = new TimingWheel(running.loop.ticker());
                TimerEntry entry = new TimerEntry((kind, nowNanos) -> {
                    firedAtNanos.set(System.nanoTime());
                    firedOn.complete(Thread.currentThread());
                }, 7);
                wheel.armAfter(entry, delay);
                running.handler.addTimers(wheel);
                return null;
            });
            assertSame(running.thread, firedOn.get(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS));
            long elapsed = firedAtNanos.get() - start;
            assertTrue(elapsed >= delay, "fired early: " + elapsed / 1000 + " us");
            assertTrue(elapsed < delay + PROMPT_NANOS, "fired late: " + elapsed / 1000 + " us");
        }
    }

    @Test
    void timersSeeTheLoopsTicker() throws Exception {
        MockTicker ticker = Ticker.newMockTicker();
        AtomicReference<UserTcpIoHandler> handler = new AtomicReference<>();
        ManualIoEventLoop loop = new ManualIoEventLoop(null, Thread.currentThread(), executor -> {
            UserTcpIoHandler created = (UserTcpIoHandler) UserTcpIoHandler.newFactory().newHandler(executor);
            handler.set(created);
            return created;
        }, ticker);
        try {
            loop.runNow();
            List<Long> expiredAt = new ArrayList<>();
            handler.get().addTimers(new DrivenTimers() {
                @Override
                public long nextExpiryDelayNanos(long nowNanos) {
                    return -1;
                }

                @Override
                public int expire(long nowNanos) {
                    expiredAt.add(nowNanos);
                    return 0;
                }
            });
            ticker.advance(5, TimeUnit.SECONDS);
            loop.runNow();
            assertEquals(List.of(ticker.nanoTime()), expiredAt, "virtual time, so TCP timers can be tested on it");
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + RunningLoop.BOUND.toNanos();
            while (!loop.isTerminated() && System.nanoTime() < deadline) {
                ticker.advance(1, TimeUnit.MILLISECONDS); // the shutdown's quiet period passes on the mock clock
                loop.runNow();
            }
        }
        assertTrue(loop.isTerminated());
    }

    /** One timer at a deadline in loop ticker time; completes {@link #fired} with the System.nanoTime() it ran at. */
    private static final class DeadlineTimer implements DrivenTimers {
        final CompletableFuture<Long> fired = new CompletableFuture<>();
        private final long deadline;

        DeadlineTimer(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public long nextExpiryDelayNanos(long nowNanos) {
            return fired.isDone() ? -1 : Math.max(0, deadline - nowNanos);
        }

        @Override
        public int expire(long nowNanos) {
            if (!fired.isDone() && nowNanos - deadline >= 0) {
                fired.complete(System.nanoTime());
                return 1;
            }
            return 0;
        }
    }
}
