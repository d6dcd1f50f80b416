package io.usertcp.transport.loop;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import jnr.ffi.Pointer;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link UserTcpIoHandle} on an eventfd of its own, which a test makes readable with {@link #signal()}. It
 * records every event it is handed and reads the counter back to zero, so a readable event is not repeated.
 */
final class EventFdHandle implements UserTcpIoHandle {
    final BlockingQueue<UserTcpIoEvent> events = new LinkedBlockingQueue<>();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger registeredCalls = new AtomicInteger();
    final AtomicInteger unregisteredCalls = new AtomicInteger();
    private final Pointer counter = EpollCalls.RUNTIME.getMemoryManager().allocateDirect(8, true);
    private volatile int fd;

    EventFdHandle() {
        fd = EpollCalls.CALLS.eventfd(0, EpollCalls.EFD_CLOEXEC | EpollCalls.EFD_NONBLOCK);
        if (fd < 0) {
            throw new IllegalStateException(EpollCalls.failure("eventfd", EpollCalls.errno()));
        }
    }

    /** Adds 1 to the counter: the descriptor becomes readable. Any thread. */
    void signal() {
        Pointer one = EpollCalls.RUNTIME.getMemoryManager().allocateDirect(8, true);
        one.putLong(0, 1);
        if (EpollCalls.CALLS.write(fd, one.address(), 8) != 8) {
            throw new IllegalStateException(EpollCalls.failure("eventfd write", EpollCalls.errno()));
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        events.add((UserTcpIoEvent) event);
        EpollCalls.CALLS.read(fd, counter.address(), 8);
    }

    @Override
    public void registered() {
        registeredCalls.incrementAndGet();
    }

    @Override
    public void unregistered() {
        unregisteredCalls.incrementAndGet();
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        int open = fd;
        if (open >= 0) {
            fd = -1;
            EpollCalls.CALLS.close(open);
        }
    }
}
