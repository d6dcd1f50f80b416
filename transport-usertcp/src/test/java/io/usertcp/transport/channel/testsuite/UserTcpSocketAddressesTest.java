package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketAddressesTest extends SocketAddressesTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return UserTcpTestsuite.combinations();
    }

    @Override
    protected void configure(ServerBootstrap server, Bootstrap client, ByteBufAllocator allocator) {
        super.configure(server, client, allocator);
        UserTcpTestsuite.bindServer(server);
    }

    /** The suite binds the client to this before connecting: the client's own stack, or the kernel. */
    @Override
    protected SocketAddress newSocketAddress() {
        return UserTcpTestsuite.clientBindAddress(cb);
    }

    @Override
    protected void assertAddress(SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        assertTrue(inet.getPort() > 0, "port of " + inet);
        assertFalse(inet.getAddress().isAnyLocalAddress(), "address of " + inet);
    }
}
