package io.usertcp.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stacks running in this JVM, playing the part of the kernel's interface list for the usertcp channels.
 *
 * <ul>
 *   <li>Binding to an address selects the stack that owns it ({@link #owning}); binding to the wildcard
 *   address selects every running stack ({@link #all()}).</li>
 *   <li>A connect without a bound address takes a route ({@link #route}): the first stack, in start order, whose
 *   subnet holds the destination, then the first with a gateway; a stack never routes to its own address
 *   (that destination is another stack's peer, reached through the link).</li>
 *   <li>When no stack runs and the {@code usertcp.*} system properties describe one
 *   ({@link UserTcpConfig#fromSystemProperties()}), the first channel that needs a stack starts it
 *   ({@link #all()}) on an event loop of its own (one daemon thread named {@code usertcp-stack}). This is the
 *   drop-in way in: an application keeps its NIO or epoll event loops and only names the usertcp channel
 *   classes.</li>
 * </ul>
 *
 * Stacks started with {@link #open} or {@link #start} join the list and leave it when they close.
 */
public final class UserTcpStacks {
    private static final List<UserTcpStack> RUNNING = new CopyOnWriteArrayList<>();
    private static final Object DEFAULT_LOCK = new Object();
    private static EventLoopGroup defaultGroup;

    private UserTcpStacks() {
    }

    /** Attaches to {@code config}'s device on {@code loop} (a usertcp loop) and lists the stack. */
    public static UserTcpStack open(UserTcpConfig config, EventLoop loop) throws TapDeviceException {
        return add(UserTcpStack.open(config.deviceName(), config.stack(), config.tcp(), loop));
    }

    /** Starts a stack with {@code config}'s settings on an open device and lists it. */
    public static UserTcpStack start(TapDevice device, UserTcpConfig config, EventLoop loop) {
        return add(UserTcpStack.start(device, config.stack(), config.tcp(), loop));
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
                defaultGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("usertcp-stack", true),
                        UserTcpIoHandler.newFactory());
            }
            try {
                return open(config, defaultGroup.next());
            } catch (TapDeviceException e) {
                throw new IllegalStateException("cannot start the usertcp stack " + config + ": " + e.getMessage(), e);
            }
        }
    }
}
