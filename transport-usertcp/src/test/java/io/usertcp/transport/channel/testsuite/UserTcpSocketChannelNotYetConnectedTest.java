package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketChannelNotYetConnectedTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketChannelNotYetConnectedTest extends SocketChannelNotYetConnectedTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return UserTcpTestsuite.clients();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return UserTcpTestsuite.clientAddress();
    }

    @Test
    @Disabled("the suite's NIO server binds the wildcard address (bind(0)) and the client connects to that, which the "
            + "kernel takes as loopback: a usertcp stack has no loopback")
    @Override
    public void readMustBePendingUntilChannelIsActive(TestInfo testInfo) {
    }
}
