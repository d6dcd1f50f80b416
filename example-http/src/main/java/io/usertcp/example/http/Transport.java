package io.usertcp.example.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.channel.UserTcpServerSocketChannel;
import io.usertcp.transport.device.UserTcpStack;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one place where the server's I/O transport is chosen. Everything above it (bootstrap, pipeline,
 * handlers) is the same for every transport, which is the point of the example: moving a Netty server
 * onto usertcp changes the channel class and nothing else.
 */
public enum Transport {
    /**
     * usertcp's own TCP/IP stack over a TAP device, configured by the {@code usertcp.*} system properties
     * ({@link UserTcpConfig#fromSystemProperties()}). The server keeps ordinary NIO event loops, exactly as
     * a NIO server has them: the stack runs on a usertcp loop of its own ({@link UserTcpStacks}) and the
     * usertcp channels work on any loop, so the bootstrap differs from NIO by the channel class alone.
     * NIO rather than epoll loops, because these loops do no kernel I/O of their own here.
     */
    USERTCP(Transport::userTcpUnavailabilityCause, NioIoHandler::newFactory, UserTcpServerSocketChannel.class),
    /** Kernel TCP through Netty's native epoll transport (Linux only). */
    EPOLL(Epoll::unavailabilityCause, EpollIoHandler::newFactory, EpollServerSocketChannel.class),
    /** Kernel TCP through Java NIO, available on every JVM. */
    NIO(() -> null, NioIoHandler::newFactory, NioServerSocketChannel.class);

    private final Supplier<Throwable> unavailabilityCause;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverChannelClass;

    Transport(Supplier<Throwable> unavailabilityCause, Supplier<IoHandlerFactory> ioHandlerFactory,
              Class<? extends ServerChannel> serverChannelClass) {
        this.unavailabilityCause = unavailabilityCause;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverChannelClass = serverChannelClass;
    }

    /** epoll where this host has it, NIO elsewhere. */
    public static Transport defaultForThisHost() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /** The transport named {@code name} on the command line ({@code usertcp}, {@code epoll}, {@code nio}), or null. */
    public static Transport forCommandLineName(String name) {
        for (Transport transport : values()) {
            if (transport.commandLineName().equals(name)) {
                return transport;
            }
        }
        return null;
    }

    public String commandLineName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why this transport cannot run on this host, or null when it can. */
    public Throwable unavailabilityCause() {
        return unavailabilityCause.get();
    }

    /** A factory for the event loops' I/O handlers. */
    public IoHandlerFactory newIoHandlerFactory() {
        requireAvailable();
        return ioHandlerFactory.get();
    }

    /** The listening channel class for {@code ServerBootstrap.channel}. */
    public Class<? extends ServerChannel> serverChannelClass() {
        requireAvailable();
        return serverChannelClass;
    }

    /**
     * Brings up the network stack a bind needs. Kernel transports have the kernel's. For usertcp, the stack the
     * {@code usertcp.*} system properties describe is started unless a stack runs already, so that binding to
     * its address finds it; it belongs to the JVM from then on, as an interface belongs to the host.
     *
     * @return the usertcp stacks running in this JVM, or nothing for kernel transports
     * @throws IOException if the usertcp stack cannot start (no TAP device, bad address...), saying why
     */
    public List<UserTcpStack> startNetworkStack() throws IOException {
        requireAvailable();
        if (this != USERTCP) {
            return List.of();
        }
        try {
            return UserTcpStacks.all();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void requireAvailable() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException("transport " + commandLineName() + " is not available: "
                    + cause.getMessage(), cause);
        }
    }

    /** Null when the system properties describe a stack or one runs in this JVM already. */
    private static Throwable userTcpUnavailabilityCause() {
        if (UserTcpConfig.isConfiguredBySystemProperties()) {
            return null;
        }
        try {
            // With no usertcp.* properties this starts nothing: it lists running stacks or throws.
            UserTcpStacks.all();
            return null;
        } catch (IllegalStateException noStack) {
            return new IllegalStateException("no usertcp stack is configured: pass --device NAME --stack-address"
                    + " A.B.C.D/PREFIX, or set the system properties -Dusertcp.device and -Dusertcp.address", noStack);
        }
    }
}
