package io.usertcp.transport.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.StringUtil;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionEvents;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.info.TcpInfo;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.UserTcpStack;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP connection of a usertcp stack as a Netty {@link SocketChannel}: a client made with the public
 * constructor ({@code Bootstrap.channel(UserTcpSocketChannel.class)}), or a connection accepted by a
 * {@link UserTcpServerSocketChannel}.
 *
 * <p>Two threads meet here. The {@link TcpConnection} lives on its stack's event loop ({@link UserTcpStack#loop()});
 * the channel may be registered with any event loop (NIO, epoll, usertcp). What one side tells the other goes
 * into a mailbox of this channel, and the other side is handed one task per batch, as Netty's {@code LocalChannel}
 * does: received data, the peer's FIN, writability and closure go to the channel's loop; written data, read
 * requests, half-close and close go to the stack's loop. When both are the same loop, calls are direct.
 *
 * <ul>
 *   <li>Reading: data arrives as the slices of received frames, in {@code channelRead}s followed by one
 *   {@code channelReadComplete} per read loop. The {@code RecvByteBufAllocator}'s handle bounds each loop as it
 *   bounds a socket read: a frame larger than its {@code guess()} is handed up in slices of that size (still no
 *   copy), and its {@code continueReading} ends the loop. With auto-read off nothing is delivered until
 *   {@code read()}, and the connection stops taking data, so the advertised window closes (real
 *   backpressure).</li>
 *   <li>Writing: a flush hands the written buffers to the connection's send buffer while it is under its high
 *   water mark (its {@code SO_SNDBUF}); the rest stays in Netty's outbound buffer, so channel writability
 *   ({@code WRITE_BUFFER_WATER_MARK}) follows the send buffer. Acknowledgements that free space resume the
 *   flush.</li>
 *   <li>{@code shutdownOutput()} sends FIN after the data; {@code close()} sends FIN, or RST with
 *   {@code SO_LINGER} 0. The peer's FIN closes the channel, or with {@code ALLOW_HALF_CLOSURE} fires
 *   {@link ChannelInputShutdownEvent} and {@link ChannelInputShutdownReadComplete}.</li>
 *   <li>A reset fires {@code exceptionCaught} with an {@link IOException} "Connection reset by peer" and closes
 *   the channel once the data that arrived before it has been read (as on Linux; with auto-read off the channel
 *   stays open until the next {@code read()} delivers that data); a refused connect fails with {@link ConnectException}, a slow one with
 *   {@link ConnectTimeoutException} after {@code CONNECT_TIMEOUT_MILLIS}.</li>
 * </ul>
 */
