package io.usertcp.testing.host;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A veth pair joining two namespaces, each end up, addressed and with IPv6 off (so no router or listener
 * solicitations show up in captures). Addresses must come from 198.18.0.0/15, the range reserved for
 * benchmarking (RFC 2544), so tests never touch a real network.
 */
public final class VethPair implements AutoCloseable {
    private final NetworkNamespace firstNamespace;
    private final String firstName;
    private final String secondName;
    private boolean closed;

    private VethPair(NetworkNamespace firstNamespace, String firstName, String secondName) {
        this.firstNamespace = firstNamespace;
        this.firstName = firstName;
        this.secondName = secondName;
    }

    /**
     * Creates the pair directly inside the two namespaces, so it never appears in the host's.
     *
     * @param firstAddress  address with prefix length for the end in {@code first}, e.g. {@code 198.18.1.1/24}
     * @param secondAddress likewise for the end in {@code second}
     */
    public static VethPair create(NetworkNamespace first, String firstAddress,
                                  NetworkNamespace second, String secondAddress) {
        requireBenchmarkingAddress(firstAddress);
        requireBenchmarkingAddress(secondAddress);
        VethPair pair = new VethPair(first, DeviceNames.unique("uv"), DeviceNames.unique("uv"));
        HostCommand.runOrThrow("ip", "link", "add", pair.firstName, "netns", first.name(), "type", "veth",
                "peer", "name", pair.secondName, "netns", second.name());
        try {
            configure(first, pair.firstName, firstAddress);
            configure(second, pair.secondName, secondAddress);
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    /** The end in the first namespace. */
    public String firstName() {
        return firstName;
    }

    /** The end in the second namespace. */
    public String secondName() {
        return secondName;
    }

    /** Deletes both ends (deleting one deletes its peer). Idempotent, and quiet if the namespace is gone. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // Fails harmlessly when a namespace was deleted first: the kernel removed the pair with it.
            firstNamespace.exec("ip", "link", "del", "dev", firstName);
        }
    }

    private static void configure(NetworkNamespace namespace, String device, String address) {
        namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf." + device + ".disable_ipv6=1");
        namespace.execOrThrow("ip", "address", "add", address, "dev", device);
        namespace.execOrThrow("ip", "link", "set", "dev", device, "up");
    }

    static void requireBenchmarkingAddress(String addressWithPrefix) {
        String address = addressWithPrefix.split("/", 2)[0];
        byte[] bytes;
        try {
            bytes = address.matches("[0-9.]+") ? InetAddress.getByName(address).getAddress() : null;
        } catch (UnknownHostException e) {
            bytes = null;
        }
        // RFC 2544 / RFC 6890: 198.18.0.0/15 covers 198.18.x.x and 198.19.x.x.
        if (bytes == null || bytes.length != 4 || (bytes[0] & 0xff) != 198 || (bytes[1] & 0xfe) != 18) {
            throw new IllegalArgumentException(addressWithPrefix + " is outside 198.18.0.0/15; tests use only"
                    + " benchmarking addresses");
        }
    }
}
