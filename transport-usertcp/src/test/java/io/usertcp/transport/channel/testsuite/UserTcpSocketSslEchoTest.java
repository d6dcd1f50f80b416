package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketSslEchoTest extends SocketSslEchoTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return UserTcpTestsuite.combinations();
    }

    @Override
    protected void configure(ServerBootstrap server, Bootstrap client, ByteBufAllocator allocator) {
        super.configure(server, client, allocator);
        UserTcpTestsuite.bindServer(server);
    }

    /**
     * The suite's parameters without the delegated-task executors and the ChunkedWriteHandler, which change how
     * the SslHandler works but not what it asks of the transport: every renegotiation type with auto-read on and
     * off and plain and composite buffers remains (12 of 96 sets; all 96 take about an hour here).
     */
    static Collection<Object[]> transportParameters() throws Exception {
        return data().stream()
                .filter(set -> !(Boolean) set[3] && !(Boolean) set[4] && !(Boolean) set[6])
                .collect(Collectors.toList());
    }

    @ParameterizedTest(name = "{index}: serverEngine = {0}, clientEngine = {1}, renegotiation = {2}, "
            + "serverUsesDelegatedTaskExecutor = {3}, clientUsesDelegatedTaskExecutor = {4}, "
            + "autoRead = {5}, useChunkedWriteHandler = {6}, useCompositeByteBuf = {7}")
    @MethodSource("transportParameters")
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    @Override
    public void testSslEcho(SslContext serverContext, SslContext clientContext, Renegotiation renegotiation,
                            boolean serverUsesDelegatedTaskExecutor, boolean clientUsesDelegatedTaskExecutor,
                            boolean autoRead, boolean useChunkedWriteHandler, boolean useCompositeByteBuf,
                            TestInfo testInfo) throws Throwable {
        super.testSslEcho(serverContext, clientContext, renegotiation, serverUsesDelegatedTaskExecutor,
                clientUsesDelegatedTaskExecutor, autoRead, useChunkedWriteHandler, useCompositeByteBuf, testInfo);
    }
}
