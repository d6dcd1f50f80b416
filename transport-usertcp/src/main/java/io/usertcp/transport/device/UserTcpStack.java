package io.usertcp.transport.device;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.util.Objects;

/**
 * A running user-space stack: a TAP device, the {@link TapDeviceChannel} over it with the {@link StackPipeline}
 * installed, registered on a usertcp event loop. Once started it answers ARP and ping for its address; it sends
 * a gratuitous ARP as it starts. {@link #close()} stops it and closes the device.
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

    private UserTcpStack(TapDeviceChannel channel, StackPipeline stack) {
        this.channel = channel;
        this.stack = stack;
    }

    /**
     * Attaches to the TAP device {@code deviceName} (created if there is none, empty for a kernel-chosen name)
     * and starts the stack on it; see {@link #start}.
     *
     * @throws TapDeviceException if the device cannot be opened; the message says why and what to do
     */
    public static UserTcpStack open(String deviceName, StackConfig config, EventLoop loop) throws TapDeviceException {
        checkLoop(loop);
        return start(TapDevice.open(deviceName), config, loop);
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
        Objects.requireNonNull(device, "device");
        try {
            checkLoop(loop);
            checkConfig(device, config);
            if (loop.inEventLoop()) {
                throw new IllegalStateException("UserTcpStack.start waits for the registration, so it cannot run on"
                        + " the loop it registers with");
            }
            TapDeviceChannel channel = new TapDeviceChannel(device);
            StackPipeline stack = StackPipeline.install(channel.pipeline(), config, loop.ticker());
            ChannelFuture registered = loop.register(channel).awaitUninterruptibly();
            if (!registered.isSuccess()) {
                channel.close().awaitUninterruptibly();
                throw new IllegalStateException("cannot register " + channel + " with " + loop, registered.cause());
            }
            return new UserTcpStack(channel, stack);
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

    /**
     * Closes the channel and with it the device, and waits for that unless called on the stack's own loop.
     * Idempotent.
     */
    @Override
    public void close() {
        ChannelFuture closed = channel.close();
        if (!channel.eventLoop().inEventLoop()) {
            closed.awaitUninterruptibly();
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
}
