package io.usertcp.transport.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.internal.StringUtil;
import io.usertcp.transport.loop.UserTcpIoEvent;
import io.usertcp.transport.loop.UserTcpIoHandle;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.loop.UserTcpIoOps;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * One TAP queue as a Netty channel, whose pipeline is the protocol stack. Inbound messages are {@code ByteBuf}s
 * each holding one whole Ethernet frame (no FCS) from the kernel; outbound messages are the same. The channel
 * has no addresses: it is bound to its device from construction and cannot bind, connect or disconnect
 * (disconnect closes it).
 *
 * <p>It registers only with an event loop whose {@link io.netty.channel.IoHandler} is {@link UserTcpIoHandler}
 * (see {@link #isUserTcpLoop}); its {@link Unsafe} is the {@link UserTcpIoHandle} registered there.
 *
 * <p>Reading: when the device is readable the channel reads up to
 * {@link io.netty.channel.ChannelOption#MAX_MESSAGES_PER_READ} frames (default
 * {@value #DEFAULT_MAX_FRAMES_PER_READ}), each into a fresh direct buffer from the channel's allocator sized
 * for the device MTU, fires each, then fires one {@code channelReadComplete} for the batch. With auto-read off
 * it follows Netty's contract: each {@code read()} delivers one frame, and the device is not polled for input
 * until the next {@code read()}.
 *
 * <p>Writing: a flush writes every queued frame to the device, one write(2) each. If the device cannot take a
 * frame (EAGAIN) the rest stay queued and the channel waits for the device to become writable. A frame the
 * kernel refuses on its own (EIO while the kernel side of the link is down, EINVAL for a runt) fails that
 * frame's promise and the rest go on, as a NIC drops frames while its link is down; any other device error
 * fails the write and, with auto-close, closes the channel.
 *
 * <p>Closing the channel closes the device; a device created by {@link TapDevice#open} then disappears.
 */
public final class TapDeviceChannel extends AbstractChannel {
    /** Frames read per readiness event unless MAX_MESSAGES_PER_READ says otherwise. */
    public static final int DEFAULT_MAX_FRAMES_PER_READ = 64;

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, DEFAULT_MAX_FRAMES_PER_READ);
    // Linux errno values (asm-generic) of write(2) failures that concern one frame, not the device.
    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int ETHERNET_HEADER = 14;
    /** IEEE 802.1Q: a tagged frame is 4 bytes longer; reading it whole lets the link layer count its drop. */
    private static final int VLAN_TAG = 4;

    private final TapDevice device;
    private final ChannelConfig config;
    private final int frameCapacity;
    private volatile IoRegistration registration;
    private UserTcpIoOps interest = UserTcpIoOps.NONE;
    private boolean readPending;

    /**
     * A channel over {@code device}, which it owns from now on (closing the channel closes it).
     *
     * @throws IllegalArgumentException if the device was opened with {@code VNET_HDR}: this channel carries
     *                                  plain Ethernet frames
     */
    public TapDeviceChannel(TapDevice device) {
        super(null);
        this.device = Objects.requireNonNull(device, "device");
        if (device.vnetHeaderLength() != 0) {
            throw new IllegalArgumentException(device + " was opened with VNET_HDR, but TapDeviceChannel reads and"
                    + " writes plain Ethernet frames; open it without TapOption.VNET_HDR");
        }
        this.config = new DefaultChannelConfig(this);
        this.frameCapacity = ETHERNET_HEADER + VLAN_TAG + device.mtu();
    }

    /**
     * Whether {@code loop} can carry a {@link TapDeviceChannel}: an {@link IoEventLoop} whose I/O handler takes
     * {@link UserTcpIoHandle}s, as one made with {@link UserTcpIoHandler#newFactory()} does.
     */
    public static boolean isUserTcpLoop(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(DeviceUnsafe.class);
    }

    public TapDevice device() {
        return device;
    }

    /**
     * The handler of the loop this channel is registered with, where the stack adds its {@code DrivenTimers}.
     *
     * @throws IllegalStateException if the channel is not registered
     */
    public UserTcpIoHandler ioHandler() {
        IoRegistration current = registration;
        if (current == null) {
            throw new IllegalStateException(this + " is not registered with an event loop");
        }
        return current.attachment();
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return device.isOpen();
    }

    /** Open and registered with its loop. */
    @Override
    public boolean isActive() {
        return device.isOpen() && registration != null;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new DeviceUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return isUserTcpLoop(loop);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((DeviceUnsafe) unsafe()).addListener(future -> {
            if (future.isSuccess()) {
                interest = UserTcpIoOps.NONE;
                registration = (IoRegistration) future.getNow();
                promise.setSuccess();
            } else {
                promise.setFailure(future.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration current = registration;
        if (current != null) {
            registration = null;
            current.cancel();
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        setInterest(interest.withReadable(true));
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws IOException {
        int budget = maxMessagesPerWrite();
        for (;;) {
            Object message = in.current();
            if (message == null) {
                setInterest(interest.withWritable(false));
                return;
            }
            if (budget-- == 0) {
                // Let other work on the loop run; the rest goes in a task, as Netty's own channels do.
                eventLoop().execute(((DeviceUnsafe) unsafe()).flushTask);
                return;
            }
            ByteBuf frame = (ByteBuf) message;
            if (!frame.isReadable()) {
                in.remove();
                continue;
            }
            int written;
            try {
                written = device.write(frame);
            } catch (TapDeviceException e) {
                if (e.errno() == EIO || e.errno() == EINVAL) {
                    in.remove(e);
                    continue;
                }
                throw e;
            }
            if (written == 0) {
                setInterest(interest.withWritable(true));
                return;
            }
            in.remove();
        }
    }

    /** Frames must be direct with a native address for write(2); anything else readable is copied once. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf frame = (ByteBuf) msg;
            if (frame.hasMemoryAddress()) {
                return frame;
            }
            ByteBuf direct = alloc().directBuffer(frame.readableBytes());
            direct.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
            frame.release();
            return direct;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + " (expected: ByteBuf holding one Ethernet frame)");
    }

    @Override
    protected void doClose() throws IOException {
        doDeregister();
        device.close();
    }

    /** No peer to disconnect from ({@link ChannelMetadata#hasDisconnect()} is false): closes. */
    @Override
    protected void doDisconnect() throws IOException {
        doClose();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a TAP device channel is bound to its device when created");
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    public String toString() {
        return "TapDeviceChannel{" + device.name() + (isOpen() ? (isActive() ? ", active" : ", open") : ", closed")
                + '}';
    }

    private void setInterest(UserTcpIoOps wanted) {
        IoRegistration current = registration;
        if (wanted != interest && current != null) {
            interest = wanted;
            current.submit(wanted);
        }
    }

    private int maxFramesPerRead() {
        RecvByteBufAllocator allocator = config.getRecvByteBufAllocator();
        return allocator instanceof MaxMessagesRecvByteBufAllocator
                ? ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead() : DEFAULT_MAX_FRAMES_PER_READ;
    }

    /** The channel's {@link Unsafe}, registered with the loop as its handle on the device descriptor. */
    private final class DeviceUnsafe extends AbstractUnsafe implements UserTcpIoHandle {
        final Runnable flushTask = this::flush0;

        @Override
        public int fd() {
            return device.fd();
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            UserTcpIoEvent readiness = (UserTcpIoEvent) event;
            if (readiness.isWritable()) {
                flush0();
            }
            if (readiness.isReadable() || readiness.isError()) {
                readFrames(readiness.isError());
            }
        }

        private void readFrames(boolean deviceError) {
            if (!readPending && !config.isAutoRead() && !deviceError) {
                // auto-read was switched off since the last read() request: stop polling for input.
                setInterest(interest.withReadable(false));
                return;
            }
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            int limit = maxFramesPerRead();
            int frames = 0;
            Exception failure = null;
            try {
                do {
                    ByteBuf frame = allocator.directBuffer(frameCapacity);
                    int length;
                    try {
                        length = device.read(frame);
                    } catch (IOException | RuntimeException e) {
                        frame.release();
                        throw e;
                    }
                    if (length == 0) {
                        frame.release();
                        break;
                    }
                    frames++;
                    readPending = false;
                    pipeline.fireChannelRead(frame);
                } while (frames < limit && config.isAutoRead() && isOpen());
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            if (frames > 0) {
                pipeline.fireChannelReadComplete();
            }
            if (failure == null && deviceError && frames == 0) {
                failure = new IOException("epoll reported an error on TAP device " + device.name()
                        + " and it yields no frame: it was detached (deleted, or its network namespace removed)");
            }
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
                close(voidPromise());
                return;
            }
            if (!readPending && !config.isAutoRead()) {
                setInterest(interest.withReadable(false));
            }
        }

        /** Called by the loop's handler when the loop shuts down. */
        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            safeSetFailure(promise, new UnsupportedOperationException("a TAP device channel has no peer to connect to"));
        }
    }
}
