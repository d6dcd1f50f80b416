package io.usertcp.example.http;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

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
    void usertcpIsNotAvailableYet() {
        assertFalse(Transport.USERTCP.isAvailable());
        assertNotNull(Transport.USERTCP.unavailabilityCause());
        assertThrows(IllegalStateException.class, Transport.USERTCP::newIoHandlerFactory);
        assertThrows(IllegalStateException.class, Transport.USERTCP::serverChannelClass);
    }

    @Test
    void startingOnUsertcpFailsInsteadOfFallingBack() {
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
