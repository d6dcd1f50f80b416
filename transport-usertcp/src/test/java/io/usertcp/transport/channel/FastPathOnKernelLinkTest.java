package io.usertcp.transport.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDeviceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast way in: a group made with {@link UserTcpIoHandler#newFactory(UserTcpConfig)} runs its stack itself,
 * here on the device of a {@link KernelLink} (its kernel side moved to the test's namespace, so it is handed
 * over open), against curl and Python in that namespace.
 */
class FastPathOnKernelLinkTest {
    /** Connects, then reports how the connection ended: "eof" (FIN), "reset" (RST) or "data". */
    private static final String WAIT_FOR_END = String.join("\n",
            "import socket, sys",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)",
            "print('connected', flush=True)",
            "try:",
            "    print('eof' if s.recv(100) == b'' else 'data', flush=True)",
            "except ConnectionResetError:",
            "    print('reset', flush=True)",
            "s.close()");

    private KernelLink link;
    private EventLoopGroup group;

    @AfterEach
    void stop() throws Exception {
        try {
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void curlIsServedOnTheStackLoopWithNoHandOff() throws Exception {
        startGroup("fast-path");
        CompletableFuture<UserTcpSocketChannel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.complete((UserTcpSocketChannel) ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                                new HelloHttpHandler("hello from the fast path: "));
                    }
                }).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        CommandResult curl = link.namespace().exec(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "10",
                "http://" + KernelLink.STACK_ADDRESS + ":" + port + "/fast");

        assertTrue(curl.succeeded(), curl.describe());
        assertEquals("hello from the fast path: /fast", curl.stdout());
        UserTcpSocketChannel child = accepted.get(5, TimeUnit.SECONDS);
        assertTrue(child.closeFuture().await(5, TimeUnit.SECONDS), "the child stayed open");
        assertSame(stack().loop(), child.eventLoop());
        assertSame(stack().loop(), server.eventLoop());
        assertEquals(0, child.crossLoopHandOffs());
    }

    @Test
    @Timeout(60)
    void shutdownGracefullyEndsAKernelPeersConnectionWithFin() throws Exception {
        HostRequirements.assumeCommands("python3");
        startGroup("fast-shutdown");
        CompletableFuture<Channel> active = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        active.complete(ctx.channel());
                    }
                }).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        long resetsBefore = kernelEstablishedResets();
        BackgroundProcess peer = link.namespace().start("python3", "-c", WAIT_FOR_END, KernelLink.STACK_ADDRESS,
                String.valueOf(port));
        Channel child = active.get(10, TimeUnit.SECONDS);
        UserTcpStack stack = stack();

        assertTrue(group.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).await(10, TimeUnit.SECONDS),
                "the group did not terminate");

        assertEquals(0, peer.waitFor(Duration.ofSeconds(10)).orElse(-1), peer.output());
        assertEquals("connected\neof", peer.output().strip());
        assertEquals(resetsBefore, kernelEstablishedResets(), "the kernel saw a reset");
        CommandResult unanswered = link.namespace().execOrThrow("ss", "-Htan", "state", "last-ack");
        assertEquals("", unanswered.stdout().strip(), "the stack left the peer's FIN unacknowledged");
        assertFalse(child.isOpen());
        assertFalse(server.isOpen());
        assertFalse(link.device().isOpen(), "the TAP device is still open");
        assertFalse(stack.channel().isOpen());
    }

    @Test
    @Timeout(30)
    void aDeviceThatCannotBeOpenedFailsTheConnectAndLeavesTheLoopRunning() throws Exception {
        // '/' is no interface name: the kernel refuses it, so nothing is created even when run as root.
        UserTcpConfig config = UserTcpConfig.builder("utcp/none", "198.18.0.2/24").build();
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory(config));

        Throwable cause = new Bootstrap().group(group).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect("198.18.0.1", 7).await().cause();

        assertInstanceOf(TapDeviceException.class, cause);
        assertEquals(Integer.valueOf(42), group.next().submit(() -> 42).get(5, TimeUnit.SECONDS));
    }

    private void startGroup(String purpose) throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("curl");
        link = KernelLink.create(purpose, true);
        UserTcpConfig config = UserTcpConfig.builder(link.deviceName(), KernelLink.STACK_ADDRESS + "/24").build();
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory(config, link.device()));
    }

    private static UserTcpStack stack() {
        return UserTcpStacks.owning(Ipv4Address.parse(KernelLink.STACK_ADDRESS));
    }

    /** The kernel's count of connections reset in ESTABLISHED or CLOSE-WAIT, from /proc/net/snmp. */
    private long kernelEstablishedResets() {
        String[] lines = link.namespace().execOrThrow("grep", "^Tcp:", "/proc/net/snmp").stdout().strip().split("\n");
        String[] names = lines[0].split(" ");
        String[] values = lines[1].split(" ");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("EstabResets")) {
                return Long.parseLong(values[i]);
            }
        }
        throw new IllegalStateException("no EstabResets in " + String.join("\n", lines));
    }
}
