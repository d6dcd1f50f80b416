package io.usertcp.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.testing.network.LinkImpairment;
import io.usertcp.transport.device.KernelLink;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The impairment layer ({@link LinkImpairment}, the {@code usertcp.impairment} setting) on a real usertcp event
 * loop, against the kernel pinging through a TAP ({@link KernelLink}): delayed frames leave from the loop's
 * scheduled tasks, duplicates reach the kernel, and frames corrupted on their way in are dropped by the stack's
 * checksums. ARP is never corrupted, so the kernel always resolves the stack.
 */
class ImpairedKernelLinkTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final int ECHO_REQUEST = 8;
    private static final Pattern DUPLICATES = Pattern.compile("5 received, \\+[45] duplicates");
    private static final Pattern MIN_RTT = Pattern.compile("rtt min/avg/max/mdev = ([0-9.]+)/");

    private KernelLink link;
    private EventLoopGroup group;
    private EventLoop loop;
    private UserTcpStack stack;

    @BeforeEach
    void createLink() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("ping", "sysctl");
        link = KernelLink.create("impaired-link", true);
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void removeLink() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis());
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    @Test
    void outboundDelayHoldsEveryReplyOnTheRealLoop() {
        start("out.delay=40ms");
        CommandResult ping = ping(5);
        assertTrue(ping.stdout().contains("5 received"), ping.describe());
        Matcher minimum = MIN_RTT.matcher(ping.stdout());
        assertTrue(minimum.find(), ping.describe());
        assertTrue(Double.parseDouble(minimum.group(1)) >= 40, "no reply may come back before its 40 ms delay: "
                + ping.stdout());
    }

    @Test
    void outboundDuplicationReachesTheKernelAsDuplicateReplies() {
        start("seed=3,out.duplicate=100%");
        CommandResult ping = ping(5);
        // ping stops at the fifth reply, so the copy of that one may come too late to be counted.
        assertTrue(DUPLICATES.matcher(ping.stdout()).find(), ping.describe());
    }

    @Test
    void inboundCorruptionIsDroppedByTheStacksChecksums() throws Exception {
        start("seed=9,in.corrupt=100%");
        CommandResult ping = ping(5);
        assertTrue(ping.stdout().contains(" 0 received"), ping.describe());
        long checksumDrops = onLoop(() -> stack.stack().counters().drops().get(DropReason.BAD_IP_CHECKSUM)
                + stack.stack().counters().drops().get(DropReason.BAD_ICMP_CHECKSUM));
        assertTrue(checksumDrops >= 5, "every echo request has one bit flipped: checksum drops " + checksumDrops);
        assertEquals(0L, onLoop(() -> stack.stack().counters().icmpIn(ECHO_REQUEST)));
    }

    private void start(String impairment) {
        StackConfig config = StackConfig.builder(Ipv4Address.parse(KernelLink.STACK_ADDRESS), 24,
                MacAddress.parse(KernelLink.STACK_MAC)).build();
        stack = UserTcpStack.start(link.device(), config, UserTcpStack.tcpDefaults(config),
                LinkImpairment.parse(impairment), loop);
    }

    private CommandResult ping(int count) {
        return link.namespace().exec(Duration.ofSeconds(20),
                "ping", "-c", Integer.toString(count), "-i", "0.05", "-W", "1", KernelLink.STACK_ADDRESS);
    }

    private <T> T onLoop(Callable<T> read) throws Exception {
        return loop.submit(read).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
}
