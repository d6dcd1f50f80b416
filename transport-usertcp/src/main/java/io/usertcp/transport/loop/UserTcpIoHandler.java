package io.usertcp.transport.loop;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.usertcp.timer.DrivenTimers;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.tap.TapDevice;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The I/O half of one usertcp event loop: waits with epoll on the descriptors of its {@link UserTcpIoHandle}s
 * (TAP queues) and an eventfd that other threads write to wake it, hands readiness to the handles, and drives
 * the {@link DrivenTimers} added to it. Give {@link #newFactory()} to a {@code MultiThreadIoEventLoopGroup}; each
 * loop thread gets its own handler.
 *
 * <h2>The fast path: a group that runs its stack</h2>
 * A group made with {@link #newFactory(UserTcpConfig)} runs the stack of that config itself:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory(
 *         UserTcpConfig.builder("tap0", "198.18.0.2/24").build()));
 * new ServerBootstrap().group(group).channel(UserTcpServerSocketChannel.class)...bind(8080);
 * ...
 * group.shutdownGracefully();
 * }</pre>
 * The first channel of the group that binds or connects opens the device and starts the stack on the group's
 * first loop, on that loop's thread: a device that cannot be opened fails that bind or connect with the
 * {@link io.usertcp.transport.tap.TapDeviceException}, and the loop goes on. Channels on the stack's loop call
 * their connections directly, with no hand-off between threads. With one loop that is every channel, the
 * accepted ones included ({@code ServerBootstrap} registers each child with {@code childGroup.next()}, which a
 * one-loop group answers with its loop). With more loops, the first still owns the one device and stack (a TAP
 * queue per loop is for later) and channels on the others work through the same hand-off as channels on NIO
 * loops: the group works at any size, as a default-sized group is what users create first, but only one loop
 * carries I/O, so use one.
 *
 * <p>{@code shutdownGracefully()} closes every channel over the stack, so each connection ends with a FIN after
 * its queued data (unread received data still makes it a RST, RFC 2525 2.17, as on Linux); the loop runs the
 * close handshakes for as long as they make progress within the quiet period, up to the timeout, then closes
 * the device ({@link ShutdownParticipant}).
 *
 * <p>One {@link #run} is one loop iteration: wait (bounded by the next scheduled task and the next timer of
 * every {@link DrivenTimers}; no wait at all while tasks are pending), dispatch each ready handle once (a TAP
 * channel reads its batch of frames and fires one channelReadComplete), then expire due timers. Nothing on this
 * path allocates.
 *
 * <h2>Why epoll through jnr-ffi, not Netty's native epoll</h2>
 * Measured on this project's x86_64 build host (Linux 6.18, JDK 17, 2 vCPUs, 3 rounds each): an idle
 * {@code epoll_wait(0)} costs 222-304 ns through jnr-ffi and 222-241 ns through Netty's JNI; an eventfd
 * write + epoll_wait + read cycle 1.34-1.56 s per million through jnr-ffi and 1.36-1.39 s through Netty;
 * cross-thread wakeup latency has a median of 4-9 us for both; receiving a UDP flood from the kernel through
 * a TAP (300,000 frames, epoll-driven read batches) ran at 224-280k frames/s through jnr-ffi and
 * 150-285k frames/s through Netty, both limited by the sender. The system call dominates; the binding does
 * not show. What decides: Netty's public native API cannot run an epoll loop of our own
 * ({@code EpollEventArray} and the millisecond {@code epoll_wait} are package-private), so using it means
 * wrapping Netty's whole {@code EpollIoHandler} and reaching the timer hook only through a rewritten
 * {@code IoHandlerContext}; and it adds a per-platform native jar to every user's classpath. jnr-ffi is already
 * how the TAP device is driven, and keeps this loop, its batching and its wakeup accounting in our hands.
 * With this loop under the whole stack, a kernel ping flood through the TAP ({@code ping -f -c 50000}, one echo
 * in flight) runs at 46-47k echoes/s, 93-95k frames/s, 12-14 us average round trip.
 *
 * <h2>Waking up</h2>
 * {@link #wakeup()} writes the eventfd only when the loop is (about to be) blocked in epoll_wait, only from
 * another thread, and only once per wait: the first waker flips the state from waiting to awake with a CAS,
 * later wakers see awake and return. The loop announces that it will wait before it checks for pending tasks,
 * so a task queued between the check and the wait still wakes it.
 *
 * <h2>Timers</h2>
 * {@code epoll_wait} takes milliseconds: a wait is rounded up, so scheduled tasks and timers run at most one
 * millisecond late and the loop never spins awake ahead of a deadline. That matches the TCP timing wheel's
 * 1 ms tick.
 */
public final class UserTcpIoHandler implements IoHandler {
    /** Readiness events taken per epoll_wait; more ready handles are picked up by the next iteration. */
    public static final int DEFAULT_MAX_EVENTS = 64;

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(UserTcpIoHandler.class);
    /** epoll_data of the eventfd; registrations use (generation << 32 | slot) with a non-negative generation. */
    private static final long WAKEUP_TOKEN = -1L;
    private static final int AWAKE = 0;
    private static final int WAITING = 1;
    private static final int EVENTFD_COUNTER_SIZE = 8;
    private static final DrivenTimers[] NO_TIMERS = new DrivenTimers[0];
    private static final ShutdownParticipant[] NO_PARTICIPANTS = new ShutdownParticipant[0];
    private static final Runnable ACTIVITY = () -> { };

    private final ThreadAwareExecutor executor;
    /** The loop's clock, taken in {@link #initialize()}: ManualIoEventLoop sets its ticker after making us. */
    private Ticker ticker;
    private final int epollFd;
    private final int eventFd;
    private final EventArray events;
    /** One epoll_event for epoll_ctl, used on the loop thread only. */
    private final EventArray control = new EventArray(1);
    /** Holds 1, the value every wakeup adds to the eventfd counter; only ever read, so shared by all wakers. */
    private final Pointer wakeupValue;
    /** Where the loop reads the eventfd counter to reset it. */
    private final Pointer drainedValue;
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private final AtomicLong wakeupsSignalled = new AtomicLong();
    /** Guards the eventfd against {@link #destroy} closing it while a waker writes to it. */
    private final Object eventFdLock = new Object();
    private boolean eventFdClosed;

    private Registration[] registrations = new Registration[4];
    private int[] generations = new int[4];
    private DrivenTimers[] timers = NO_TIMERS;
    private ShutdownParticipant[] participants = NO_PARTICIPANTS;
    /** What the last {@link #run} handled: ready handles plus expired timers. */
    private int lastHandled;
    private boolean shutdownSeen;

    private UserTcpIoHandler(ThreadAwareExecutor executor, int maxEvents) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.events = new EventArray(maxEvents);
        this.wakeupValue = EpollCalls.RUNTIME.getMemoryManager().allocateDirect(EVENTFD_COUNTER_SIZE, true);
        this.wakeupValue.putLong(0, 1L);
        this.drainedValue = EpollCalls.RUNTIME.getMemoryManager().allocateDirect(EVENTFD_COUNTER_SIZE, true);
        this.epollFd = EpollCalls.CALLS.epoll_create1(EpollCalls.EPOLL_CLOEXEC);
        if (epollFd < 0) {
            throw new IllegalStateException(EpollCalls.failure("epoll_create1", EpollCalls.errno()));
        }
        this.eventFd = EpollCalls.CALLS.eventfd(0, EpollCalls.EFD_CLOEXEC | EpollCalls.EFD_NONBLOCK);
        if (eventFd < 0) {
            int errno = EpollCalls.errno();
            EpollCalls.CALLS.close(epollFd);
            throw new IllegalStateException(EpollCalls.failure("eventfd", errno));
        }
        // Level-triggered: the loop reads the counter back to zero, so a wakeup is never lost or repeated.
        if (control(EpollCalls.EPOLL_CTL_ADD, eventFd, EpollCalls.EPOLLIN, WAKEUP_TOKEN) < 0) {
            int errno = EpollCalls.errno();
            EpollCalls.CALLS.close(eventFd);
            EpollCalls.CALLS.close(epollFd);
            throw new IllegalStateException(EpollCalls.failure("epoll_ctl(ADD eventfd)", errno));
        }
    }

    /** Handlers taking up to {@value #DEFAULT_MAX_EVENTS} readiness events per wait. */
    public static IoHandlerFactory newFactory() {
        return newFactory(DEFAULT_MAX_EVENTS);
    }

    /**
     * Handlers whose group runs the stack {@code config} describes, on the device it names (see the class
     * comment): {@code new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory(config))}.
     */
    public static IoHandlerFactory newFactory(UserTcpConfig config) {
        return UserTcpStacks.ioHandlerFactory(config, null);
    }

    /**
     * As {@link #newFactory(UserTcpConfig)}, on a device opened already (by a process that then dropped its
     * privileges, or whose kernel side was moved to another network namespace); the group's stack owns it and
     * closes it when the group shuts down.
     */
    public static IoHandlerFactory newFactory(UserTcpConfig config, TapDevice device) {
        return UserTcpStacks.ioHandlerFactory(config, Objects.requireNonNull(device, "device"));
    }

    /** Handlers taking up to {@code maxEvents} readiness events per wait (at least 1). */
    public static IoHandlerFactory newFactory(int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        return executor -> new UserTcpIoHandler(executor, maxEvents);
    }

    /** Called on the loop thread before the first {@link #run}. */
    @Override
    public void initialize() {
        Ticker loopTicker = executor instanceof EventExecutorGroup ? ((EventExecutorGroup) executor).ticker() : null;
        ticker = loopTicker != null ? loopTicker : Ticker.systemTicker();
    }

    @Override
    public int run(IoHandlerContext context) {
        int timeoutMillis = 0;
        if (context.canBlock()) {
            wakeState.set(WAITING);
            // Checked again after announcing the wait: a task queued before the announcement saw AWAKE and did
            // not write the eventfd, so it must be seen here.
            if (context.canBlock()) {
                long now = ticker.nanoTime();
                // Netty's executors take System.nanoTime()-style time here: the ticker's time plus its origin.
                timeoutMillis = waitMillis(context.delayNanos(ticker.initialNanoTime() + now), now);
            }
        }
        int ready = EpollCalls.CALLS.epoll_wait(epollFd, events.address(), events.capacity(), timeoutMillis);
        wakeState.set(AWAKE);
        if (ready < 0) {
            int errno = EpollCalls.errno();
            if (errno != EpollCalls.EINTR) {
                throw new IllegalStateException(EpollCalls.failure("epoll_wait", errno));
            }
            ready = 0;
        }
        boolean report = context.shouldReportActiveIoTime();
        long start = report ? ticker.nanoTime() : 0;
        int handled = dispatch(ready) + expireTimers(ticker.nanoTime());
        if (report) {
            context.reportActiveIoTime(ticker.nanoTime() - start);
        }
        lastHandled = handled;
        return handled;
    }

    /** Wait bound from the next scheduled task and the next timer, rounded up to whole milliseconds; -1 for none. */
    private int waitMillis(long taskDelayNanos, long nowNanos) {
        long delay = taskDelayNanos;
        for (DrivenTimers timer : timers) {
            long timerDelay = timer.nextExpiryDelayNanos(nowNanos);
            if (timerDelay >= 0 && timerDelay < delay) {
                delay = timerDelay;
            }
        }
        return millisFor(delay);
    }

    /** epoll_wait's timeout for a delay: 0 for none, whole milliseconds rounded up, -1 (forever) past int range. */
    static int millisFor(long delayNanos) {
        if (delayNanos <= 0) {
            return 0;
        }
        long millis = (delayNanos - 1) / 1_000_000 + 1;
        return millis > Integer.MAX_VALUE ? -1 : (int) millis;
    }

    private int dispatch(int ready) {
        int handled = 0;
        for (int i = 0; i < ready; i++) {
            long data = events.data(i);
            if (data == WAKEUP_TOKEN) {
                // Resets the counter to zero; EAGAIN (already zero) is harmless.
                EpollCalls.CALLS.read(eventFd, drainedValue.address(), EVENTFD_COUNTER_SIZE);
                continue;
            }
            int slot = (int) data;
            Registration registration = slot < registrations.length ? registrations[slot] : null;
            // A handle cancelled earlier in this batch may have left events for its slot; the generation tells.
            if (registration == null || registration.generation != (int) (data >>> 32) || !registration.isValid()) {
                continue;
            }
            handled++;
            try {
                registration.handle.handle(registration, UserTcpIoEvent.of(events.events(i)));
            } catch (RuntimeException e) {
                LOGGER.warn("{} threw while handling readiness; the loop goes on", registration.handle, e);
            }
        }
        return handled;
    }

    private int expireTimers(long now) {
        int ran = 0;
        for (DrivenTimers timer : timers) {
            ran += timer.expire(now);
        }
        return ran;
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread())
                && wakeState.get() == WAITING && wakeState.compareAndSet(WAITING, AWAKE)) {
            synchronized (eventFdLock) {
                if (!eventFdClosed) {
                    EpollCalls.CALLS.write(eventFd, wakeupValue.address(), EVENTFD_COUNTER_SIZE);
                    wakeupsSignalled.incrementAndGet();
                }
            }
        }
    }

    /** How many times {@link #wakeup()} has written the eventfd: at most once per wait of the loop. */
    public long wakeupsSignalled() {
        return wakeupsSignalled.get();
    }

    /**
     * Drives {@code timers} from this loop from now on: they bound each wait and are expired every iteration.
     * Call on the loop thread, e.g. from a handler on a channel registered here.
     */
    public void addTimers(DrivenTimers timers) {
        Objects.requireNonNull(timers, "timers");
        checkInLoop("addTimers");
        DrivenTimers[] grown = Arrays.copyOf(this.timers, this.timers.length + 1);
        grown[grown.length - 1] = timers;
        this.timers = grown;
    }

    /** Stops driving {@code timers}; returns whether they were added. Call on the loop thread. */
    public boolean removeTimers(DrivenTimers timers) {
        checkInLoop("removeTimers");
        DrivenTimers[] current = this.timers;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == timers) {
                DrivenTimers[] shrunk = new DrivenTimers[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                this.timers = shrunk;
                return true;
            }
        }
        return false;
    }

    /**
     * Winds {@code participant} down with this loop: {@link ShutdownParticipant#closeGracefully} on every
     * iteration of a graceful shutdown, {@link ShutdownParticipant#closeNow} when the loop ends. Call on the loop
     * thread.
     */
    public void addShutdownParticipant(ShutdownParticipant participant) {
        Objects.requireNonNull(participant, "participant");
        checkInLoop("addShutdownParticipant");
        ShutdownParticipant[] grown = Arrays.copyOf(participants, participants.length + 1);
        grown[grown.length - 1] = participant;
        participants = grown;
    }

    /** Stops winding {@code participant} down with this loop; returns whether it was added. Call on the loop thread. */
    public boolean removeShutdownParticipant(ShutdownParticipant participant) {
        checkInLoop("removeShutdownParticipant");
        ShutdownParticipant[] current = participants;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == participant) {
                ShutdownParticipant[] shrunk = new ShutdownParticipant[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                participants = shrunk;
                return true;
            }
        }
        return false;
    }

    @Override
    public IoRegistration register(IoHandle handle) throws IOException {
        UserTcpIoHandle userTcpHandle = cast(handle);
        int fd = userTcpHandle.fd();
        if (fd < 0) {
            throw new IOException("cannot register " + handle + ": its descriptor is closed");
        }
        int slot = freeSlot();
        Registration registration = new Registration(userTcpHandle, slot, generations[slot]);
        if (control(EpollCalls.EPOLL_CTL_ADD, fd, 0, registration.token()) < 0) {
            throw EpollCalls.failure("epoll_ctl(ADD fd " + fd + ")", EpollCalls.errno());
        }
        registrations[slot] = registration;
        userTcpHandle.registered();
        return registration;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return UserTcpIoHandle.class.isAssignableFrom(handleType);
    }

    /**
     * Called on every iteration while the loop shuts down. The shutdown participants close gracefully first (a
     * stack sends its FINs through its device), so the handles close only once none is closing any more. While
     * one is, each iteration that handled I/O or timers queues a task: Netty counts it as activity, so the quiet
     * period restarts and the loop keeps running the close handshakes, up to the shutdown timeout. An idle
     * iteration queues nothing, so a peer that never answers holds the loop no longer than the quiet period.
     */
    @Override
    public void prepareToDestroy() {
        boolean closing = false;
        for (ShutdownParticipant participant : participants) {
            closing |= participant.closeGracefully();
        }
        if (!closing) {
            closeRegisteredHandles();
        } else if (!shutdownSeen || lastHandled > 0) {
            executor.execute(ACTIVITY);
        }
        shutdownSeen = true;
    }

    /**
     * Ends the shutdown participants, closes what is still registered, then the eventfd and the epoll descriptor.
     * Netty skips {@link #prepareToDestroy} when the shutdown request lands while the loop runs tasks (and a
     * shutdown with no quiet period ends after one iteration), so participants end and handles close here too.
     */
    @Override
    public void destroy() {
        for (ShutdownParticipant participant : participants.clone()) {
            try {
                participant.closeNow();
            } catch (RuntimeException e) {
                LOGGER.warn("{} failed to close as its loop ended", participant, e);
            }
        }
        closeRegisteredHandles();
        synchronized (eventFdLock) {
            if (eventFdClosed) {
                return;
            }
            eventFdClosed = true;
            EpollCalls.CALLS.close(eventFd);
        }
        EpollCalls.CALLS.close(epollFd);
    }

    private void closeRegisteredHandles() {
        for (Registration registration : registrations.clone()) {
            if (registration != null) {
                registration.cancel();
                try {
                    registration.handle.close();
                } catch (Exception e) {
                    LOGGER.debug("closing {} on shutdown failed", registration.handle, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "UserTcpIoHandler{epoll fd " + epollFd + ", " + timers.length + " timer sources}";
    }

    private static UserTcpIoHandle cast(IoHandle handle) {
        if (handle instanceof UserTcpIoHandle) {
            return (UserTcpIoHandle) handle;
        }
        throw new IllegalArgumentException("IoHandle of type " + handle.getClass().getName()
                + " is not supported by UserTcpIoHandler, which takes " + UserTcpIoHandle.class.getName());
    }

    private int control(int operation, int fd, int epollEvents, long data) {
        control.set(0, epollEvents, data);
        return EpollCalls.CALLS.epoll_ctl(epollFd, operation, fd, control.addressOf(0));
    }

    private int freeSlot() {
        for (int slot = 0; slot < registrations.length; slot++) {
            if (registrations[slot] == null) {
                return slot;
            }
        }
        int slot = registrations.length;
        registrations = Arrays.copyOf(registrations, slot * 2);
        generations = Arrays.copyOf(generations, slot * 2);
        return slot;
    }

    private void release(Registration registration) {
        int slot = registration.slot;
        if (registrations[slot] == registration) {
            registrations[slot] = null;
            generations[slot] = (generations[slot] + 1) & Integer.MAX_VALUE;
        }
    }

    private void checkInLoop(String method) {
        if (!executor.isExecutorThread(Thread.currentThread())) {
            throw new IllegalStateException(method + " must be called on the event loop thread, not "
                    + Thread.currentThread().getName());
        }
    }

    /** One handle on this loop; its attachment is the handler, so a handle can reach {@link #addTimers}. */
    private final class Registration implements IoRegistration {
        final UserTcpIoHandle handle;
        final int slot;
        final int generation;
        private final AtomicBoolean cancelled = new AtomicBoolean();

        Registration(UserTcpIoHandle handle, int slot, int generation) {
            this.handle = handle;
            this.slot = slot;
            this.generation = generation;
        }

        long token() {
            return ((long) generation << 32) | slot;
        }

        @SuppressWarnings("unchecked")
        @Override
        public <T> T attachment() {
            return (T) UserTcpIoHandler.this;
        }

        /**
         * Replaces the interest set with {@code ops}, a {@link UserTcpIoOps}; on the loop thread only. Returns
         * the epoll event bits now waited for, or -1 once cancelled.
         */
        @Override
        public long submit(IoOps ops) {
            if (!(ops instanceof UserTcpIoOps)) {
                throw new IllegalArgumentException("IoOps of type " + ops.getClass().getName()
                        + " is not supported by UserTcpIoHandler, which takes " + UserTcpIoOps.class.getName());
            }
            checkInLoop("submit");
            int fd = handle.fd();
            if (!isValid() || fd < 0) {
                return -1;
            }
            int epollEvents = ((UserTcpIoOps) ops).epollEvents();
            if (control(EpollCalls.EPOLL_CTL_MOD, fd, epollEvents, token()) < 0) {
                throw new UncheckedIOException(EpollCalls.failure("epoll_ctl(MOD fd " + fd + ")", EpollCalls.errno()));
            }
            return epollEvents;
        }

        @Override
        public boolean isValid() {
            return !cancelled.get();
        }

        @Override
        public boolean cancel() {
            if (!cancelled.compareAndSet(false, true)) {
                return false;
            }
            int fd = handle.fd();
            // A closed descriptor has left the epoll set by itself; DEL ignores the event argument (Linux 2.6.9+).
            if (fd >= 0 && EpollCalls.CALLS.epoll_ctl(epollFd, EpollCalls.EPOLL_CTL_DEL, fd, 0) < 0) {
                int errno = EpollCalls.errno();
                if (errno != EpollCalls.ENOENT && errno != EpollCalls.EBADF) {
                    LOGGER.debug("epoll_ctl(DEL fd {}) failed with errno {}", fd, errno);
                }
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                release(this);
            } else {
                try {
                    executor.execute(() -> release(this));
                } catch (RejectedExecutionException shutDown) {
                    // the loop is gone, and its slots with it
                }
            }
            handle.unregistered();
            return true;
        }

        @Override
        public String toString() {
            return "UserTcpIoHandler.Registration{" + handle + (isValid() ? "" : ", cancelled") + '}';
        }
    }
}
