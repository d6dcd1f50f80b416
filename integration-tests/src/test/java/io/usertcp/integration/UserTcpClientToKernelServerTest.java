package io.usertcp.integration;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.channel.UserTcpSocketChannel;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Netty HTTP client on the usertcp stack in this JVM against a server on the kernel's TCP: example-http on epoll
 * in the namespace of a {@link KernelLink}, listening on the kernel's side of the TAP. The client's channels run on
 * NIO loops, so every read and write crosses to the stack's loop. A hundred megabytes go each way, SHA-256
 * verified: the download against {@code /bytes/N}'s pattern, the upload by the server's {@code /digest}.
 */
@Timeout(300)
class UserTcpClientToKernelServerTest {
    private static final int PORT = 8080;
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;
    private static final long TRANSFER_TIMEOUT_SECONDS = 240;

    private static KernelLink link;
    private static EventLoopGroup stackGroup;
    private static UserTcpStack stack;
    private static EventLoopGroup nio;
    private static ExampleServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("sysctl");
        link = KernelLink.create("client-kernel", true);
        stackGroup = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
        stack = UserTcpStacks.start(link.device(),
                UserTcpConfig.builder(link.deviceName(), KernelLink.STACK_ADDRESS + "/24").build(), stackGroup.next());
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = ExampleServerProcess.start(link.namespace(), "epoll", KernelLink.KERNEL_ADDRESS, PORT);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            if (nio != null) {
                nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
            if (stack != null) {
                stack.close();
            }
            if (stackGroup != null) {
                stackGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    @Test
    void downloadOfAHundredMegabytesFromTheKernelArrivesIntact() throws Exception {
        Download download = new Download();
        long start = System.nanoTime();
        Channel channel = connect(download);
        try {
            channel.writeAndFlush(request(HttpMethod.GET, "/bytes/" + HUNDRED_MEGABYTES));
            String received = download.digest.get(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            printRate("usertcp client GET /bytes/" + HUNDRED_MEGABYTES + " from the kernel", start);
            assertEquals(200, download.status);
            assertEquals(HUNDRED_MEGABYTES, download.length);
            assertEquals(PatternDigest.ofPattern(HUNDRED_MEGABYTES), received);
        } finally {
            channel.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void uploadOfAHundredMegabytesToTheKernelArrivesIntact() throws Exception {
        StreamingUpload upload = new StreamingUpload(KernelLink.KERNEL_ADDRESS + ":" + PORT, HUNDRED_MEGABYTES,
                31);
        long start = System.nanoTime();
        Channel channel = connect(upload);
        try {
            String answer = upload.answer.get(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            printRate("usertcp client POST " + HUNDRED_MEGABYTES + " bytes to the kernel's /digest", start);
            assertEquals("length=" + HUNDRED_MEGABYTES + " sha256=" + upload.sentDigest(), answer.strip(),
                    () -> "server output:\n" + server.output());
        } finally {
            channel.close().await(5, TimeUnit.SECONDS);
        }
    }

    private static Channel connect(ChannelInboundHandlerAdapter handler) throws InterruptedException {
        return new Bootstrap().group(nio).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), handler);
                    }
                })
                .connect(KernelLink.KERNEL_ADDRESS, PORT).sync().channel();
    }

    private static HttpRequest request(HttpMethod method, String path) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, path);
        request.headers().set(HttpHeaderNames.HOST, KernelLink.KERNEL_ADDRESS + ":" + PORT);
        return request;
    }

    private static void printRate(String transfer, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%s: %.1f MB/s, %.2f s%n", transfer, HUNDRED_MEGABYTES / 1e6 / seconds, seconds);
    }

    /** Hashes the response body as it streams in; completes with its SHA-256 at the last content. */
    private static final class Download extends ChannelInboundHandlerAdapter {
        final CompletableFuture<String> digest = new CompletableFuture<>();
        private final MessageDigest sha256 = PatternDigest.sha256();
        volatile int status;
        volatile long length;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    status = response.status().code();
                }
                if (msg instanceof HttpContent content) {
                    ByteBuf data = content.content();
                    sha256.update(data.nioBuffer());
                    length += data.readableBytes();
                    if (content instanceof LastHttpContent) {
                        digest.complete(HexFormat.of().formatHex(sha256.digest()));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            digest.completeExceptionally(new IllegalStateException("closed after " + length + " body bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            digest.completeExceptionally(cause);
            ctx.close();
        }
    }
}
