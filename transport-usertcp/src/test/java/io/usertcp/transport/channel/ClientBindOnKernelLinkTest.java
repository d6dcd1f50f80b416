package io.usertcp.transport.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.device.KernelLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients bound to a fixed local port before connect ({@code Bootstrap.localAddress}), against the kernel. */
class ClientBindOnKernelLinkTest {
    /** Accepts one connection and prints the port it came from. */
    private static final String REPORT_PEER_PORT = String.join("\n",
            "import socket, sys",
            "server = socket.socket()",
            "server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "server.bind((sys.argv[1], int(sys.argv[2])))",
            "server.listen(1)",
            "print('listening', flush=True)",
            "server.settimeout(20)",
            "connection, peer = server.accept()",
            "print('peer port', peer[1], flush=True)",
            "connection.close()");

    private StackOnKernelLink fixture;

    @BeforeEach
    void start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("python3");
        fixture = StackOnKernelLink.start("client-bind");
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Timeout(30)
    void clientBoundToAFixedPortConnectsFromThatPort() throws Exception {
        int localPort = 40123;
        BackgroundProcess server = fixture.link().namespace().start("python3", "-c", REPORT_PEER_PORT,
                KernelLink.KERNEL_ADDRESS, "7101");
        StackOnKernelLink.awaitOutput(server, "listening");

        Channel client = new Bootstrap().group(fixture.group()).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .localAddress(KernelLink.STACK_ADDRESS, localPort)
                .connect(KernelLink.KERNEL_ADDRESS, 7101).sync().channel();

        assertEquals(0, server.waitFor(Duration.ofSeconds(10)).orElse(-1), server.output());
        assertTrue(server.output().contains("peer port " + localPort), server.output());
        assertEquals(localPort, ((InetSocketAddress) client.localAddress()).getPort());
        client.close().sync();
    }

    @Test
    @Timeout(30)
    void bindingAClientToAPortInUseFailsWithAddressAlreadyInUse() throws Exception {
        Channel listening = new ServerBootstrap().group(fixture.group()).channel(UserTcpServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(KernelLink.STACK_ADDRESS, 0).sync().channel();
        int taken = ((InetSocketAddress) listening.localAddress()).getPort();

        Throwable cause = new Bootstrap().group(fixture.group()).channel(UserTcpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .localAddress(KernelLink.STACK_ADDRESS, taken)
                .connect(KernelLink.KERNEL_ADDRESS, 7102).await().cause();

        // As NIO reports it: the connect's SocketException names the remote address and wraps the BindException.
        assertInstanceOf(SocketException.class, cause);
        Throwable bind = cause instanceof BindException ? cause : cause.getCause();
        assertInstanceOf(BindException.class, bind);
        assertTrue(bind.getMessage().startsWith("Address already in use"), bind.getMessage());
        listening.close().sync();
    }
}
