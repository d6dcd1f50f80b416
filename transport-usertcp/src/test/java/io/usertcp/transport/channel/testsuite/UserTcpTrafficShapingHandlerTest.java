package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpTrafficShapingHandlerTest extends TrafficShapingHandlerTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return UserTcpTestsuite.combinations();
    }

    @Override
    protected void configure(ServerBootstrap server, Bootstrap client, ByteBufAllocator allocator) {
        super.configure(server, client, allocator);
        UserTcpTestsuite.bindServer(server);
    }

    @Test
    @Disabled("its server counts whole 1024-byte messages per channelRead and drops the rest of the read: two messages "
            + "sent at once cross a 1500-byte MTU link as 1448 + 600 bytes, so the second is never counted (loopback only)")
    @Override
    public void testNoTrafficShapping(TestInfo testInfo) {
    }

    @Test
    @Disabled("its server counts whole 1024-byte messages per channelRead and drops the rest of the read: two messages "
            + "sent at once cross a 1500-byte MTU link as 1448 + 600 bytes, so the second is never counted (loopback only)")
    @Override
    public void testReadTrafficShapping(TestInfo testInfo) {
    }

    @Test
    @Disabled("its server counts whole 1024-byte messages per channelRead and drops the rest of the read: two messages "
            + "sent at once cross a 1500-byte MTU link as 1448 + 600 bytes, so the second is never counted (loopback only)")
    @Override
    public void testReadGlobalTrafficShapping(TestInfo testInfo) {
    }
}
