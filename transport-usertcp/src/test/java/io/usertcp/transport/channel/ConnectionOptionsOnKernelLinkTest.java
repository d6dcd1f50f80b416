package io.usertcp.transport.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.device.KernelLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-connection socket options ({@code SO_SNDBUF}, {@code SO_RCVBUF}, {@code TCP_NODELAY} and the
 * {@link UserTcpChannelOption}s) honoured by connections between the usertcp stack and the kernel's TCP over a TAP
 * device ({@link StackOnKernelLink}), seen from the kernel (its reads, tcpdump in its namespace) or in the
 * stack's connection itself.
 */
class ConnectionOptionsOnKernelLinkTest {
    /** Connects, reads to the end, prints the byte count. */
    private static final String READING_CLIENT = String.join("\n",
            "import socket, sys",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)",
            "n = 0",
            "while True:",
            "    d = s.recv(65536)",
            "    if not d:",
            "        break",
            "    n += len(d)",
            "print(n)");
    private static final int CHUNK = 512;
    private static final int CHUNKS = 128;

    private StackOnKernelLink fixture;
    private EventLoopGroup nio;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("python3", "tcpdump");
        fixture = StackOnKernelLink.start("conn-options");
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close().await(5, TimeUnit.SECONDS);
            }
            if (nio != null) {
                nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    @Timeout(30)
    void childSendBufferOfAKilobyteHoldsBackAWriteAndStillDeliversIt() throws Exception {
        CompletableFuture<Integer> sendBuffer = new CompletableFuture<>();
        CompletableFuture<Boolean> writableAfterFlush = new CompletableFuture<>();
        int port = listen(new ServerBootstrap().childOption(ChannelOption.SO_SNDBUF, 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 16 * 1024))
                .childHandler(new WriteThenClose(sendBuffer, writableAfterFlush)));

        CommandResult client = readAll(port);

        assertEquals(1024, sendBuffer.get(5, TimeUnit.SECONDS));
        assertFalse(writableAfterFlush.get(5, TimeUnit.SECONDS),
                "the stack took more than its 1 KiB send buffer of a 64 KiB write");
        assertTrue(client.succeeded(), client.describe());
        assertEquals(String.valueOf(CHUNK * CHUNKS), client.stdout().strip());
    }

    @Test
    @Timeout(30)
    void defaultSendBufferTakesTheWholeWrite() throws Exception {
        CompletableFuture<Integer> sendBuffer = new CompletableFuture<>();
        CompletableFuture<Boolean> writableAfterFlush = new CompletableFuture<>();
        int port = listen(new ServerBootstrap()
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 16 * 1024))
                .childHandler(new WriteThenClose(sendBuffer, writableAfterFlush)));

        CommandResult client = readAll(port);

        assertEquals(fixture.stack().engine().config().sendBufferBytes(), sendBuffer.get(5, TimeUnit.SECONDS));
        assertTrue(writableAfterFlush.get(5, TimeUnit.SECONDS));
        assertTrue(client.succeeded(), client.describe());
    }

    @Test
    @Timeout(30)
    void tcpNoDelayIsOnByDefaultSoTheConnectionRunsWithoutNagle() throws Exception {
        TcpConnection connection = acceptedConnection(new ServerBootstrap());

        assertFalse(connection.options().nagle());
    }

    @Test
    @Timeout(30)
    void tcpNoDelayFalseTurnsNagleOnForTheAcceptedConnection() throws Exception {
        TcpConnection connection = acceptedConnection(new ServerBootstrap()
                .childOption(ChannelOption.TCP_NODELAY, false));

        assertTrue(connection.options().nagle());
    }

    @Test
    @Timeout(30)
    void congestionControlOptionSelectsNewReno() throws Exception {
        TcpConnection connection = acceptedConnection(new ServerBootstrap()
                .childOption(UserTcpChannelOption.CONGESTION_CONTROL, "newreno"));

        assertEquals("newreno", connection.congestionControl().name());
    }

    @Test
    @Timeout(30)
    void unknownCongestionControlFailsTheConnectNamingTheAlgorithms() throws Exception {
        Throwable cause = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .option(UserTcpChannelOption.CONGESTION_CONTROL, "vegas")
                .handler(new ChannelInboundHandlerAdapter())
                .connect(KernelLink.KERNEL_ADDRESS, 7011).await().cause();

        assertInstanceOf(IllegalArgumentException.class, cause);
        assertTrue(cause.getMessage().contains("cubic") && cause.getMessage().contains("newreno"),
                cause.getMessage());
    }

    @Test
    @Timeout(30)
    void serverReceiveBufferIsTheWindowOfTheSynAckTheKernelSees() throws Exception {
        int port = listen(new ServerBootstrap().option(ChannelOption.SO_RCVBUF, 8192)
                .childHandler(new CloseAtOnce()));
        BackgroundProcess capture = captureOne("tcp src port " + port + " and tcp[tcpflags] & tcp-syn != 0");

        CommandResult client = readAll(port);

        String synAck = capturedLine(capture);
        assertTrue(client.succeeded(), client.describe());
        assertTrue(synAck.contains("win 8192,") && synAck.contains("wscale 0"), synAck);
    }

    @Test
    @Timeout(30)
    void maxSegmentOptionIsTheMssOfTheSyn() throws Exception {
        int port = 7012;
        fixture.startKernelPeer("sink-server", String.valueOf(port));
        BackgroundProcess capture = captureOne("tcp dst port " + port + " and tcp[tcpflags] == tcp-syn");

        Channel client = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .option(UserTcpChannelOption.TCP_MAXSEG, 1000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(KernelLink.KERNEL_ADDRESS, port).sync().channel();
        try {
            String syn = capturedLine(capture);
            assertTrue(syn.contains("mss 1000,"), syn);
            assertEquals(1000, client.config().getOption(UserTcpChannelOption.TCP_MAXSEG));
        } finally {
            client.close().sync();
        }
    }

    private int listen(ServerBootstrap bootstrap) throws InterruptedException {
        server = bootstrap.group(nio).channel(UserTcpServerSocketChannel.class)
                .bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private CommandResult readAll(int port) {
        return fixture.link().namespace().exec(Duration.ofSeconds(20), "python3", "-c", READING_CLIENT,
                KernelLink.STACK_ADDRESS, String.valueOf(port));
    }

    /**
     * The stack's connection of the first channel {@code bootstrap} accepts from a kernel client, looked up on the
     * stack's loop after the child's options have reached it (the child hands them to that loop before it is
     * registered, so before this lookup).
     */
    private TcpConnection acceptedConnection(ServerBootstrap bootstrap) throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        int port = listen(bootstrap.childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                accepted.complete(ctx.channel());
            }
        }));
        BackgroundProcess client = fixture.link().namespace().start("python3", "-c", READING_CLIENT,
                KernelLink.STACK_ADDRESS, String.valueOf(port));
        Channel child = accepted.get(10, TimeUnit.SECONDS);
        InetSocketAddress local = (InetSocketAddress) child.localAddress();
        InetSocketAddress remote = (InetSocketAddress) child.remoteAddress();
        TcpConnection connection = fixture.loop().submit(() -> fixture.stack().engine().connection(
                Ipv4Address.fromInetAddress(local.getAddress()), local.getPort(),
                Ipv4Address.fromInetAddress(remote.getAddress()), remote.getPort())).get(5, TimeUnit.SECONDS);
        child.close().sync();
        assertEquals(0, client.waitFor(Duration.ofSeconds(10)).orElse(-1), client.output());
        return connection;
    }

    /** tcpdump in the namespace, bounded to one packet matching {@code filter}; returns once it listens. */
    private BackgroundProcess captureOne(String filter) throws InterruptedException {
        BackgroundProcess capture = fixture.link().namespace().start("timeout", "20", "tcpdump", "-i",
                fixture.link().deviceName(), "-n", "-v", "-l", "-c", "1", filter);
        StackOnKernelLink.awaitOutput(capture, "listening on");
        return capture;
    }

    private static String capturedLine(BackgroundProcess capture) {
        assertEquals(0, capture.waitFor(Duration.ofSeconds(15)).orElse(-1), capture.output());
        return capture.output();
    }


    /** Writes 64 KiB in 512-byte buffers at once, notes the send buffer and writability after the flush, closes. */
    private static final class WriteThenClose extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Integer> sendBuffer;
        private final CompletableFuture<Boolean> writableAfterFlush;

        WriteThenClose(CompletableFuture<Integer> sendBuffer, CompletableFuture<Boolean> writableAfterFlush) {
            this.sendBuffer = sendBuffer;
            this.writableAfterFlush = writableAfterFlush;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendBuffer.complete(ctx.channel().config().getOption(ChannelOption.SO_SNDBUF));
            for (int i = 0; i < CHUNKS; i++) {
                ctx.write(Unpooled.wrappedBuffer(new byte[CHUNK]));
            }
            ctx.flush();
            writableAfterFlush.complete(ctx.channel().isWritable());
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static final class CloseAtOnce extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
