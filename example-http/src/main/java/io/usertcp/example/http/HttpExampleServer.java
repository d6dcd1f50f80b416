package io.usertcp.example.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.usertcp.transport.device.UserTcpStack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example HTTP/1.1 server: {@code GET /}, {@code POST /echo}, {@code GET /bytes/N},
 * {@code GET /stats} and {@code POST /digest} (see {@link CommandLine#USAGE}), with the same handlers on every {@link Transport}.
 * Run it from the command line with {@link #main}, or from code with {@link #start}; the returned
 * handle is the running server.
 */
public final class HttpExampleServer implements AutoCloseable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED_TO_START = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_TRANSPORT_UNAVAILABLE = 3;

    /** Connections waiting to be accepted; load generators open hundreds at once. */
    private static final int ACCEPT_BACKLOG = 1024;
    /** Shutdown waits this long for the event loops to fall quiet, then at most the timeout. */
    private static final long SHUTDOWN_QUIET_MILLIS = 100;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

    private final Transport transport;
    private final Channel serverChannel;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private boolean closed;

    private HttpExampleServer(Transport transport, Channel serverChannel, EventLoopGroup acceptors,
                              EventLoopGroup workers) {
        this.transport = transport;
        this.serverChannel = serverChannel;
        this.acceptors = acceptors;
        this.workers = workers;
    }

    /**
     * Starts listening and returns once the port is bound. Sets the options' {@code usertcp.*} system properties first, then starts the usertcp stack if the
     * transport is usertcp and no stack runs ({@link Transport#startNetworkStack()}).
     *
     * @throws IllegalStateException if the transport is not available on this host
     * @throws IOException           if the stack cannot start, or the server cannot listen on the address and port
     */
    public static HttpExampleServer start(ServerOptions options) throws IOException {
        Transport transport = options.transport();
        applyStackProperties(options);
        List<UserTcpStack> stacks = transport.startNetworkStack();
        IoHandlerFactory ioHandlers = transport.newIoHandlerFactory();
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, ioHandlers);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(options.threads(), ioHandlers);
        InetSocketAddress address = new InetSocketAddress(options.address(), options.port());
        ChannelFuture bound = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .childHandler(new HttpPipelineInitializer(transport, options.maxBodyBytes(), new ServerStats(stacks)))
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDown(acceptors, workers);
            throw new IOException("cannot listen on " + NetUtil.toSocketAddressString(address) + " via "
                    + transport.commandLineName() + ": " + describe(bound.cause()), bound.cause());
        }
        return new HttpExampleServer(transport, bound.channel(), acceptors, workers);
    }

    /** The address the server listens on, with the actual port when started on port 0. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public Transport transport() {
        return transport;
    }

    /** Blocks until the server stops listening. */
    public void awaitClose() {
        serverChannel.closeFuture().awaitUninterruptibly();
    }

    /** Stops listening, closes every connection and ends the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly();
        shutDown(acceptors, workers);
    }

    /** The stack reads its configuration from system properties, where the command line's flags go too. */
    private static void applyStackProperties(ServerOptions options) {
        options.stackProperties().forEach(System::setProperty);
    }

    private static void shutDown(EventLoopGroup acceptors, EventLoopGroup workers) {
        Future<?> acceptorsDone = acceptors.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        Future<?> workersDone = workers.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        acceptorsDone.awaitUninterruptibly();
        workersDone.awaitUninterruptibly();
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /**
     * Runs the command line: prints usage, or reports why the server cannot start, or serves until the
     * JVM is asked to stop (SIGTERM, Ctrl-C). Returns the exit status.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (CommandLine.asksForHelp(args)) {
            out.print(CommandLine.USAGE);
            return EXIT_OK;
        }
        ServerOptions options;
        try {
            options = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("example-http: " + e.getMessage());
            err.println();
            err.print(CommandLine.USAGE);
            return EXIT_USAGE;
        }
        Transport transport = options.transport();
        applyStackProperties(options);
        Throwable unavailable = transport.unavailabilityCause();
        if (unavailable != null) {
            err.println("example-http: transport " + transport.commandLineName() + " is not available: "
                    + describe(unavailable));
            return EXIT_TRANSPORT_UNAVAILABLE;
        }
        HttpExampleServer server;
        try {
            server = start(options);
        } catch (IOException e) {
            err.println("example-http: " + e.getMessage());
            return EXIT_FAILED_TO_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "example-http-shutdown"));
        // Scripts wait for this line before sending requests.
        out.println("example-http listening on " + NetUtil.toSocketAddressString(server.localAddress())
                + " via " + transport.commandLineName());
        out.flush();
        server.awaitClose();
        server.close();
        return EXIT_OK;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
