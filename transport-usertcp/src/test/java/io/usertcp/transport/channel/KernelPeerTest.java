package io.usertcp.transport.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.CharsetUtil;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.device.KernelLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty applications on the usertcp stack against the Linux kernel's TCP through a real TAP device
 * ({@link StackOnKernelLink}): curl and a Python peer in the namespace at 198.18.0.1, the stack at 198.18.0.2.
 * Servers and clients run on NIO event loops (the drop-in way in: work crosses to the stack's loop) or on the
 * stack's own loop (no hand-off).
 */
class KernelPeerTest {
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;
    private static final int SEED = 20240917;

    private StackOnKernelLink fixture;
    private EventLoopGroup nio;

    @BeforeEach
    void start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("curl", "python3", "sysctl");
        fixture = StackOnKernelLink.start("kernel-peer");
        nio = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        try {
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
    void curlGetsTheAnswerOfAnHttpServerOnNioLoops() throws Exception {
        Channel server = new ServerBootstrap().group(nio).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                                new HelloHttpHandler("hello from usertcp: "));
                    }
                }).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            CommandResult curl = fixture.link().namespace().exec(Duration.ofSeconds(20), "curl", "-sS",
                    "--max-time", "10", "http://" + KernelLink.STACK_ADDRESS + ":" + port + "/hello");

            assertTrue(curl.succeeded(), curl.describe());
            assertEquals("hello from usertcp: /hello", curl.stdout());
        } finally {
            server.close().sync();
        }
    }

    @Test
    @Timeout(30)
    void curlGetsTheAnswerOfAnHttpServerOnTheStackLoop() throws Exception {
        Channel server = new ServerBootstrap().group(fixture.loop()).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                                new HelloHttpHandler("hello from usertcp: "));
                    }
                }).bind(0).sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            CommandResult curl = fixture.link().namespace().exec(Duration.ofSeconds(20), "curl", "-sS",
                    "--max-time", "10", "http://" + KernelLink.STACK_ADDRESS + ":" + port + "/");

            assertTrue(curl.succeeded(), curl.describe());
            assertEquals("hello from usertcp: /", curl.stdout());
        } finally {
            server.close().sync();
        }
    }

    @Test
    @Timeout(120)
    void echoServerReturnsAHundredMegabytesToAKernelClient() throws Exception {
        Channel server = new ServerBootstrap().group(nio).channel(UserTcpServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Echo()).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            CommandResult client = fixture.runKernelPeer(Duration.ofSeconds(100), "echo-client",
                    KernelLink.STACK_ADDRESS, String.valueOf(port), String.valueOf(HUNDRED_MEGABYTES),
                    String.valueOf(SEED));

            assertTrue(client.succeeded(), client.describe());
            String[] words = client.stdout().strip().split(" ");
            assertEquals("sent", words[0], client.stdout());
            assertEquals(words[1], words[3], "the echo differs from what was sent");
            assertEquals(HUNDRED_MEGABYTES, Long.parseLong(words[4]));
        } finally {
            server.close().sync();
        }
    }

    @Test
    @Timeout(120)
    void clientSendsAHundredMegabytesToAKernelServer() throws Exception {
        int port = 7001;
        BackgroundProcess sink = fixture.startKernelPeer("sink-server", String.valueOf(port));
        Upload upload = new Upload(HUNDRED_MEGABYTES);
        Channel client = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class).handler(upload)
                .connect(KernelLink.KERNEL_ADDRESS, port).sync().channel();

        assertEquals(0, sink.waitFor(Duration.ofSeconds(100)).orElse(-1), sink.output());
        String[] words = sink.output().strip().lines().reduce((first, last) -> last).orElseThrow().split(" ");
        assertEquals("received", words[0], sink.output());
        assertEquals(upload.sent.get(5, TimeUnit.SECONDS), words[1], "the kernel received other bytes");
        assertEquals(HUNDRED_MEGABYTES, Long.parseLong(words[2]));
        client.closeFuture().await(10, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(120)
    void clientOnTheStackLoopReceivesAHundredMegabytesFromAKernelServer() throws Exception {
        int port = 7002;
        BackgroundProcess source = fixture.startKernelPeer("source-server", String.valueOf(port),
                String.valueOf(HUNDRED_MEGABYTES), String.valueOf(SEED));
        Download download = new Download();
        new Bootstrap().group(fixture.loop()).channel(UserTcpSocketChannel.class)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true).handler(download)
                .connect(KernelLink.KERNEL_ADDRESS, port).sync();

        String received = download.received.get(100, TimeUnit.SECONDS);
        assertEquals(0, source.waitFor(Duration.ofSeconds(10)).orElse(-1), source.output());
        String[] words = source.output().strip().lines().reduce((first, last) -> last).orElseThrow().split(" ");
        assertEquals("sent", words[0], source.output());
        assertEquals(words[1], received, "received other bytes than the kernel sent");
        assertEquals(HUNDRED_MEGABYTES, download.count);
    }

    @Test
    @Timeout(30)
    void connectToAClosedPortIsRefused() throws Exception {
        Throwable cause = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(KernelLink.KERNEL_ADDRESS, 7003).await().cause();

        assertInstanceOf(ConnectException.class, cause);
        assertTrue(cause.getMessage().startsWith("Connection refused"), cause.getMessage());
    }

    @Test
    @Timeout(30)
    void resetByTheKernelSurfacesAsConnectionResetByPeer() throws Exception {
        int port = 7004;
        fixture.startKernelPeer("reset-server", String.valueOf(port));
        CompletableFuture<Throwable> caught = new CompletableFuture<>();
        Channel client = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        caught.complete(cause);
                    }
                }).connect(KernelLink.KERNEL_ADDRESS, port).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer("reset me", CharsetUtil.US_ASCII));

        Throwable cause = caught.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, cause);
        assertEquals("Connection reset by peer", cause.getMessage());
        assertTrue(client.closeFuture().await(5, TimeUnit.SECONDS), "the channel stayed open after the reset");
    }

    @Test
    @Timeout(30)
    void connectsGetDistinctEphemeralPorts() throws Exception {
        int port = 7005;
        fixture.startKernelPeer("sink-server", String.valueOf(port));
        Channel first = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(KernelLink.KERNEL_ADDRESS, port).sync().channel();
        int firstPort = ((InetSocketAddress) first.localAddress()).getPort();
        first.close().sync();
        Throwable second = new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(KernelLink.KERNEL_ADDRESS, 7006).await().cause();

        assertTrue(firstPort >= fixture.stack().engine().config().firstEphemeralPort(), "port " + firstPort);
        assertInstanceOf(ConnectException.class, second);
        assertNotEquals(0, firstPort);
    }


    /** Echoes with backpressure: stops reading while the echo cannot be written; closes after the peer's FIN. */
    private static final class Echo extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.write(msg);
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush();
                    if (!ctx.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(false);
                    }
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    if (ctx.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    }
                }
            });
        }
    }

    /** Writes {@code total} seeded random bytes as fast as writability allows, then shuts output down. */
    private static final class Upload extends ChannelInboundHandlerAdapter {
        private static final int CHUNK = 64 * 1024;
        final CompletableFuture<String> sent = new CompletableFuture<>();
        private final Random random = new Random(SEED);
        private final MessageDigest digest = sha256();
        private final byte[] chunk = new byte[CHUNK];
        private long left;

        Upload(long total) {
            this.left = total;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        private void writeMore(ChannelHandlerContext ctx) {
            ChannelFuture written = null;
            while (left > 0 && ctx.channel().isWritable()) {
                int size = (int) Math.min(CHUNK, left);
                random.nextBytes(chunk);
                digest.update(chunk, 0, size);
                written = ctx.write(Unpooled.copiedBuffer(chunk, 0, size));
                left -= size;
            }
            ctx.flush();
            if (left == 0 && written != null) {
                sent.complete(HexFormat.of().formatHex(digest.digest()));
                // Shutting output down fails what Netty still holds, as with NIO: wait for the last write.
                written.addListener(done -> ((SocketChannel) ctx.channel()).shutdownOutput());
            }
        }
    }

    /** Hashes everything received until the peer's FIN. */
    private static final class Download extends ChannelInboundHandlerAdapter {
        final CompletableFuture<String> received = new CompletableFuture<>();
        private final MessageDigest digest = sha256();
        long count;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                count += data.readableBytes();
                digest.update(data.nioBuffer());
            } finally {
                data.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                received.complete(HexFormat.of().formatHex(digest.digest()));
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.completeExceptionally(cause);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
