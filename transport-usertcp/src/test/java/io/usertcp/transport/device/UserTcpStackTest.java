package io.usertcp.transport.device;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.testing.host.DeviceNames;
import io.usertcp.testing.host.HostCommand;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting and stopping a stack: what it checks before it takes a device, and what it owns afterwards. */
class UserTcpStackTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

    private EventLoopGroup group;

    @BeforeEach
    void startLoop() {
        HostRequirements.assumeNetworkAdmin();
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
    }

    @AfterEach
    void stopLoop() throws InterruptedException {
        if (group != null) {
            assertTrue(group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis()));
        }
    }

    @Test
    void nioLoopIsRefusedNamingTheFactoryToUse() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TapDevice device = TapDevice.open("");
        try {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> UserTcpStack.start(device, config(), nio.next()));
            assertTrue(error.getMessage().contains("UserTcpIoHandler.newFactory()"), error.getMessage());
            assertFalse(device.isOpen(), "the stack owns the device, also when it refuses to start");
        } finally {
            device.close();
            nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis());
        }
    }

    @Test
    void kernelSideMacIsRefused() throws Exception {
        TapDevice device = TapDevice.open("");
        StackConfig sameMac = StackConfig.builder(Ipv4Address.parse(KernelLink.STACK_ADDRESS), 24,
                device.macAddress()).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpStack.start(device, sameMac, group.next()));
        assertTrue(error.getMessage().contains("MAC address of its own"), error.getMessage());
        assertFalse(device.isOpen());
    }

    @Test
    void mtuAboveDeviceMtuIsRefused() throws Exception {
        TapDevice device = TapDevice.open("");
        StackConfig jumbo = StackConfig.builder(Ipv4Address.parse(KernelLink.STACK_ADDRESS), 24,
                MacAddress.parse(KernelLink.STACK_MAC)).mtu(9000).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpStack.start(device, jumbo, group.next()));
        assertTrue(error.getMessage().contains("exceeds the MTU 1500"), error.getMessage());
        assertFalse(device.isOpen());
    }

    @Test
    void startOnItsOwnLoopCompletesWithinTheCall() throws Exception {
        try (KernelLink link = KernelLink.create("stack-own-loop", true)) {
            UserTcpStack stack = group.next().submit(() -> {
                UserTcpStack started = UserTcpStack.start(link.device(), config(), group.next());
                assertTrue(started.channel().isActive(), "not active when start returned");
                return started;
            }).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            stack.close();
            assertFalse(link.device().isOpen());
        }
    }

    @Test
    void openCreatesNamedDeviceAndCloseRemovesIt() throws Exception {
        String name = DeviceNames.unique("ut");
        UserTcpStack stack = UserTcpStack.open(name, config(), group.next());
        try {
            assertEquals(name, stack.channel().device().name());
            assertTrue(stack.channel().isActive());
            assertTrue(HostCommand.run("ip", "link", "show", "dev", name).succeeded());
        } finally {
            stack.close();
        }
        assertFalse(stack.channel().isOpen());
        assertFalse(HostCommand.run("ip", "link", "show", "dev", name).succeeded(), name + " outlived its stack");
    }

    @Test
    void startAnnouncesAddressWithGratuitousArp() throws Exception {
        try (KernelLink link = KernelLink.create("stack-announce", true)) {
            long before = link.statistic("rx_packets");
            UserTcpStack stack = UserTcpStack.start(link.device(), config(), group.next());
            try {
                link.awaitStatistic("rx_packets", before + 1, BOUND);
                long requestsOut = group.next().submit(() -> stack.stack().counters().arpRequestsOut())
                        .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(requestsOut >= 1, "arpRequestsOut " + requestsOut);
            } finally {
                stack.close();
            }
        }
    }

    private static StackConfig config() {
        return StackConfig.builder(Ipv4Address.parse(KernelLink.STACK_ADDRESS), 24,
                MacAddress.parse(KernelLink.STACK_MAC)).build();
    }
}
