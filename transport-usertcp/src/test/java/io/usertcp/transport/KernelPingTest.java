package io.usertcp.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackCounters;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostCommand;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux kernel pings the user-space stack through a real TAP device: the kernel side is 198.18.0.1/24 in a
 * namespace of the test's own, the stack is 198.18.0.2/24 on a one-thread usertcp event loop in this JVM. The
 * kernel has to resolve the stack's MAC with ARP before its first echo request, so every test also proves ARP.
 * After each test the loop thread has stopped and the namespace is gone.
 */
class KernelPingTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final int ECHO_REPLY = 0;
    private static final int ECHO_REQUEST = 8;

    private KernelLink link;
    private EventLoopGroup group;
    private EventLoop loop;
    private Thread loopThread;
    private UserTcpStack stack;

    @BeforeEach
    void startStack() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("ping", "arping", "sysctl");
        link = KernelLink.create("kernel-ping", true);
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
        loop = group.next();
        loopThread = onLoop(Thread::currentThread);
        StackConfig config = StackConfig.builder(Ipv4Address.parse(KernelLink.STACK_ADDRESS), 24,
                MacAddress.parse(KernelLink.STACK_MAC)).build();
        stack = UserTcpStack.start(link.device(), config, loop);
    }

    @AfterEach
    void stopStack() throws Exception {
        String namespace = link == null ? null : link.namespace().name();
        try {
            if (stack != null) {
                stack.close();
            }
            if (group != null) {
                assertTrue(group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis()),
                        "event loop group did not terminate");
                loopThread.join(BOUND.toMillis());
                assertFalse(loopThread.isAlive(), "loop thread still running");
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
        if (namespace != null) {
            String namespaces = HostCommand.runOrThrow("ip", "netns", "list").stdout();
            assertFalse(namespaces.lines().anyMatch(line -> line.split("\\s+")[0].equals(namespace)),
                    namespace + " outlived the test");
        }
    }

    @Test
    void hundredPingsAtTenMillisecondsAreAllAnswered() throws Exception {
        CommandResult ping = link.namespace().exec(Duration.ofSeconds(20),
                "ping", "-c", "100", "-i", "0.01", "-W", "1", KernelLink.STACK_ADDRESS);

        assertTrue(ping.succeeded(), ping.describe());
        assertTrue(ping.stdout().contains("100 received, 0% packet loss"), ping.stdout());
        StackCounters counters = stack.stack().counters();
        long requestsIn = onLoop(() -> counters.icmpIn(ECHO_REQUEST));
        long repliesOut = onLoop(() -> counters.icmpOut(ECHO_REPLY));
        assertTrue(requestsIn >= 100, "echo requests in: " + requestsIn);
        assertTrue(repliesOut >= 100, "echo replies out: " + repliesOut);
        long arpRepliesOut = onLoop(counters::arpRepliesOut);
        assertTrue(arpRepliesOut >= 1, "the kernel resolved the stack's MAC without an ARP reply?");
    }

    @Test
    void arpingGetsThreeReplies() throws Exception {
        CommandResult arping = link.namespace().exec(Duration.ofSeconds(10),
                "arping", "-c", "3", "-w", "5", "-I", link.deviceName(), KernelLink.STACK_ADDRESS);

        assertTrue(arping.succeeded(), arping.describe());
        // One line per reply naming the stack's MAC, in both the iputils and the Habets arping.
        long replies = arping.stdout().lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).contains(KernelLink.STACK_MAC)).count();
        assertEquals(3, replies, arping.stdout());
        long arpRepliesOut = onLoop(() -> stack.stack().counters().arpRepliesOut());
        assertTrue(arpRepliesOut >= 3, "ARP replies out: " + arpRepliesOut);
    }

    @Test
    void largePingIsFragmentedBothWays() throws Exception {
        CommandResult ping = link.namespace().exec(Duration.ofSeconds(20),
                "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "4000", KernelLink.STACK_ADDRESS);

        assertTrue(ping.succeeded(), ping.describe());
        assertTrue(ping.stdout().contains("3 received, 0% packet loss"), ping.stdout());
        assertTrue(ping.stdout().contains("4008 bytes from " + KernelLink.STACK_ADDRESS), ping.stdout());
        StackCounters counters = stack.stack().counters();
        // 4,028-byte datagrams on a 1,500-byte MTU: three fragments each way per echo (RFC 791 2.3).
        long reassembled = onLoop(counters::reassembled);
        long fragmentsOut = onLoop(counters::fragmentsOut);
        assertTrue(reassembled >= 3, "datagrams reassembled: " + reassembled);
        assertTrue(fragmentsOut >= 9, "fragments sent: " + fragmentsOut);
    }

    private <T> T onLoop(Callable<T> read) throws Exception {
        return loop.submit(read).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
}
