package io.usertcp.transport.loop;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.usertcp.timer.DrivenTimers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler as Netty's loop drives it: waking, running tasks and scheduled tasks, shutting down. An idle loop
 * with nothing scheduled waits one second (Netty's purge interval), so anything that happens well within that
 * second happened because the handler woke or timed its wait, not by chance.
 */
class UserTcpIoHandlerTest {
    /** Well below the idle loop's one-second wait, well above scheduling noise on a busy build host. */
    private static final long PROMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void taskFromAnotherThreadWakesBlockedLoopPromptly() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            running.awaitBlocked();
            long signalledBefore = running.handler.wakeupsSignalled();
            CountDownLatch ran = new CountDownLatch(1);
            long start = System.nanoTime();
            running.loop.execute(ran::countDown);
            assertTrue(ran.await(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS), "task never ran");
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed < PROMPT_NANOS, "woke after " + elapsed / 1000 + " us");
            assertEquals(signalledBefore + 1, running.handler.wakeupsSignalled());
        }
    }

    @Test
    void wakeupFromLoopThreadWritesNothing() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            AtomicLong signalledDuringOwnWakeup = new AtomicLong(-1);
            // nextExpiryDelayNanos runs on the loop thread after it announced its wait, the one moment a wakeup
            // from elsewhere would write the eventfd.
            DrivenTimers callsWakeup = new DrivenTimers() {
                @Override
                public long nextExpiryDelayNanos(long nowNanos) {
                    long before = running.handler.wakeupsSignalled();
                    running.handler.wakeup();
                    signalledDuringOwnWakeup.compareAndSet(-1, running.handler.wakeupsSignalled() - before);
                    return -1;
                }

                @Override
                public int expire(long nowNanos) {
                    return 0;
                }
            };
            running.onLoop(() -> {
                running.handler.addTimers(callsWakeup);
                return null;
            });
            running.awaitBlocked();
            assertEquals(0, signalledDuringOwnWakeup.get());
        }
    }

    @Test
    void wakeupsWhileLoopIsAwakeWriteNothing() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            running.awaitBlocked();
            long signalledBefore = running.handler.wakeupsSignalled();
            running.loop.execute(() -> {
                holding.countDown();
                awaitQuietly(release);
            });
            assertTrue(holding.await(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS));
            List<Thread> wakers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread waker = new Thread(() -> {
                    for (int n = 0; n < 1000; n++) {
                        running.handler.wakeup();
                    }
                });
                waker.start();
                wakers.add(waker);
            }
            for (Thread waker : wakers) {
                waker.join(RunningLoop.BOUND.toMillis());
            }
            long signalled = running.handler.wakeupsSignalled() - signalledBefore;
            release.countDown();
            assertEquals(1, signalled, "only the wakeup that ended the wait writes the eventfd");
        }
    }

    @Test
    void scheduledTaskRunsAtItsDeadline() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            running.awaitBlocked();
            long delay = TimeUnit.MILLISECONDS.toNanos(100);
            long start = System.nanoTime();
            ScheduledFuture<Long> ranAt = running.loop.schedule(System::nanoTime, delay, TimeUnit.NANOSECONDS);
            long elapsed = ranAt.get(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS) - start;
            assertTrue(elapsed >= delay, "ran early, after " + elapsed / 1000 + " us");
            assertTrue(elapsed < delay + PROMPT_NANOS, "ran late, after " + elapsed / 1000 + " us");
        }
    }

    @Test
    void tasksRunInSubmissionOrderOnLoopThread() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            List<Integer> order = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int task = i;
                running.loop.execute(() -> {
                    order.add(task);
                    threads.add(Thread.currentThread());
                });
            }
            running.onLoop(() -> null);
            for (int i = 0; i < 100; i++) {
                assertEquals(i, order.get(i));
                assertSame(running.thread, threads.get(i));
            }
        }
    }

    @Test
    void shutdownStopsLoopThreadPromptly() throws Exception {
        RunningLoop running = new RunningLoop();
        running.awaitBlocked();
        long start = System.nanoTime();
        running.close();
        assertTrue(System.nanoTime() - start < PROMPT_NANOS, "shutdown waited out the idle wait");
        running.thread.join(RunningLoop.BOUND.toMillis());
        assertFalse(running.thread.isAlive());
    }

    @Test
    void shutdownClosesRegisteredHandles() throws Exception {
        EventFdHandle handle = new EventFdHandle();
        RunningLoop running = new RunningLoop();
        running.loop.register(handle).get(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
        running.close();
        assertEquals(1, handle.closes.get());
        assertEquals(1, handle.unregisteredCalls.get());
    }

    @Test
    void eachLoopOfGroupHasItsOwnHandler() throws Exception {
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, UserTcpIoHandler.newFactory());
        try {
            assertTrue(group.next().isIoType(UserTcpIoHandler.class));
            assertTrue(group.next().isCompatible(EventFdHandle.class));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(RunningLoop.BOUND.toMillis());
        }
    }

    @Test
    void waitIsRoundedUpToWholeMilliseconds() {
        assertEquals(0, UserTcpIoHandler.millisFor(0));
        assertEquals(0, UserTcpIoHandler.millisFor(-5));
        assertEquals(1, UserTcpIoHandler.millisFor(1));
        assertEquals(1, UserTcpIoHandler.millisFor(1_000_000));
        assertEquals(2, UserTcpIoHandler.millisFor(1_000_001));
        assertEquals(-1, UserTcpIoHandler.millisFor(Long.MAX_VALUE), "beyond int milliseconds waits for ever");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
