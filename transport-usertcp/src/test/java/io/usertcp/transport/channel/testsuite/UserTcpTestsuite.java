package io.usertcp.transport.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.AttributeKey;
import io.usertcp.transport.channel.UserTcpServerSocketChannel;
import io.usertcp.transport.channel.UserTcpSocketChannel;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Netty's socket testsuite against usertcp, the way Netty's epoll transport runs it against epoll: each
 * test class extends the suite's class, takes its bootstraps from {@link #combinations()} and binds with
 * {@link #bindServer}. As an extension it starts {@link BridgedStacks} and the event loops before a class and
 * stops them after it, and runs each test on a thread moved into the namespace, where the NIO sockets of the
 * suite are created.
 *
 * <p>Combinations, all with the kernel or a second stack as the peer through real TAP devices: usertcp server
 * with NIO client; NIO server with usertcp client; usertcp server with usertcp client. The usertcp channels run
 * on NIO loops (the drop-in way in), so every test also crosses between the channels' loops and the stacks'.
 */
public final class UserTcpTestsuite implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final AttributeKey<InetSocketAddress> BIND = AttributeKey.valueOf("usertcp.testsuite.bind");
    private static final AttributeKey<InetSocketAddress> CLIENT_BIND =
            AttributeKey.valueOf("usertcp.testsuite.clientBind");
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(UserTcpTestsuite.class);

    private static BridgedStacks stacks;
    private static EventLoopGroup boss;
    private static EventLoopGroup workers;

    static List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> combinations() {
        return List.of(
                combination("usertcp server, NIO client", true, false),
                combination("NIO server, usertcp client", false, true),
                combination("usertcp server, usertcp client", true, true));
    }

    /** For the suite's client-only tests: a usertcp client, the kernel's socket in the namespace as the server. */
    static List<BootstrapFactory<Bootstrap>> clients() {
        return List.of(() -> new Bootstrap().group(workers).channel(UserTcpSocketChannel.class));
    }

    /** For the suite's server-only tests: a usertcp server, the kernel's socket in the namespace as the client. */
    static List<BootstrapFactory<ServerBootstrap>> servers() {
        return List.of(() -> new ServerBootstrap().group(boss, workers).channel(UserTcpServerSocketChannel.class));
    }

    /** Where a client-only test's kernel server listens. */
    static InetSocketAddress kernelAddress() {
        return new InetSocketAddress(BridgedStacks.KERNEL_ADDRESS, 0);
    }

    /** Where a server-only test's usertcp server listens. */
    static InetSocketAddress serverAddress() {
        return new InetSocketAddress(BridgedStacks.SERVER_ADDRESS, 0);
    }

    /** What a client-only test's usertcp client binds to: its stack's address, the port chosen at connect. */
    static InetSocketAddress clientAddress() {
        return new InetSocketAddress(BridgedStacks.CLIENT_ADDRESS, 0);
    }

    /** What the client of a combination binds to before connecting: its stack's address, or the kernel's. */
    static InetSocketAddress clientBindAddress(Bootstrap client) {
        return (InetSocketAddress) client.config().attrs().get(CLIENT_BIND);
    }

    private static BootstrapComboFactory<ServerBootstrap, Bootstrap> combination(String name, boolean userTcpServer,
                                                                                 boolean userTcpClient) {
        return new BootstrapComboFactory<>() {
            @Override
            public ServerBootstrap newServerInstance() {
                ServerBootstrap server = new ServerBootstrap().group(boss, workers);
                if (userTcpServer) {
                    return server.channel(UserTcpServerSocketChannel.class)
                            .attr(BIND, new InetSocketAddress(BridgedStacks.SERVER_ADDRESS, 0));
                }
                return server.channel(NioServerSocketChannel.class)
                        .attr(BIND, new InetSocketAddress(BridgedStacks.KERNEL_ADDRESS, 0));
            }

            @Override
            public Bootstrap newClientInstance() {
                if (userTcpClient) {
                    return new Bootstrap().group(workers).channel(UserTcpSocketChannel.class)
                            .attr(CLIENT_BIND, clientAddress());
                }
                return new Bootstrap().group(workers).channel(NioSocketChannel.class)
                        .attr(CLIENT_BIND, new InetSocketAddress(BridgedStacks.KERNEL_ADDRESS, 0));
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** The suite binds to loopback; here the server binds to its stack's address, or the kernel's. */
    static void bindServer(ServerBootstrap server) {
        server.localAddress((InetSocketAddress) server.config().attrs().get(BIND));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stacks = BridgedStacks.start();
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            // Stacks first: their shutdown closes the usertcp channels the suite leaves open (accepted channels it
            // never closes, some holding unread data), and those channels close on the workers, which must still run.
            if (stacks != null) {
                stacks.close();
            }
        } finally {
            stacks = null;
            if (boss != null) {
                boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
            boss = null;
            workers = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(STORE).put(ThreadNetworkNamespace.class,
                ThreadNetworkNamespace.enter(stacks.namespaceName()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ThreadNetworkNamespace entered = context.getStore(STORE).remove(ThreadNetworkNamespace.class,
                ThreadNetworkNamespace.class);
        if (entered != null) {
            entered.close();
        }
    }
}
