package io.usertcp.transport.device;

import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.NetworkNamespace;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TAP device whose kernel side lives in a namespace of the test's own, with {@value #KERNEL_ADDRESS}/24 and
 * IPv6 off (no router or listener solicitations on the link). The device is created in the host namespace and
 * moved at once; its descriptor stays attached and is what the stack under test reads and writes.
 *
 * <p>Close the channel or stack that owns {@link #device()} first (and wait for it); {@link #close()} then
 * closes the device if nobody did and removes the namespace.
 */
public final class KernelLink implements AutoCloseable {
    public static final String KERNEL_ADDRESS = "198.18.0.1";
    public static final String STACK_ADDRESS = "198.18.0.2";
    /** Locally administered (IEEE 802 bit 1 of the first octet), the stack's MAC in these tests. */
    public static final String STACK_MAC = "02:00:c6:12:00:02";

    private static final Pattern SENT = Pattern.compile("Sent \\d+ bytes (\\d+) pkt");

    private final TapDevice device;
    private final NetworkNamespace namespace;

    private KernelLink(TapDevice device, NetworkNamespace namespace) {
        this.device = device;
        this.namespace = namespace;
    }

    /** A kernel-named TAP device, moved into a fresh namespace named after {@code purpose} and addressed there. */
    public static KernelLink create(String purpose, boolean up) throws TapDeviceException {
        TapDevice device = TapDevice.open("");
        NetworkNamespace namespace = null;
        try {
            namespace = NetworkNamespace.create(purpose);
            namespace.adoptLink(device.name());
            namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf." + device.name() + ".disable_ipv6=1");
            namespace.execOrThrow("ip", "address", "add", KERNEL_ADDRESS + "/24", "dev", device.name());
            KernelLink link = new KernelLink(device, namespace);
            if (up) {
                link.up();
            }
            return link;
        } catch (RuntimeException e) {
            device.close();
            if (namespace != null) {
                namespace.close();
            }
            throw e;
        }
    }

    public TapDevice device() {
        return device;
    }

    public NetworkNamespace namespace() {
        return namespace;
    }

    public String deviceName() {
        return device.name();
    }

    public void up() {
        namespace.execOrThrow("ip", "link", "set", "dev", device.name(), "up");
    }

    /** Lets the kernel send to {@value #STACK_ADDRESS} without asking ARP first. */
    public void pinStackNeighbour() {
        namespace.execOrThrow("ip", "neigh", "replace", STACK_ADDRESS, "lladdr", STACK_MAC, "dev", device.name(),
                "nud", "permanent");
    }

    /** Has the kernel send {@code count} UDP datagrams to {@value #STACK_ADDRESS}, port 9 (discard). */
    public void sendDatagrams(int count) {
        CommandResult sent = namespace.exec(Duration.ofSeconds(10), "bash", "-c",
                "for i in $(seq " + count + "); do echo frame$i > /dev/udp/" + STACK_ADDRESS + "/9; done");
        if (!sent.succeeded()) {
            throw new IllegalStateException(sent.describe());
        }
    }

    /** A counter of the kernel's side of the device, from /sys/class/net/DEV/statistics. */
    public long statistic(String name) {
        return Long.parseLong(namespace.execOrThrow("cat",
                "/sys/class/net/" + device.name() + "/statistics/" + name).stdout().strip());
    }

    /** Waits until the kernel's side of the device has counted at least {@code count} for {@code name}. */
    public void awaitStatistic(String name, long count, Duration bound) throws InterruptedException {
        awaitCount(name, () -> statistic(name), count, bound);
    }

    /**
     * Waits until the kernel's queueing discipline has handed {@code count} frames to the device, where they wait
     * for the stack to read them. (The device's own tx_packets counts a frame only once it is read.)
     */
    public void awaitFramesQueued(long count, Duration bound) throws InterruptedException {
        awaitCount("frames handed to the device", this::framesHandedToDevice, count, bound);
    }

    private long framesHandedToDevice() {
        String qdisc = namespace.execOrThrow("tc", "-s", "qdisc", "show", "dev", device.name()).stdout();
        Matcher sent = SENT.matcher(qdisc);
        if (!sent.find()) {
            throw new IllegalStateException("no 'Sent ... pkt' in tc output: " + qdisc);
        }
        return Long.parseLong(sent.group(1));
    }

    private void awaitCount(String what, LongSupplier counter, long count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        long seen = counter.getAsLong();
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " on " + device.name() + " reached " + seen + ", not " + count
                        + ", within " + bound);
            }
            Thread.sleep(10);
            seen = counter.getAsLong();
        }
    }

    /** Whether the device still exists in the namespace. */
    public boolean deviceExists() {
        return namespace.exec("ip", "link", "show", "dev", device.name()).succeeded();
    }

    @Override
    public void close() {
        try {
            device.close();
        } finally {
            namespace.close();
        }
    }
}