public final class UserTcpSocketChannel extends AbstractChannel implements SocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final UserTcpSocketChannelConfig config;
    private final StackSide stackSide = new StackSide();
    private final AtomicBoolean channelTaskScheduled = new AtomicBoolean();
    private final Runnable channelTask = this::processStackEvents;
    private final UncheckedBooleanSupplier inboundQueued = this::hasInbound;
    /** Tasks handed between the channel's loop and the stack's loop while they differ. */
    private final AtomicLong crossLoopHandOffs = new AtomicLong();
    private volatile UserTcpStack stack;
    private volatile EventLoop channelLoop;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private volatile boolean open = true;
    private volatile boolean active;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    /** Flushed data stopped because the stack's send buffer was full; resumed when it drains. */
    private volatile boolean writeWaiting;

    // Channel loop only.
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private boolean readPending;
    private boolean stackReading;
    private boolean peerShutdownHandled;
    /** The rest of a received buffer the last read loop delivered only in part. */
    private ByteBuf partlyRead;

    /** A client channel; {@code connect} picks its stack ({@link UserTcpStacks#route}). */
    public UserTcpSocketChannel() {
        super(null);
        config = new UserTcpSocketChannelConfig(this);
    }

    /** A connection accepted by {@code parent} on {@code stack}, about to be bound by the listener. */
    UserTcpSocketChannel(UserTcpServerSocketChannel parent, UserTcpStack stack) {
        super(parent);
        this.stack = stack;
        config = new UserTcpSocketChannelConfig(this);
    }

    /** The events the listener binds the accepted connection to; called on the stack's loop. */
    TcpConnectionEvents stackEvents() {
        return stackSide;
    }

    /**
     * How many batches of work crossed between the channel's loop and its stack's loop: none for a channel on
     * its stack's loop, which calls its connection directly.
     */
    public long crossLoopHandOffs() {
        return crossLoopHandOffs.get();
    }

    /** The stack this channel's connection belongs to; null for a client before {@code connect}. */
    public UserTcpStack stack() {
        return stack;
    }

    /**
     * The connection's {@link TcpInfo}, like {@code EpollSocketChannel.tcpInfo()}. Its values belong to the stack's
     * loop, so the snapshot is taken there: the future completes at once when called on that loop, and after a
     * hop otherwise (never wait for it on the stack's loop). A closed connection reports its final values. Fails
     * with {@link NotYetConnectedException} before {@code connect} has reached the stack.
     */
    public Future<TcpInfo> tcpInfo() {
        UserTcpStack target = stack;
        if (target == null) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new NotYetConnectedException());
        }
        EventLoop loop = target.loop();
        if (!loop.inEventLoop()) {
            return loop.submit(this::connectionInfo);
        }
        try {
            return loop.newSucceededFuture(connectionInfo());
        } catch (NotYetConnectedException e) {
            return loop.newFailedFuture(e);
        }
    }

    /**
     * The connection's {@link TcpInfo} now, for code running on the stack's loop (a channel registered with
     * {@code stack().loop()}, or a task submitted there); elsewhere use {@link #tcpInfo()}.
     *
     * @throws IllegalStateException    if called off the stack's loop
     * @throws NotYetConnectedException before {@code connect} has reached the stack
     */
    public TcpInfo tcpInfoNow() {
        UserTcpStack target = stack;
        if (target == null) {
            throw new NotYetConnectedException();
        }
        if (!target.loop().inEventLoop()) {
            throw new IllegalStateException("tcpInfoNow() runs on the stack's loop " + target.loop()
                    + "; use tcpInfo() from other threads");
        }
        return connectionInfo();
    }

    /** On the stack's loop: the snapshot of the connection, once the stack has one for this channel. */
    private TcpInfo connectionInfo() {
        TcpConnection connection = stackSide.connection;
        if (connection == null) {
            throw new NotYetConnectedException();
        }
        return TcpInfo.of(connection);
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public UserTcpSocketChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && active;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    /** Any loop: the channel registers no handle with the loop's I/O handler, so it never meets a foreign one. */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new ConnectionUnsafe();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !isActive();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !isActive();
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    /** Stops reading: data queued for the channel is dropped and the connection takes no more. */
    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        // As NIO: a closed channel fails with ClosedChannelException, an open one not yet connected with
        // NotYetConnectedException.
        if (!isOpen()) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        if (!isActive()) {
            promise.setFailure(new NotYetConnectedException());
            return;
        }
        inputShutdown = true;
        releaseInbound();
        requestStackReading(false);
        promise.setSuccess();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        output.addListener(done -> shutdownInput(promise));
        return promise;
    }

    /**
     * A client may bind to its stack's address, or the wildcard, and to a port, which its connection then leaves
     * from (port 0: an ephemeral port is chosen at connect). As on Linux without {@code SO_REUSEADDR}, a port a
     * listener or a connection of the stack holds is refused with "Address already in use".
     */
    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        InetSocketAddress requested = checkAddress(localAddress);
        UserTcpStacks.startForLoop(eventLoop());
        int ip = Ipv4Address.UNSPECIFIED;
        if (!requested.getAddress().isAnyLocalAddress()) {
            ip = Ipv4Address.fromInetAddress(requested.getAddress());
            UserTcpStack owner = UserTcpStacks.owning(ip);
            if (owner == null) {
                throw new BindException("Cannot assign requested address: " + requested.getAddress());
            }
            stack = owner;
        }
        int port = requested.getPort();
        if (port != 0) {
            for (UserTcpStack candidate : stack != null ? List.of(stack) : UserTcpStacks.all()) {
                if (isPortTaken(candidate, ip, port)) {
                    throw new BindException("Address already in use: " + requested);
                }
            }
        }
        local = requested;
    }

    /** Whether a listener or a connection of {@code target} holds {@code port} on {@code ip} (0: any address). */
    private static boolean isPortTaken(UserTcpStack target, int ip, int port) throws Exception {
        Callable<Boolean> check = () -> {
            TcpEngine engine = target.engine();
            int address = ip != Ipv4Address.UNSPECIFIED ? ip : target.stack().config().localAddress();
            boolean[] taken = {engine.listenerFor(address, port) != null};
            engine.forEachConnection(connection -> taken[0] |= connection.localPort() == port
                    && connection.localAddress() == address);
            return taken[0];
        };
        EventLoop loop = target.loop();
        if (loop.inEventLoop()) {
            return check.call();
        }
        // Binding is rare and the stack's loop never waits for a channel's.
        try {
            return loop.submit(check).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : new IllegalStateException(cause);
        }
    }

    @Override
    protected void doDisconnect() {
        unsafe().close(voidPromise());
    }

    @Override
    protected void doClose() {
        boolean wasOpen = open;
        open = false;
        active = false;
        ChannelPromise pending = connectPromise;
        if (pending != null) {
            connectPromise = null;
            pending.tryFailure(new ClosedChannelException());
        }
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        // Released first: handing the close to a stack whose loop has ended throws.
        releaseInbound();
        if (wasOpen) {
            stackSide.lingerZero = config.getSoLinger() == 0;
            stackSide.closeRequested = true;
            scheduleStackSide();
        }
    }

    @Override
    protected void doShutdownOutput() {
        if (!isActive()) {
            throw new NotYetConnectedException();
        }
        outputShutdown = true;
        stackSide.shutdownRequested = true;
        scheduleStackSide();
    }

    @Override
    protected void doBeginRead() {
        if (inputShutdown) {
            return;
        }
        readPending = true;
        if (hasInbound()) {
            scheduleChannelTask();
        }
        requestStackReading(true);
    }

    /** Auto-read was switched off: the connection stops taking data once the channel has read its batch. */
    void autoReadCleared() {
        readPending = false;
        requestStackReading(false);
    }

    /** An option of the connection changed (SO_KEEPALIVE, buffers, Nagle, ...): applied to it on its loop. */
    void optionsChanged() {
        scheduleStackSide();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (stackSide.closed) {
            throw new ClosedChannelException();
        }
        long limit = sendBufferLimit();
        boolean handedOff = false;
        for (;;) {
            Object message = in.current();
            if (message == null) {
                writeWaiting = false;
                break;
            }
            if (!stackSide.connectionWritable || stackSide.inTransit.get() >= limit) {
                writeWaiting = true;
                // The stack side may have drained in between: it then saw writeWaiting false, so look again.
                if (stackSide.connectionWritable && stackSide.inTransit.get() < limit) {
                    continue;
                }
                break;
            }
            ByteBuf data = (ByteBuf) message;
            int length = data.readableBytes();
            if (length > 0) {
                stackSide.outbound.add(data.retain());
                stackSide.inTransit.addAndGet(length);
                handedOff = true;
            }
            in.remove();
        }
        if (handedOff) {
            scheduleStackSide();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + " (expected: ByteBuf)");
    }

    private long sendBufferLimit() {
        return stack == null ? 0 : config.getSendBufferSize();
    }

    private void requestStackReading(boolean wanted) {
        if (stackReading != wanted) {
            stackReading = wanted;
            stackSide.wantRead = wanted;
            scheduleStackSide();
        }
    }

    private void scheduleStackSide() {
        UserTcpStack current = stack;
        if (current == null) {
            return;
        }
        EventLoop loop = current.loop();
        if (loop.inEventLoop()) {
            stackSide.run();
        } else if (stackSide.scheduled.compareAndSet(false, true)) {
            crossLoopHandOffs.incrementAndGet();
            loop.execute(stackSide);
        }
    }

    /**
     * From the stack's loop: the channel has news to process. Before registration there is no loop to tell;
     * registration processes whatever arrived. After deregistration the last loop still releases what is left.
     */
    private void scheduleChannelTask() {
        EventLoop loop = channelLoop;
        if (loop != null && channelTaskScheduled.compareAndSet(false, true)) {
            if (!loop.inEventLoop()) {
                crossLoopHandOffs.incrementAndGet();
            }
            try {
                loop.execute(channelTask);
            } catch (RejectedExecutionException shutDown) {
                channelTaskScheduled.set(false);
            }
        }
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        channelLoop = eventLoop();
        promise.setSuccess();
        if (stack != null && parent() != null) {
            stack.closeOnShutdown(this);
        }
        // Whatever the connection reported before registration (data, FIN, closure) is processed now.
        channelTaskScheduled.set(true);
        channelLoop.execute(channelTask);
    }

    /** On the channel's loop: what the stack side posted, in order: connected, data, the peer's FIN, closure. */
    private void processStackEvents() {
        channelTaskScheduled.set(false);
        if (connectPromise != null) {
            if (stackSide.established) {
                fulfillConnect();
            } else if (stackSide.closed) {
                failConnect(stackSide.closeCause);
                return;
            } else {
                return;
            }
        }
        if (!open) {
            releaseInbound();
            return;
        }
        // Read before delivering: whatever the connection handed over before it ended is queued by then.
        boolean connectionEnded = stackSide.closed;
        deliverInbound();
        if (stackSide.peerShutdown && !hasInbound() && !peerShutdownHandled) {
            peerShutdownHandled = true;
            peerShutdown();
        }
        // As on Linux, data that arrived before a reset is read before the reset is reported.
        if (connectionEnded && open && (!hasInbound() || inputShutdown)) {
            Throwable cause = stackSide.closeCause;
            releaseInbound();
            if (cause != null) {
                pipeline().fireExceptionCaught(cause);
            }
            unsafe().close(voidPromise());
            return;
        }
        if (writeWaiting && stackSide.connectionWritable && stackSide.inTransit.get() < sendBufferLimit()) {
            writeWaiting = false;
            ((ConnectionUnsafe) unsafe()).flushAgain();
        }
    }

    private void deliverInbound() {
        if ((!config.isAutoRead() && !readPending) || inputShutdown || !hasInbound()) {
            return;
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        do {
            ByteBuf head = partlyRead != null ? partlyRead : stackSide.inbound.poll();
            int limit = handle.guess();
            ByteBuf message;
            if (head.readableBytes() > limit) {
                // The allocator's guess bounds one channelRead, as a socket read into a buffer of that size would.
                message = head.readRetainedSlice(limit);
                partlyRead = head;
            } else {
                message = head;
                partlyRead = null;
            }
            handle.attemptedBytesRead(limit);
            handle.lastBytesRead(message.readableBytes());
            handle.incMessagesRead(1);
            // Each read consumes the pending read() request; one made inside channelRead asks for one more loop.
            readPending = false;
            pipeline.fireChannelRead(message);
        } while (open && !inputShutdown && hasInbound() && continueReading(handle));
        handle.readComplete();
        pipeline.fireChannelReadComplete();
        if (!config.isAutoRead() && !readPending) {
            requestStackReading(false);
        } else if (hasInbound()) {
            // The allocator ended the loop with data left: read on in a later task, after the loop's other work.
            scheduleChannelTask();
        }
    }

    /** Whether more data may follow is known exactly here: whatever is queued. */
    private boolean continueReading(RecvByteBufAllocator.Handle handle) {
        return handle instanceof RecvByteBufAllocator.ExtendedHandle
                ? ((RecvByteBufAllocator.ExtendedHandle) handle).continueReading(inboundQueued)
                : handle.continueReading();
    }

    private boolean hasInbound() {
        return partlyRead != null || !stackSide.inbound.isEmpty();
    }

    private void peerShutdown() {
        inputShutdown = true;
        if (config.isAllowHalfClosure()) {
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        } else {
            unsafe().close(voidPromise());
        }
    }

    private void fulfillConnect() {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        invalidateLocalAddress();
        boolean wasActive = isActive();
        active = true;
        // Taken before the promise's listeners run: one of them may close the channel, and channelActive must
        // still come before the channelInactive that close fires.
        boolean nowActive = isActive();
        boolean accepted = promise.trySuccess();
        if (!wasActive && nowActive) {
            pipeline().fireChannelActive();
        }
        if (!accepted) {
            unsafe().close(voidPromise());
        }
    }

    private void failConnect(Throwable cause) {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        Throwable failure = cause != null ? cause : new ConnectException("connection closed during the handshake");
        promise.tryFailure(((ConnectionUnsafe) unsafe()).annotate(failure, remote));
        unsafe().close(voidPromise());
    }

    private void releaseInbound() {
        if (partlyRead != null) {
            partlyRead.release();
            partlyRead = null;
        }
        ByteBuf data;
        while ((data = stackSide.inbound.poll()) != null) {
            data.release();
        }
    }

    private static InetSocketAddress checkAddress(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        if (inet.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (!inet.getAddress().isAnyLocalAddress() && inet.getAddress().getAddress().length != 4) {
            throw new UnsupportedAddressTypeException();
        }
        return inet;
    }

    private final class ConnectionUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // The promise stays cancellable while the handshake runs: cancelling it abandons the connect.
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (active) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            try {
                InetSocketAddress target = checkAddress(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                int destination = Ipv4Address.fromInetAddress(target.getAddress());
                UserTcpStacks.startForLoop(eventLoop());
                if (stack == null) {
                    try {
                        stack = UserTcpStacks.route(destination);
                    } catch (IllegalStateException e) {
                        throw new NoRouteToHostException(e.getMessage());
                    }
                }
                TcpConnectionOptions options = config.connectionOptions(stack.engine());
                stack.closeOnShutdown(UserTcpSocketChannel.this);
                remote = target;
                connectPromise = promise;
                promise.addListener(done -> {
                    if (done.isCancelled() && connectPromise == done) {
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
                int timeoutMillis = config.getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise pending = connectPromise;
                        if (pending != null && pending.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + target))) {
                            connectPromise = null;
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                stackSide.connectTo(destination, target.getPort(), options);
            } catch (Exception e) {
                connectPromise = null;
                promise.tryFailure(annotate(e, remoteAddress));
                closeIfClosed();
            }
        }

        Throwable annotate(Throwable cause, SocketAddress remoteAddress) {
            return annotateConnectException(cause, remoteAddress);
        }

        void flushAgain() {
            flush0();
        }
    }

    /**
     * The connection's side: {@link TcpConnectionEvents} called by the engine, and the task that carries the
     * channel's requests out, all on the stack's loop. Fields the channel reads are volatile or concurrent.
     */
    private final class StackSide implements TcpConnectionEvents, Runnable {
        final Queue<ByteBuf> inbound = PlatformDependent.newMpscQueue();
        final Queue<ByteBuf> outbound = PlatformDependent.newMpscQueue();
        /** Bytes handed to the stack's loop and not yet in the connection's send buffer. */
        final AtomicLong inTransit = new AtomicLong();
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean established;
        volatile boolean peerShutdown;
        volatile boolean closed;
        volatile Throwable closeCause;
        volatile boolean connectionWritable = true;
        volatile boolean wantRead;
        volatile boolean shutdownRequested;
        volatile boolean closeRequested;
        volatile boolean lingerZero;
        // Stack loop only.
        private TcpConnection connection;
        private boolean shutdownDone;
        private boolean closeDone;
        private boolean keepAliveKnown;
        private boolean keepAliveApplied;
        private boolean finBehindQueuedData;

        /** Active open, run on the stack's loop; the outcome comes back as events. */
        void connectTo(int destination, int port, TcpConnectionOptions options) {
            UserTcpStack target = stack;
            Runnable open = () -> {
                if (closeRequested) {
                    return;
                }
                try {
                    int source = target.stack().config().localAddress();
                    InetSocketAddress bound = local;
                    connection = target.engine().connect(source, bound == null ? 0 : bound.getPort(), destination,
                            port, options, this);
                    connection.setAutoRead(false);
                    applyOptions();
                    local = new InetSocketAddress(Ipv4Address.toInetAddress(source), connection.localPort());
                } catch (IllegalStateException e) {
                    closeCause = new BindException("cannot connect: " + e.getMessage());
                    closed = true;
                    scheduleChannelTask();
                }
            };
            EventLoop loop = target.loop();
            if (loop.inEventLoop()) {
                open.run();
            } else {
                loop.execute(open);
            }
        }

        @Override
        public void onEstablished(TcpConnection connection) {
            if (this.connection == null) {
                // Accepted from a listener: nothing is read until the channel is registered and asks.
                this.connection = connection;
                connection.setAutoRead(false);
                applyOptions();
                local = new InetSocketAddress(Ipv4Address.toInetAddress(connection.localAddress()),
                        connection.localPort());
                remote = new InetSocketAddress(Ipv4Address.toInetAddress(connection.remoteAddress()),
                        connection.remotePort());
                active = true;
            }
            established = true;
            scheduleChannelTask();
        }

        @Override
        public void onData(TcpConnection connection, ByteBuf data) {
            inbound.add(data);
        }

        @Override
        public void onReadComplete(TcpConnection connection) {
            if (finBehindQueuedData && connection.unreadBytes() == 0) {
                finBehindQueuedData = false;
                peerShutdown = true;
            }
            EventLoop loop = channelLoop;
            if (loop != null && loop.inEventLoop() && isRegistered()) {
                processStackEvents();
            } else {
                scheduleChannelTask();
            }
        }

        @Override
        public void onPeerShutdown(TcpConnection connection) {
            if (connection.unreadBytes() > 0) {
                // The FIN comes after the data the connection still holds while the channel is not reading.
                finBehindQueuedData = true;
                return;
            }
            peerShutdown = true;
            scheduleChannelTask();
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
            connectionWritable = writable;
            if (writable && writeWaiting) {
                scheduleChannelTask();
            }
        }

        @Override
        public void onClosed(TcpConnection connection, Throwable cause) {
            closeCause = cause;
            closed = true;
            scheduleChannelTask();
        }

        /** Carries out what the channel asked for, in order: data, reading, half-close, close. */
        @Override
        public void run() {
            scheduled.set(false);
            TcpConnection current = connection;
            if (current == null) {
                if (closeRequested) {
                    releaseOutbound();
                }
                return;
            }
            // Read before taking the data: the channel queues its data before it asks for the FIN or the close,
            // so a request seen here has all its data in the queue. (Read after, a request made while this task
            // runs would overtake data queued just before it, and a close with linger 0 would reset it away.)
            boolean shutdownWanted = shutdownRequested;
            boolean closeWanted = closeRequested;
            ByteBuf data;
            boolean wrote = false;
            while ((data = outbound.poll()) != null) {
                inTransit.addAndGet(-data.readableBytes());
                current.write(data);
                wrote = true;
            }
            if (wrote) {
                current.flush();
                connectionWritable = current.isWritable();
                if (writeWaiting && connectionWritable) {
                    scheduleChannelTask();
                }
            }
            if (!closeWanted && current.isAutoRead() != wantRead) {
                current.setAutoRead(wantRead);
            }
            applyOptions();
            if (shutdownWanted && !shutdownDone) {
                shutdownDone = true;
                current.shutdownOutput();
            }
            if (closeWanted && !closeDone) {
                closeDone = true;
                current.setLingerZero(lingerZero);
                current.close();
                // Nothing is delivered after close; what arrived before it is the channel's to release.
                scheduleChannelTask();
            }
        }

        private void applyOptions() {
            boolean wanted = config.isKeepAlive();
            if (connection != null && (!keepAliveKnown || wanted != keepAliveApplied)) {
                keepAliveKnown = true;
                keepAliveApplied = wanted;
                connection.setKeepAlive(wanted);
            }
            if (connection != null) {
                config.applyTo(connection);
            }
        }

        private void releaseOutbound() {
            ByteBuf data;
            while ((data = outbound.poll()) != null) {
                inTransit.addAndGet(-data.readableBytes());
                data.release();
            }
        }
    }
}
