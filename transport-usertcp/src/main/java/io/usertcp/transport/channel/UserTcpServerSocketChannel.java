package io.usertcp.transport.channel;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.util.internal.PlatformDependent;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.UserTcpStack;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening socket of the usertcp stacks as a Netty {@link ServerSocketChannel}; use it with
 * {@code ServerBootstrap.channel(UserTcpServerSocketChannel.class)} on any event loop group.
 *
 * <p>Binding to an address listens on the stack that owns it; binding to the wildcard address listens on every
 * running stack ({@link UserTcpStacks}), starting the one the {@code usertcp.*} system properties describe when
 * none runs. Port 0 takes a free port from the stack's ephemeral range, reported by {@link #localAddress()}.
 *
 * <p>Connections are accepted on their stack's loop as soon as their handshake completes, each as a
 * {@link UserTcpSocketChannel}, and handed to this channel's loop in batches: one {@code channelRead} per
 * connection and one {@code channelReadComplete} per batch. {@code ServerBootstrap} then registers each child
 * with its child group; a child on its stack's loop talks to its connection directly. With auto-read off,
 * accepted connections wait (reading nothing, their windows closed) until {@code read()}.
 */
public final class UserTcpServerSocketChannel extends AbstractServerChannel implements ServerSocketChannel {
    private final UserTcpServerSocketChannelConfig config = new UserTcpServerSocketChannelConfig(this);
    private final Queue<UserTcpSocketChannel> accepted = PlatformDependent.newMpscQueue();
    private final AtomicBoolean acceptTaskScheduled = new AtomicBoolean();
    private final Runnable acceptTask = this::deliverAccepted;
    private final List<Listening> listenings = new CopyOnWriteArrayList<>();
    private volatile EventLoop channelLoop;
    private volatile InetSocketAddress local;
    private volatile boolean open = true;
    private boolean readPending;

    public UserTcpServerSocketChannel() {
    }

