package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslSessionReuseTest;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

@ExtendWith(UserTcpTestsuite.class)
class UserTcpSocketSslSessionReuseTest extends SocketSslSessionReuseTest {
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
     * The suite runs this with the JDK and the OpenSSL provider; OpenSSL needs netty-tcnative, which is not on the
     * test class path, so only the JDK's runs here.
     */
    @ParameterizedTest(name = "{index}: serverEngine = {0}, clientEngine = {1}")
    @MethodSource("jdkOnly")
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    @Override
    public void testSslSessionTrustManagerResumption(SslContextBuilder server, SslContextBuilder client,
                                                     TestInfo testInfo) throws Throwable {
        super.testSslSessionTrustManagerResumption(server, client, testInfo);
    }
}
