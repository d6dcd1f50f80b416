package io.usertcp.example.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one place where the server's I/O transport is chosen. Everything above it (bootstrap, pipeline,
 * handlers) is the same for every transport, which is the point of the example: moving a Netty server
 * onto usertcp changes the {@link #USERTCP} line and nothing else.
 */
public enum Transport {
    /** usertcp's own TCP/IP stack over a TAP device. Its channel classes land with the transport (issue 4). */
    USERTCP(Transport::userTcpNotBuiltYet, null, null),
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

    private void requireAvailable() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new IllegalStateException("transport " + commandLineName() + " is not available: "
                    + cause.getMessage(), cause);
        }
    }

    private static Throwable userTcpNotBuiltYet() {
        return new UnsupportedOperationException(
                "the user-space TCP transport is not built yet; its channels land with issue 4");
    }
}
