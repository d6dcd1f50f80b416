package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpServerSocketSuspendTest extends ServerSocketSuspendTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return UserTcpTestsuite.servers();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return UserTcpTestsuite.serverAddress();
    }
}
