package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return UserTcpTestsuite.clients();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return UserTcpTestsuite.kernelAddress();
    }
}
