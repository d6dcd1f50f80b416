package io.usertcp.transport.device;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.handler.TcpHandlers;
import io.usertcp.timer.DrivenTimers;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * A running user-space stack: a TAP device, the {@link TapDeviceChannel} over it with the {@link StackPipeline}
 * and the TCP handlers ({@link TcpHandlers}) installed, registered on a usertcp event loop, and the
 * {@link TcpEngine} of that loop, whose timing wheel the loop drives ({@link UserTcpIoHandler#addTimers}). Once
 * started it answers ARP and ping for its address and takes TCP connections and listeners through
 * {@link #engine()}, on its loop ({@link #loop()}); it sends a gratuitous ARP as it starts. {@link #close()} stops
 * it and closes the device.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
 * StackConfig config = StackConfig.builder(Ipv4Address.parse("198.18.0.2"), 24,
 *         MacAddress.parse("02:00:c6:12:00:02")).build();
 * try (UserTcpStack stack = UserTcpStack.open("tap0", config, group.next())) {
 *     ...
 * }
 * }</pre>
 */
public final class UserTcpStack implements AutoCloseable {
    private final TapDeviceChannel channel;
    private final StackPipeline stack;
    private final TcpEngine engine;
    private final DrivenTimers timers;

    private UserTcpStack(TapDeviceChannel channel, StackPipeline stack, TcpEngine engine) {
        this.channel = channel;
        this.stack = stack;
        this.engine = engine;
        this.timers = new EngineTimers(engine);
    }

    /**
     * Attaches to the TAP device {@code deviceName} (created if there is none, empty for a kernel-chosen name)
     * and starts the stack on it; see {@link #start}.
     *
     * @throws TapDeviceException if the device cannot be opened; the message says why and what to do
     */
    public static UserTcpStack open(String deviceName, StackConfig config, EventLoop loop) throws TapDeviceException {
        return open(deviceName, config, tcpDefaults(config), loop);
    }

    /** As {@link #open(String, StackConfig, EventLoop)}, with TCP settings of the caller's. */
    public static UserTcpStack open(String deviceName, StackConfig config, TcpStackConfig tcpConfig, EventLoop loop)
            throws TapDeviceException {
        checkLoop(loop);
        return start(TapDevice.open(deviceName), config, tcpConfig, loop);
    }

    /** TCP defaults ({@link TcpStackConfig#defaults()}) on the link MTU of {@code config}. */
    public static TcpStackConfig tcpDefaults(StackConfig config) {
        return TcpStackConfig.builder().mtu(Objects.requireNonNull(config, "config").mtu()).build();
    }

    /**
     * Starts the stack on an open device and returns once its channel is registered and active. The stack owns
     * the device from now on: it is closed with the stack, or at once if starting fails.
     *
     * @param config the stack's address, link and limits; its MAC must differ from the kernel side's
     *               ({@link TapDevice#macAddress()}) and its MTU may not exceed the device's
     * @param loop   a loop of a group made with {@link UserTcpIoHandler#newFactory()}; not the caller's own thread,
     *               since this waits for the registration
     * @throws IllegalArgumentException if the loop or the config cannot work with this device
     * @throws IllegalStateException    if called on {@code loop}, or the registration fails
     */
    public static UserTcpStack start(TapDevice device, StackConfig config, EventLoop loop) {
        return start(device, config, config == null ? null : tcpDefaults(config), loop);
    }

    /**
     * As {@link #start(TapDevice, StackConfig, EventLoop)}, with TCP settings of the caller's; their MTU may not
     * exceed the stack's.
     */
    public static UserTcpStack start(TapDevice device, StackConfig config, TcpStackConfig tcpConfig, EventLoop loop) {
        Objects.requireNonNull(device, "device");
        try {
            checkLoop(loop);
            checkConfig(device, config);
            Objects.requireNonNull(tcpConfig, "tcpConfig");
            if (tcpConfig.mtu() > config.mtu()) {
                throw new IllegalArgumentException("TCP MTU " + tcpConfig.mtu() + " exceeds the stack MTU "
                        + config.mtu());
            }
            if (loop.inEventLoop()) {
                throw new IllegalStateException("UserTcpStack.start waits for the registration, so it cannot run on"
                        + " the loop it registers with");
            }
            TapDeviceChannel channel = new TapDeviceChannel(device);
            StackPipeline stack = StackPipeline.install(channel.pipeline(), config, loop.ticker());
            TcpEngine engine = new TcpEngine(tcpConfig, loop.ticker(), channel.alloc());
            TcpHandlers.addLast(channel.pipeline(), engine);
            ChannelFuture registered = loop.register(channel).awaitUninterruptibly();
            if (!registered.isSuccess()) {
                channel.close().awaitUninterruptibly();
                throw new IllegalStateException("cannot register " + channel + " with " + loop, registered.cause());
            }
            UserTcpStack started = new UserTcpStack(channel, stack, engine);
            loop.submit(() -> channel.ioHandler().addTimers(started.timers)).awaitUninterruptibly();
            return started;
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    public TapDeviceChannel channel() {
        return channel;
    }

    /** The installed layers, with their counters and ARP cache. */
    public StackPipeline stack() {
        return stack;
    }

    /** The TCP engine; use it on {@link #loop()} only. */
    public TcpEngine engine() {
        return engine;
    }

    /** The event loop the stack runs on, where its engine, connections and listeners live. */
    public EventLoop loop() {
        return channel.eventLoop();
    }

    /** Completed when the stack has stopped (its channel closed). */
    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /**
     * Stops the stack: connections still open are reset (RFC 9293 3.10.5; close them first for a FIN each),
     * listeners closed, the timers taken off the loop, then the channel and with it the device closed. Waits
     * for that unless called on the stack's own loop. Idempotent.
     */
    @Override
    public void close() {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            stop();
        } else {
            try {
                loop.submit(this::stop).awaitUninterruptibly();
            } catch (RejectedExecutionException shutDown) {
                // the loop is gone: its handler has closed the channel already
            }
        }
        ChannelFuture closed = channel.close();
        if (!loop.inEventLoop()) {
            closed.awaitUninterruptibly();
        }
    }

    private void stop() {
        if (channel.isActive()) {
            engine.close();
            channel.ioHandler().removeTimers(timers);
        }
        channel.close();
    }

    @Override
    public String toString() {
        return "UserTcpStack{" + channel + '}';
    }

    private static void checkLoop(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (!TapDeviceChannel.isUserTcpLoop(loop)) {
            throw new IllegalArgumentException("the usertcp stack needs an event loop whose IoHandler is "
                    + UserTcpIoHandler.class.getSimpleName() + ", e.g. from new MultiThreadIoEventLoopGroup(1, "
                    + "UserTcpIoHandler.newFactory()); " + loop.getClass().getName() + " cannot carry a TAP device");
        }
    }

    private static void checkConfig(TapDevice device, StackConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.mac() == device.macAddress()) {
            throw new IllegalArgumentException("the stack needs a MAC address of its own; "
                    + MacAddress.format(config.mac()) + " is the kernel side's of " + device.name());
        }
        if (config.mtu() > device.mtu()) {
            throw new IllegalArgumentException("stack MTU " + config.mtu() + " exceeds the MTU " + device.mtu()
                    + " of " + device.name());
        }
    }

    /** The engine's wheel as the loop drives it: segments the timers produce are flushed once per expiry. */
    private static final class EngineTimers implements DrivenTimers {
        private final TcpEngine engine;

        EngineTimers(TcpEngine engine) {
            this.engine = engine;
        }

        @Override
        public long nextExpiryDelayNanos(long nowNanos) {
            return engine.timingWheel().nextExpiryDelayNanos(nowNanos);
        }

        @Override
        public int expire(long nowNanos) {
            int ran = engine.timingWheel().expire(nowNanos);
            engine.flush();
            return ran;
        }

        @Override
        public String toString() {
            return "EngineTimers{" + engine.timingWheel().activeCount() + " armed}";
        }
    }
}
