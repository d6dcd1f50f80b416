package io.usertcp.transport.channel.testsuite;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.testing.host.DeviceNames;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.testing.host.NetworkNamespace;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.UserTcpStacks;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two usertcp stacks and the kernel on one Ethernet segment: a namespace of the test's own holds a bridge at
 * {@value #KERNEL_ADDRESS}/24 (IPv6 off) with two TAP devices as its ports; stack A ({@value #SERVER_ADDRESS})
 * and stack B ({@value #CLIENT_ADDRESS}) run in this JVM on one usertcp loop each. A usertcp client connecting
 * to stack A leaves from stack B ({@link UserTcpStacks#route} never routes to a stack's own address), so
 * usertcp talks to usertcp through the bridge, and the kernel's sockets in the namespace reach both.
 * {@link #close()} removes all of it, whatever failed before.
 */
final class BridgedStacks implements AutoCloseable {
    static final String KERNEL_ADDRESS = "198.18.0.1";
    static final String SERVER_ADDRESS = "198.18.0.2";
    static final String CLIENT_ADDRESS = "198.18.0.3";

    private final NetworkNamespace namespace;
    private final List<TapDevice> devices = new ArrayList<>();
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<UserTcpStack> stacks = new ArrayList<>();

    private BridgedStacks(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    static BridgedStacks start() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("sysctl");
        BridgedStacks bridged = new BridgedStacks(NetworkNamespace.create("testsuite"));
        try {
            NetworkNamespace namespace = bridged.namespace;
            namespace.execOrThrow("ip", "link", "add", "name", "br0", "type", "bridge");
            namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf.br0.disable_ipv6=1");
            namespace.execOrThrow("ip", "address", "add", KERNEL_ADDRESS + "/24", "dev", "br0");
            namespace.execOrThrow("ip", "link", "set", "dev", "br0", "up");
            bridged.startStack(SERVER_ADDRESS);
            bridged.startStack(CLIENT_ADDRESS);
            return bridged;
        } catch (Exception | Error e) {
            bridged.close();
            throw e;
        }
    }

    private void startStack(String address) throws Exception {
        TapDevice device = TapDevice.open(DeviceNames.unique("uts"));
        devices.add(device);
        namespace.adoptLink(device.name());
        namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf." + device.name() + ".disable_ipv6=1");
        namespace.execOrThrow("ip", "link", "set", "dev", device.name(), "master", "br0");
        namespace.execOrThrow("ip", "link", "set", "dev", device.name(), "up");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
        groups.add(group);
        // The kernel as the gateway: it does not forward, so SYNs to the suite's unreachable BAD_HOST go unanswered.
        UserTcpConfig config = UserTcpConfig.builder(device.name(), address + "/24")
                .gateway(Ipv4Address.parse(KERNEL_ADDRESS))
                .build();
        stacks.add(UserTcpStacks.start(device, config, group.next()));
    }

    String namespaceName() {
        return namespace.name();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            // The loops first: a stack's graceful shutdown closes the channels over it, releasing what they hold.
            for (EventLoopGroup group : groups) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
            }
            for (UserTcpStack stack : stacks) {
                stack.close();
            }
            for (TapDevice device : devices) {
                device.close();
            }
        } finally {
            namespace.close();
        }
    }
}