    @Override
    public UserTcpServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && local != null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    /** Any loop: the channel registers no handle with the loop's I/O handler, so it never meets a foreign one. */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        channelLoop = eventLoop();
        promise.setSuccess();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        if (!(localAddress instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress requested = (InetSocketAddress) localAddress;
        InetAddress address = requested.getAddress();
        if (address == null || !address.isAnyLocalAddress() && address.getAddress().length != 4) {
            throw new UnsupportedAddressTypeException();
        }
        boolean wildcard = address.isAnyLocalAddress();
        int ip = wildcard ? Ipv4Address.UNSPECIFIED : Ipv4Address.fromInetAddress(address);
        UserTcpStacks.startForLoop(eventLoop());
        List<UserTcpStack> stacks;
        if (wildcard) {
            stacks = UserTcpStacks.all();
        } else {
            UserTcpStack owner = UserTcpStacks.owning(ip);
            if (owner == null) {
                throw new BindException("Cannot assign requested address: " + address);
            }
            stacks = List.of(owner);
        }
        int port = requested.getPort() != 0 ? requested.getPort()
                : freePort(stacks.get(0).engine().config(), stacks, ip);
        for (UserTcpStack stack : stacks) {
            try {
                listenOn(stack, ip, port);
            } catch (BindException e) {
                closeListeners();
                throw e;
            }
        }
        local = new InetSocketAddress(wildcard ? address : Ipv4Address.toInetAddress(ip), port);
    }

    /** A port free on every stack, tried from a random point of the ephemeral range as Linux does for bind(0). */
    private int freePort(TcpStackConfig tcp, List<UserTcpStack> stacks, int ip) throws Exception {
        int first = tcp.firstEphemeralPort();
        int range = tcp.lastEphemeralPort() - first + 1;
        int start = ThreadLocalRandom.current().nextInt(range);
        for (int attempt = 0; attempt < range; attempt++) {
            int port = first + (start + attempt) % range;
            boolean free = true;
            for (UserTcpStack stack : stacks) {
                free &= onStack(stack, () -> stack.engine().listenerFor(ip, port) == null);
            }
            if (free) {
                return port;
            }
        }
        throw new BindException("no free port in " + first + ".." + tcp.lastEphemeralPort());
    }

    private void listenOn(UserTcpStack stack, int ip, int port) throws Exception {
        TcpEngine engine = stack.engine();
        TcpListener listener = onStack(stack, () -> {
            try {
                return engine.listen(ip, port, config.getBacklog(), config.listenerOptions(engine),
                        opened -> acceptable(stack, opened));
            } catch (IllegalStateException e) {
                return null;
            }
        });
        if (listener == null) {
            throw new BindException("Address already in use: " + Ipv4Address.format(ip) + ':' + port + " on "
                    + stack);
        }
        listenings.add(new Listening(stack, listener));
        stack.closeOnShutdown(this);
    }

    /**
     * An option for accepted connections changed: every listener takes it for the connections it opens from now
     * on. Waits for each stack's loop, as binding does, so an unknown congestion control fails the caller.
     *
     * @throws IllegalArgumentException if a stack has no congestion control of the name set
     */
    void listenerOptionsChanged() {
        for (Listening listening : listenings) {
            TcpListener listener = listening.listener;
            try {
                onStack(listening.stack, () -> {
                    listener.setOptions(config.listenerOptions(listening.stack.engine()));
                    return null;
                });
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                throw new ChannelException("cannot apply the option to " + listening.stack, e);
            }
        }
    }

    /** Runs {@code call} on the stack's loop and waits for it: binding is rare and the stack never waits for us. */
    private static <T> T onStack(UserTcpStack stack, Callable<T> call) throws Exception {
        EventLoop loop = stack.loop();
        if (loop.inEventLoop()) {
            return call.call();
        }
        try {
            return loop.submit(call).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : new IllegalStateException(cause);
        }
    }

    /** On the stack's loop: takes every connection waiting in the listener's accept queue. */
    private void acceptable(UserTcpStack stack, TcpListener listener) {
        while (listener.acceptQueueLength() > 0) {
            UserTcpSocketChannel child = new UserTcpSocketChannel(this, stack);
            TcpConnection connection = listener.accept(child.stackEvents());
            if (connection == null) {
                break;
            }
            accepted.add(child);
        }
        scheduleAcceptTask();
    }

    private void scheduleAcceptTask() {
        EventLoop loop = channelLoop;
        if (loop != null && acceptTaskScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(acceptTask);
            } catch (RejectedExecutionException shutDown) {
                acceptTaskScheduled.set(false);
            }
        }
    }

    /** On this channel's loop: hands the accepted connections to the pipeline, one batch per task. */
    private void deliverAccepted() {
        acceptTaskScheduled.set(false);
        if (!open) {
            closeAccepted();
            return;
        }
        if (!config.isAutoRead() && !readPending) {
            return;
        }
        UserTcpSocketChannel child = accepted.poll();
        if (child == null) {
            return;
        }
        readPending = false;
        ChannelPipeline pipeline = pipeline();
        do {
            pipeline.fireChannelRead(child);
        } while ((child = accepted.poll()) != null);
        pipeline.fireChannelReadComplete();
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        if (!accepted.isEmpty()) {
            scheduleAcceptTask();
        }
    }

    @Override
    protected void doClose() {
        open = false;
        closeListeners();
        closeAccepted();
    }

    private void closeListeners() {
        for (Listening listening : listenings) {
            TcpListener listener = listening.listener;
            EventLoop loop = listening.stack.loop();
            if (loop.inEventLoop()) {
                listener.close();
            } else {
                try {
                    loop.execute(listener::close);
                } catch (RejectedExecutionException shutDown) {
                    // the stack's loop is gone, and the listener with it
                }
            }
        }
        listenings.clear();
    }

    private void closeAccepted() {
        UserTcpSocketChannel child;
        while ((child = accepted.poll()) != null) {
            child.unsafe().closeForcibly();
        }
    }

    private static final class Listening {
        final UserTcpStack stack;
        final TcpListener listener;

        Listening(UserTcpStack stack, TcpListener listener) {
            this.stack = stack;
            this.listener = listener;
        }
    }
}
