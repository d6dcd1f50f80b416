package io.usertcp.transport.loop;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** A one-thread usertcp event loop group, with its handler and thread at hand; closing shuts it down and waits. */
final class RunningLoop implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(5);

    final MultiThreadIoEventLoopGroup group;
    final IoEventLoop loop;
    final UserTcpIoHandler handler;
    final Thread thread;

    RunningLoop() throws Exception {
        AtomicReference<UserTcpIoHandler> created = new AtomicReference<>();
        IoHandlerFactory factory = executor -> {
            UserTcpIoHandler handler = (UserTcpIoHandler) UserTcpIoHandler.newFactory().newHandler(executor);
            created.set(handler);
            return handler;
        };
        group = new MultiThreadIoEventLoopGroup(1, factory);
        loop = (IoEventLoop) group.next();
        handler = created.get();
        thread = onLoop(Thread::currentThread);
    }

    /** Runs {@code task} on the loop and returns its result, waiting at most {@link #BOUND}. */
    <T> T onLoop(Callable<T> task) throws InterruptedException, ExecutionException, TimeoutException {
        return loop.submit(task).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the loop thread sits in epoll_wait under {@link UserTcpIoHandler#run}, idle, seen twice 10 ms
     * apart so a passing non-blocking poll does not count.
     */
    void awaitBlocked() throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        int seen = 0;
        while (seen < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("loop thread never blocked in epoll_wait");
            }
            Thread.sleep(10);
            seen = isInEpollWait() ? seen + 1 : 0;
        }
    }

    private boolean isInEpollWait() {
        StackTraceElement[] stack = thread.getStackTrace();
        if (stack.length == 0 || !stack[0].isNativeMethod()) {
            return false;
        }
        boolean waiting = false;
        for (StackTraceElement frame : stack) {
            waiting |= frame.getMethodName().equals("epoll_wait");
            if (frame.getMethodName().equals("run") && frame.getClassName().equals(UserTcpIoHandler.class.getName())) {
                return waiting;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        if (!group.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("event loop group did not terminate within " + BOUND);
        }
    }
}
