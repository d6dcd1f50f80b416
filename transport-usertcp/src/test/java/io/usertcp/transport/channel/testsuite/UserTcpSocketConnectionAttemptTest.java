package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return UserTcpTestsuite.clients();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return UserTcpTestsuite.kernelAddress();
    }

    @Test
    @Disabled("connects to NetUtil.LOCALHOST: a usertcp stack has no loopback; KernelPeerTest covers a refused connect")
    @Override
    public void testConnectRefused(TestInfo testInfo) {
    }

    @Test
    @Disabled("connects to NetUtil.LOCALHOST: a usertcp stack has no loopback; KernelPeerTest covers a refused connect")
    @Override
    public void testConnectRefusedHalfClosure(TestInfo testInfo) {
    }
}
