package io.usertcp.transport.channel;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;

import java.util.concurrent.TimeUnit;

/**
 * The end-to-end fixture: a {@link KernelLink} (TAP device, kernel side {@value KernelLink#KERNEL_ADDRESS}/24 in
 * a namespace of the test's own, IPv6 off) with a usertcp stack at {@value KernelLink#STACK_ADDRESS}/24 running
 * in this JVM on a one-thread usertcp loop, listed in {@link UserTcpStacks}. {@link #close()} stops the stack and
 * the loop and removes the namespace, whatever failed before.
 */
final class StackOnKernelLink implements AutoCloseable {
    private final KernelLink link;
    private final EventLoopGroup group;
    private final UserTcpStack stack;

    private StackOnKernelLink(KernelLink link, EventLoopGroup group, UserTcpStack stack) {
        this.link = link;
        this.group = group;
        this.stack = stack;
    }

    /** Skips the test unless the host allows TAP devices and namespaces, then starts everything. */
    static StackOnKernelLink start(String purpose) throws Exception {
        HostRequirements.assumeNetworkAdmin();
        KernelLink link = KernelLink.create(purpose, true);
        EventLoopGroup group = null;
        try {
            group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
            UserTcpConfig config = UserTcpConfig.builder(link.deviceName(), KernelLink.STACK_ADDRESS + "/24").build();
            UserTcpStack stack = UserTcpStacks.start(link.device(), config, group.next());
            return new StackOnKernelLink(link, group, stack);
        } catch (Exception | Error e) {
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
            link.close();
            throw e;
        }
    }

    KernelLink link() {
        return link;
    }

    UserTcpStack stack() {
        return stack;
    }

    /** The stack's loop: a group of it runs channels with no hand-off to the stack. */
    EventLoop loop() {
        return stack.loop();
    }

    EventLoopGroup group() {
        return group;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stack.close();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
        } finally {
            link.close();
        }
    }
}
