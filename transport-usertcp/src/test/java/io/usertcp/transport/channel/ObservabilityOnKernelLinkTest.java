package io.usertcp.transport.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.usertcp.capture.PcapCapture;
import io.usertcp.capture.PcapWriterConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.info.TcpConnectionListing;
import io.usertcp.tcp.info.TcpInfo;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostCommand;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.management.StackMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Observability of a stack talking to the kernel over a TAP device ({@link StackOnKernelLink}): a pcap captured
 * from the running stack that tshark reads cleanly, {@link TcpInfo} of an accepted channel, the connection
 * listing and the stack's MXBean.
 */
class ObservabilityOnKernelLinkTest {
    private static final String REQUEST = "hello over usertcp\n";

    private StackOnKernelLink fixture;
    private Channel server;
    private final CompletableFuture<UserTcpSocketChannel> accepted = new CompletableFuture<>();
    private final CompletableFuture<TcpInfo> infoOnTheLoop = new CompletableFuture<>();

    @TempDir
    Path directory;

    @BeforeEach
    void start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("python3", "tshark");
        fixture = StackOnKernelLink.start("observe");
        // One loop: the stack's, so the accepted channels run there and may read tcp_info synchronously
        server = new ServerBootstrap().group(fixture.group()).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.complete((UserTcpSocketChannel) ch);
                        ch.pipeline().addLast(new ReplyOnce());
                    }
                }).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close().sync();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    /** Answers the first data with the same bytes and records the connection's tcp_info, taken on the loop. */
    private final class ReplyOnce extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            infoOnTheLoop.complete(((UserTcpSocketChannel) ctx.channel()).tcpInfoNow());
            ctx.writeAndFlush(msg.retain());
        }
    }

    private int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A kernel client in the namespace: connects, sends {@link #REQUEST}, reads the echo, then holds on. */
    private BackgroundProcess client(double holdSeconds) {
        String script = String.format(Locale.ROOT, "import socket,time\n"
                + "s = socket.create_connection(('%s', %d), timeout=10)\n"
                + "s.sendall(%s)\n"
                + "print(s.recv(100).decode(), end='', flush=True)\n"
                + "time.sleep(%s)\n"
                + "s.close()\n", KernelLink.STACK_ADDRESS, port(), "b'hello over usertcp\\n'", holdSeconds);
        return fixture.link().namespace().start("python3", "-c", script);
    }

    private static void awaitExit(BackgroundProcess process) {
        assertEquals(0, process.waitFor(Duration.ofSeconds(20)).orElse(-1), process.output());
    }

    @Test
    @Timeout(60)
    void captureOfARunningStackReadsCleanInTsharkAndShowsTheHandshake() throws Exception {
        Path file = directory.resolve("observe.pcap");
        try (PcapCapture capture = fixture.stack().startCapture(PcapWriterConfig.of(file)
                .withRotation(1 << 20, 2))) {
            BackgroundProcess client = client(0);
            awaitExit(client);
            assertEquals(REQUEST, client.output());
            accepted.get(10, TimeUnit.SECONDS).closeFuture().await(10, TimeUnit.SECONDS);
        }

        CommandResult decoded = HostCommand.run(Duration.ofSeconds(60), List.of("tshark", "-r", file.toString(),
                "-V", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"));
        assertTrue(decoded.succeeded(), decoded.describe());
        String lower = decoded.stdout().toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("malformed"), decoded.stdout());
        assertFalse(lower.contains("status: bad"), decoded.stdout());
        CommandResult flags = HostCommand.run(Duration.ofSeconds(60), List.of("tshark", "-r", file.toString(),
                "-Y", "tcp.flags.syn == 1", "-T", "fields", "-e", "ip.src", "-e", "tcp.flags.ack"));
        assertTrue(flags.succeeded(), flags.describe());
        // The kernel's SYN, then the stack's SYN-ACK
        assertEquals(KernelLink.KERNEL_ADDRESS + "\tFalse\n" + KernelLink.STACK_ADDRESS + "\tTrue\n",
                normalizedFlags(flags.stdout()), flags.stdout());
    }

    /** tshark prints booleans as 0/1 or False/True depending on its version. */
    private static String normalizedFlags(String fields) {
        return fields.replace("\t0\n", "\tFalse\n").replace("\t1\n", "\tTrue\n");
    }

    @Test
    @Timeout(60)
    void tcpInfoOfAnAcceptedChannelCountsTheExchange() throws Exception {
        BackgroundProcess client = client(0);
        awaitExit(client);
        UserTcpSocketChannel channel = accepted.get(10, TimeUnit.SECONDS);
        channel.closeFuture().await(10, TimeUnit.SECONDS);

        TcpInfo onLoop = infoOnTheLoop.get(10, TimeUnit.SECONDS);
        assertEquals(TcpState.ESTABLISHED, onLoop.state());
        assertEquals(REQUEST.length(), onLoop.bytesReceived());
        TcpInfo last = channel.tcpInfo().get(10, TimeUnit.SECONDS);
        assertEquals(REQUEST.length(), last.bytesReceived());
        assertEquals(REQUEST.length(), last.bytesAcked());
        assertTrue(last.segmentsSent() >= 3, last.toString());
        // RFC 6298 2.2: the first RTT sample replaces the initial 1 s RTO. (SRTT itself may read 0 here: the
        // samples come from 1 ms timestamp ticks and this link's round trip is about 0.1 ms.)
        assertTrue(last.rtoMicros() < 1_000_000, last.toString());
        assertEquals(KernelLink.KERNEL_ADDRESS, last.remoteEndpoint().split(":")[0]);
    }

    @Test
    @Timeout(60)
    void listingShowsAnOpenConnectionWithItsPeer() throws Exception {
        BackgroundProcess client = client(5);
        try {
            infoOnTheLoop.get(10, TimeUnit.SECONDS);
            TcpConnectionListing listing = fixture.stack().monitor().connections(100).get(10, TimeUnit.SECONDS);

            assertEquals(1, listing.totalConnections(), listing.toString());
            TcpInfo connection = listing.connections().get(0);
            assertEquals(TcpState.ESTABLISHED, connection.state());
            assertEquals(KernelLink.STACK_ADDRESS + ":" + port(), connection.localEndpoint());
            assertTrue(listing.toString().contains("ESTAB"), listing.toString());
        } finally {
            awaitExit(client);
        }
    }

    @Test
    @Timeout(60)
    void mxbeanShowsCountersWhileTheStackRunsAndGoesWithIt() throws Exception {
        awaitExit(client(0));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = StackMonitor.objectName(fixture.link().deviceName());

        assertTrue(server.isRegistered(name));
        assertEquals(KernelLink.STACK_ADDRESS + "/24", server.getAttribute(name, "Address"));
        Map<String, Long> counters = fixture.stack().monitor().getCounters();
        assertTrue(counters.get("tcp_passive_opens") >= 1, counters.toString());
        assertTrue(counters.get("frames_in") > 0, counters.toString());
        assertTrue(server.getAttribute(name, "Counters") != null);
        assertTrue(((String) server.getAttribute(name, "ConnectionListing")).startsWith("State"));

        fixture.stack().close();
        assertFalse(server.isRegistered(name));
    }

    @Test
    @Timeout(60)
    void captureStartedThroughJmxWritesAFile() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = StackMonitor.objectName(fixture.link().deviceName());
        Path file = directory.resolve("jmx.pcap");

        server.invoke(name, "startCapture", new Object[] {file.toString(), 1L << 20, 1},
                new String[] {String.class.getName(), long.class.getName(), int.class.getName()});
        assertEquals(file.toString(), server.getAttribute(name, "CaptureFile"));
        awaitExit(client(0));
        server.invoke(name, "stopCapture", new Object[0], new String[0]);

        assertEquals("", server.getAttribute(name, "CaptureFile"));
        assertTrue(Files.size(file) > 24, "only the pcap header was written");
    }
}
