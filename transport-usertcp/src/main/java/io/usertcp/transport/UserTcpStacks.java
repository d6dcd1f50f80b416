package io.usertcp.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The stacks running in this JVM, playing the part of the kernel's interface list for the usertcp channels.
 *
 * <ul>
 *   <li>Binding to an address selects the stack that owns it ({@link #owning}); binding to the wildcard
 *   address selects every running stack ({@link #all()}).</li>
 *   <li>A connect without a bound address takes a route ({@link #route}): the first stack, in start order, whose
 *   subnet holds the destination, then the first with a gateway; a stack never routes to its own address
 *   (that destination is another stack's peer, reached through the link).</li>
 *   <li>A group made with {@link UserTcpIoHandler#newFactory(UserTcpConfig)} runs the stack of its config: the
 *   first channel registered with one of its loops that binds or connects starts it ({@link #startForLoop}) on
 *   the group's first loop. This is the fast way in: channels on that loop talk to their connections
 *   directly.</li>
 *   <li>When no stack runs and the {@code usertcp.*} system properties describe one
 *   ({@link UserTcpConfig#fromSystemProperties()}), the first channel that needs a stack starts it
 *   ({@link #all()}) on an event loop of its own (one daemon thread named {@code usertcp-stack}). This is the
 *   drop-in way in: an application keeps its NIO or epoll event loops and only names the usertcp channel
 *   classes. That stack lives as long as the JVM: at exit a shutdown hook closes its connections with a FIN and
 *   waits for their close handshakes up to {@value #DROP_IN_SHUTDOWN_TIMEOUT_MILLIS} ms, then closes the
 *   device.</li>
 * </ul>
 *
 * Stacks started with {@link #open} or {@link #start} join the list and leave it when they close.
 */
public final class UserTcpStacks {
    /** How long the drop-in stack's loop waits at JVM exit for close handshakes to go quiet. */
    public static final long DROP_IN_SHUTDOWN_QUIET_MILLIS = 100;
    /** The most the drop-in stack's loop waits at JVM exit for close handshakes. */
    public static final long DROP_IN_SHUTDOWN_TIMEOUT_MILLIS = 2000;

    private static final List<UserTcpStack> RUNNING = new CopyOnWriteArrayList<>();
    /** The loops of groups made with {@link UserTcpIoHandler#newFactory(UserTcpConfig)}, each with its group's stack. */
    private static final Map<EventLoop, GroupStack> GROUP_STACKS = new ConcurrentHashMap<>();
    private static final Object DEFAULT_LOCK = new Object();
    private static EventLoopGroup defaultGroup;

    private UserTcpStacks() {
    }

    /** Attaches to {@code config}'s device on {@code loop} (a usertcp loop) and lists the stack. */
    public static UserTcpStack open(UserTcpConfig config, EventLoop loop) throws TapDeviceException {
        return add(UserTcpStack.open(config.deviceName(), config.stack(), config.tcp(), config.impairment(), loop));
    }

    /** Starts a stack with {@code config}'s settings on an open device and lists it. */
    public static UserTcpStack start(TapDevice device, UserTcpConfig config, EventLoop loop) {
        return add(UserTcpStack.start(device, config.stack(), config.tcp(), config.impairment(), loop));
    }

    /**
     * What {@link UserTcpIoHandler#newFactory(UserTcpConfig)} returns: usertcp handlers whose group runs the stack
     * {@code config} describes, on {@code device} when given (already open), else on {@code config}'s device
     * opened when the stack starts.
     */
    public static IoHandlerFactory ioHandlerFactory(UserTcpConfig config, TapDevice device) {
        GroupStack group = new GroupStack(Objects.requireNonNull(config, "config"), device);
        IoHandlerFactory handlers = UserTcpIoHandler.newFactory();
        return executor -> {
            IoHandler handler = handlers.newHandler(executor);
            if (executor instanceof EventLoop) {
                group.addLoop((EventLoop) executor);
            }
            return handler;
        };
    }

    /**
     * Starts the stack of {@code loop}'s group if that group was made with
     * {@link UserTcpIoHandler#newFactory(UserTcpConfig)} and its stack has not started; a channel calls this as it
     * binds or connects, on its loop. Returns that stack, or null for a loop of any other group.
     *
     * @throws TapDeviceException    if the device cannot be opened
     * @throws IllegalStateException if the stack cannot start
     */
    public static UserTcpStack startForLoop(EventLoop loop) throws TapDeviceException {
        GroupStack group = GROUP_STACKS.get(loop);
        return group == null ? null : group.stack();
    }

    private static UserTcpStack add(UserTcpStack stack) {
        RUNNING.add(stack);
        stack.closeFuture().addListener(future -> RUNNING.remove(stack));
        return stack;
    }

    /**
     * Every running stack; when none runs, the one the system properties describe, started now.
     *
     * @throws IllegalStateException when no stack runs and the system properties describe none, or it cannot
     *                               start
     */
    public static List<UserTcpStack> all() {
        List<UserTcpStack> running = new ArrayList<>(RUNNING);
        if (!running.isEmpty()) {
            return running;
        }
        return List.of(startFromSystemProperties());
    }

    /** The running stack whose address is {@code address}, or null. */
    public static UserTcpStack owning(int address) {
        for (UserTcpStack stack : RUNNING) {
            if (stack.stack().config().localAddress() == address) {
                return stack;
            }
        }
        return null;
    }

    /**
     * The stack a connection to {@code destination} leaves from (see the class comment).
     *
     * @throws IllegalStateException when no stack has a route there
     */
    public static UserTcpStack route(int destination) {
        List<UserTcpStack> stacks = all();
        for (UserTcpStack stack : stacks) {
            StackConfig config = stack.stack().config();
            if (config.localAddress() != destination && config.isOnLink(destination)) {
                return stack;
            }
        }
        for (UserTcpStack stack : stacks) {
            StackConfig config = stack.stack().config();
            if (config.localAddress() != destination && config.gateway() != Ipv4Address.UNSPECIFIED) {
                return stack;
            }
        }
        throw new IllegalStateException("no usertcp stack has a route to " + Ipv4Address.format(destination)
                + " (stacks: " + stacks + ')');
    }

    private static UserTcpStack startFromSystemProperties() {
        if (!UserTcpConfig.isConfiguredBySystemProperties()) {
            throw new IllegalStateException("no usertcp stack is running and none is configured: start one with"
                    + " UserTcpStacks.open, or set -D" + UserTcpConfig.DEVICE + "=<tap device> -D"
                    + UserTcpConfig.ADDRESS + "=<address/prefix>");
        }
        synchronized (DEFAULT_LOCK) {
            if (!RUNNING.isEmpty()) {
                return RUNNING.get(0);
            }
            UserTcpConfig config = UserTcpConfig.fromSystemProperties();
            if (defaultGroup == null) {
                EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                        new DefaultThreadFactory("usertcp-stack", true), UserTcpIoHandler.newFactory());
                // The loop's thread is a daemon, so the JVM would end without a word to the peers: FIN them.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdownGracefully(
                        DROP_IN_SHUTDOWN_QUIET_MILLIS, DROP_IN_SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .awaitUninterruptibly(DROP_IN_SHUTDOWN_TIMEOUT_MILLIS * 2), "usertcp-stack-shutdown"));
                defaultGroup = group;
            }
            try {
                return open(config, defaultGroup.next());
            } catch (TapDeviceException e) {
                throw new IllegalStateException("cannot start the usertcp stack " + config + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The stack of one group made with {@link UserTcpIoHandler#newFactory(UserTcpConfig)}. It runs on the group's
     * first loop, where it is started once, by the first channel that needs it; channels on the group's other
     * loops reach it through the hand-off every channel on a foreign loop uses.
     */
    private static final class GroupStack {
        private final UserTcpConfig config;
        private final TapDevice device;
        private volatile EventLoop home;
        /** Written on the home loop only. */
        private volatile UserTcpStack stack;

        GroupStack(UserTcpConfig config, TapDevice device) {
            this.config = config;
            this.device = device;
        }

        /** A loop of the group was made; the first is the stack's. */
        void addLoop(EventLoop loop) {
            synchronized (this) {
                if (home == null) {
                    home = loop;
                }
            }
            GROUP_STACKS.put(loop, this);
            loop.terminationFuture().addListener(ended -> GROUP_STACKS.remove(loop));
        }

        UserTcpStack stack() throws TapDeviceException {
            UserTcpStack started = stack;
            if (started != null) {
                return started;
            }
            EventLoop loop = home;
            if (loop.inEventLoop()) {
                return startOnHome();
            }
            // Binding and connecting wait for the stack's loop anyway; that loop never waits for another.
            Future<UserTcpStack> starting = loop.submit(this::startOnHome).awaitUninterruptibly();
            if (starting.isSuccess()) {
                return starting.getNow();
            }
            Throwable cause = starting.cause();
            if (cause instanceof TapDeviceException) {
                throw (TapDeviceException) cause;
            }
            throw new IllegalStateException("cannot start the usertcp stack " + config + ": " + cause.getMessage(),
                    cause);
        }

        private UserTcpStack startOnHome() throws TapDeviceException {
            if (stack == null) {
                if (home.isShuttingDown()) {
                    throw new IllegalStateException("the usertcp event loop group is shutting down");
                }
                stack = start(device != null ? device : TapDevice.open(config.deviceName()), config, home);
            }
            return stack;
        }
    }
}
