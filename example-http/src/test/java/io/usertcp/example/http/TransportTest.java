package io.usertcp.example.http;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.usertcp.transport.channel.UserTcpServerSocketChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportTest {
    @Test
    void nioIsAvailable() {
        assertTrue(Transport.NIO.isAvailable());
        assertNull(Transport.NIO.unavailabilityCause());
    }

    @Test
    void usertcpWithoutAConfiguredStackIsUnavailableAndSaysHowToConfigureOne() {
        assertFalse(Transport.USERTCP.isAvailable());
        Throwable cause = Transport.USERTCP.unavailabilityCause();
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("--device NAME --stack-address"), cause.getMessage());
        assertThrows(IllegalStateException.class, Transport.USERTCP::newIoHandlerFactory);
        assertThrows(IllegalStateException.class, Transport.USERTCP::serverChannelClass);
    }

    @Test
    void usertcpServesOnTheUserTcpChannelWithNioLoops() {
        System.setProperty(CommandLine.DEVICE_PROPERTY, "utcp-unused");
        System.setProperty(CommandLine.ADDRESS_PROPERTY, "198.18.0.2/24");
        MultiThreadIoEventLoopGroup group = null;
        try {
            assertEquals(UserTcpServerSocketChannel.class, Transport.USERTCP.serverChannelClass());
            group = new MultiThreadIoEventLoopGroup(1, Transport.USERTCP.newIoHandlerFactory());
            assertTrue(group.isIoType(NioIoHandler.class));
        } finally {
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            }
            System.clearProperty(CommandLine.DEVICE_PROPERTY);
            System.clearProperty(CommandLine.ADDRESS_PROPERTY);
        }
    }

    @Test
    void kernelTransportsStartNoStack() throws IOException {
        assertEquals(List.of(), Transport.NIO.startNetworkStack());
    }

    @Test
    void startingOnUsertcpWithoutAStackFailsInsteadOfFallingBack() {
        ServerOptions options = ServerOptions.defaults().withTransport(Transport.USERTCP)
                .withAddress(InetAddress.getLoopbackAddress()).withPort(0);
        assertThrows(IllegalStateException.class, () -> HttpExampleServer.start(options));
    }

    @Test
    void defaultIsEpollWhereAvailableElseNio() {
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO, Transport.defaultForThisHost());
    }

    @Test
    void commandLineNamesAreLowerCase() {
        assertEquals(Transport.EPOLL, Transport.forCommandLineName("epoll"));
        assertEquals(Transport.NIO, Transport.forCommandLineName("nio"));
        assertEquals(Transport.USERTCP, Transport.forCommandLineName("usertcp"));
        assertNull(Transport.forCommandLineName("NIO"));
    }
}
