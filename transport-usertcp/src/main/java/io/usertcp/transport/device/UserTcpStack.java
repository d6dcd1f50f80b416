package io.usertcp.transport.device;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.usertcp.capture.PcapCapture;
import io.usertcp.capture.PcapWriterConfig;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.handler.TcpHandlers;
import io.usertcp.testing.network.LinkImpairment;
import io.usertcp.timer.DrivenTimers;
import io.usertcp.transport.loop.ShutdownParticipant;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.management.StackMonitor;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * A running user-space stack: a TAP device, the {@link TapDeviceChannel} over it with the {@link StackPipeline}
 * and the TCP handlers ({@link TcpHandlers}) installed, registered on a usertcp event loop, and the
 * {@link TcpEngine} of that loop, whose timing wheel the loop drives ({@link UserTcpIoHandler#addTimers}). Once
 * started it answers ARP and ping for its address and takes TCP connections and listeners through
 * {@link #engine()}, on its loop ({@link #loop()}); it sends a gratuitous ARP as it starts. {@link #close()} stops
 * it and closes the device.
 *
 * <p>The stack winds down with its loop ({@link ShutdownParticipant}): when the loop's group shuts down
 * gracefully, the channels over the stack close ({@link #closeOnShutdown}) and with them their connections, each
 * with a FIN after its queued data, as when a process exits on Linux; the loop runs the close handshakes within
 * the shutdown's quiet period and timeout. When the loop ends, connections the application closed are forgotten
 * without a word (their FIN has gone), any other is reset, and the device is closed.
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
    private final StackMonitor monitor;
    /** Channels to close when the loop shuts down; each leaves the set as it closes. */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final ShutdownParticipant shutdown = new Shutdown();

    private UserTcpStack(TapDeviceChannel channel, StackPipeline stack, TcpEngine engine) {
        this.channel = channel;
        this.stack = stack;
        this.engine = engine;
        this.timers = new EngineTimers(engine);
        this.monitor = new StackMonitor(channel.device().name(), channel, stack, engine);
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
        return open(deviceName, config, tcpConfig, LinkImpairment.NONE, loop);
    }

    /**
     * As {@link #open(String, StackConfig, TcpStackConfig, EventLoop)}, with the link impaired as netem would
     * impair it (a testing aid; {@link LinkImpairment#NONE} for a plain link).
     */
    public static UserTcpStack open(String deviceName, StackConfig config, TcpStackConfig tcpConfig,
                                    LinkImpairment impairment, EventLoop loop) throws TapDeviceException {
        checkLoop(loop);
        return start(TapDevice.open(deviceName), config, tcpConfig, impairment, loop);
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
     * @param loop   a loop of a group made with {@link UserTcpIoHandler#newFactory()}; called from another thread
     *               this waits for the registration, called on {@code loop} it completes at once
     * @throws IllegalArgumentException if the loop or the config cannot work with this device
     * @throws IllegalStateException    if the registration fails
     */
    public static UserTcpStack start(TapDevice device, StackConfig config, EventLoop loop) {
        return start(device, config, config == null ? null : tcpDefaults(config), loop);
    }

    /**
     * As {@link #start(TapDevice, StackConfig, EventLoop)}, with TCP settings of the caller's; their MTU may not
     * exceed the stack's.
     */
    public static UserTcpStack start(TapDevice device, StackConfig config, TcpStackConfig tcpConfig, EventLoop loop) {
        return start(device, config, tcpConfig, LinkImpairment.NONE, loop);
    }

    /**
     * As {@link #start(TapDevice, StackConfig, TcpStackConfig, EventLoop)}, with the link impaired as netem would
     * impair it: the impairment handlers go between the device and the Ethernet layer (a testing aid;
     * {@link LinkImpairment#NONE} installs nothing).
     */
    public static UserTcpStack start(TapDevice device, StackConfig config, TcpStackConfig tcpConfig,
                                     LinkImpairment impairment, EventLoop loop) {
        Objects.requireNonNull(device, "device");
        try {
            checkLoop(loop);
            checkConfig(device, config);
            Objects.requireNonNull(tcpConfig, "tcpConfig");
            Objects.requireNonNull(impairment, "impairment");
            if (tcpConfig.mtu() > config.mtu()) {
                throw new IllegalArgumentException("TCP MTU " + tcpConfig.mtu() + " exceeds the stack MTU "
                        + config.mtu());
            }
            TapDeviceChannel channel = new TapDeviceChannel(device);
            StackPipeline stack = StackPipeline.install(channel.pipeline(), config, loop.ticker());
            TcpEngine engine = new TcpEngine(tcpConfig, loop.ticker(), channel.alloc());
            TcpHandlers.addLast(channel.pipeline(), engine);
            impairment.install(channel.pipeline(), loop.ticker());
            // On its own loop a registration completes within the call.
            ChannelFuture registered = loop.register(channel);
            if (!loop.inEventLoop()) {
                registered.awaitUninterruptibly();
            }
            if (!registered.isSuccess()) {
                channel.close();
                throw new IllegalStateException("cannot register " + channel + " with " + loop, registered.cause());
            }
            UserTcpStack started = new UserTcpStack(channel, stack, engine);
            if (loop.inEventLoop()) {
                started.joinLoop();
            } else {
                loop.submit(started::joinLoop).awaitUninterruptibly();
            }
            started.monitor.register();
            channel.closeFuture().addListener(closed -> started.monitor.unregister());
            return started;
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    private void joinLoop() {
        channel.ioHandler().addTimers(timers);
        channel.ioHandler().addShutdownParticipant(shutdown);
    }

    /**
     * Closes {@code channel}, a channel over this stack, when the stack's loop shuts down gracefully, so its
     * connection ends with a FIN; forgotten once the channel closes. Call once the channel is registered.
     */
    public void closeOnShutdown(Channel channel) {
        if (channels.add(channel)) {
            channel.closeFuture().addListener(closed -> channels.remove(channel));
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

    /**
     * Counters, connection listing and captures, readable from any thread; also registered as the JMX MXBean
     * {@code io.usertcp:type=Stack,name=<device>} while the stack runs.
     */
    public StackMonitor monitor() {
        return monitor;
    }

    /**
     * Starts a pcap capture of every frame the stack reads and writes, rotated at the config's size cap; closing
     * the returned capture stops it, and so does closing the stack.
     *
     * @throws IOException           if the file cannot be created
     * @throws IllegalStateException if a capture is already running
     */
    public PcapCapture startCapture(PcapWriterConfig config) throws IOException {
        return monitor.startCapture(config);
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
        monitor.unregister();
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
            channel.ioHandler().removeShutdownParticipant(shutdown);
        }
        channel.close();
    }

    /** The stack's part in its loop's shutdown (see the class comment); on the loop thread. */
    private final class Shutdown implements ShutdownParticipant {
        private final List<TcpConnection> open = new ArrayList<>();
        private boolean closing;

        @Override
        public boolean closeGracefully() {
            for (Channel owned : channels) {
                if (owned.isRegistered()) {
                    owned.close();
                } else {
                    owned.unsafe().closeForcibly();
                }
            }
            closing = false;
            engine.forEachConnection(this::noteClosing);
            return closing;
        }

        private void noteClosing(TcpConnection connection) {
            // RFC 9293 3.10.7.4: TIME-WAIT only guards against old duplicates; the close handshake is done.
            closing |= connection.state() != TcpState.TIME_WAIT;
        }

        @Override
        public void closeNow() {
            for (Channel owned : channels) {
                if (!owned.isRegistered() || owned.eventLoop() == loop()) {
                    // Tasks queued on an ending loop never run: close here, releasing what the channel holds.
                    owned.unsafe().closeForcibly();
                } else {
                    owned.close();
                }
            }
            open.clear();
            engine.forEachConnection(open::add);
            for (TcpConnection connection : open) {
                if (connection.isApplicationClosed()) {
                    connection.terminate(null);
                }
            }
            open.clear();
            monitor.unregister();
            stop();
        }

        @Override
        public String toString() {
            return "Shutdown of " + UserTcpStack.this;
        }
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
