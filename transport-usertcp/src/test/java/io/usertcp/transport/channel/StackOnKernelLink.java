package io.usertcp.transport.channel;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end fixture: a {@link KernelLink} (TAP device, kernel side {@value KernelLink#KERNEL_ADDRESS}/24 in
 * a namespace of the test's own, IPv6 off) with a usertcp stack at {@value KernelLink#STACK_ADDRESS}/24 running
 * in this JVM on a one-thread usertcp loop, listed in {@link UserTcpStacks}. {@link #close()} stops the stack and
 * the loop and removes the namespace, whatever failed before. The kernel side's scripted peer, kernel_peer.py (a
 * test resource, run with python3), is copied out on first use and deleted on close.
 */
final class StackOnKernelLink implements AutoCloseable {
    private final KernelLink link;
    private final EventLoopGroup group;
    private final UserTcpStack stack;
    private Path kernelPeerScript;

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

    /** Starts kernel_peer.py with {@code arguments} in the namespace; returns once it says it is listening. */
    BackgroundProcess startKernelPeer(String... arguments) throws IOException, InterruptedException {
        BackgroundProcess peer = link.namespace().start(kernelPeerCommand(arguments));
        awaitOutput(peer, "listening");
        return peer;
    }

    /** Runs kernel_peer.py with {@code arguments} in the namespace to its end. */
    CommandResult runKernelPeer(Duration timeout, String... arguments) throws IOException {
        return link.namespace().exec(timeout, kernelPeerCommand(arguments));
    }

    /** Waits up to 10 s for {@code text} in what {@code process} printed; fails if it ends or the time passes. */
    static void awaitOutput(BackgroundProcess process, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!process.output().contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("no '" + text + "' from " + process + ": " + process.output());
            }
            Thread.sleep(20);
        }
    }

    private String[] kernelPeerCommand(String... arguments) throws IOException {
        if (kernelPeerScript == null) {
            kernelPeerScript = Files.createTempFile("kernel_peer", ".py");
            try (InputStream script = StackOnKernelLink.class.getResourceAsStream("kernel_peer.py")) {
                Files.copy(script, kernelPeerScript, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String[] command = new String[arguments.length + 2];
        command[0] = "python3";
        command[1] = kernelPeerScript.toString();
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        return command;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        try {
            stack.close();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
        } finally {
            try {
                link.close();
            } finally {
                if (kernelPeerScript != null) {
                    Files.deleteIfExists(kernelPeerScript);
                }
            }
        }
    }
}
