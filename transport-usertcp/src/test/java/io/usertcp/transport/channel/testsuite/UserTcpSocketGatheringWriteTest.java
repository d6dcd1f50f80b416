package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketGatheringWriteTest extends SocketGatheringWriteTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return UserTcpTestsuite.combinations();
    }

    @Override
    protected void configure(ServerBootstrap server, Bootstrap client, ByteBufAllocator allocator) {
        super.configure(server, client, allocator);
        UserTcpTestsuite.bindServer(server);
    }
}
