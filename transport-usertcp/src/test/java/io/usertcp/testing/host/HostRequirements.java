package io.usertcp.testing.host;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks that the host can run a test that needs TAP devices, namespaces or external commands. A missing
 * requirement skips the test with the reason and the fix, except on CI ({@code CI=true}), where it fails:
 * a CI job that silently skips its network tests proves nothing.
 */
public final class HostRequirements {
    static final String TUN = "/dev/net/tun";
    // linux/capability.h
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;

    private static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
            Map.entry("ip", "iproute2"), Map.entry("tc", "iproute2"), Map.entry("ss", "iproute2"),
            Map.entry("ping", "iputils-ping"), Map.entry("arping", "arping"),
            Map.entry("sysctl", "procps"), Map.entry("nft", "nftables"), Map.entry("tcpdump", "tcpdump"),
            Map.entry("tshark", "tshark"), Map.entry("ethtool", "ethtool"), Map.entry("curl", "curl"),
            Map.entry("wrk", "wrk"), Map.entry("ab", "apache2-utils"), Map.entry("socat", "socat"),
            Map.entry("python3", "python3"), Map.entry("sha256sum", "coreutils"),
            Map.entry("nc", "netcat-openbsd"), Map.entry("hping3", "hping3"), Map.entry("nmap", "nmap"));

    /** What the checks need to know about the host; {@link #SYSTEM} asks the real one. */
    interface Host {
        int uid();

        /** The effective capability set, bit n for capability n. */
        long effectiveCapabilities();

        /** Why {@value #TUN} cannot be opened read-write, or empty if it can. */
        Optional<String> tunProblem();

        boolean hasCommand(String command);
    }

    static final Host SYSTEM = new SystemHost();

    private HostRequirements() {
    }

    /** Root-level network administration: TAP devices, namespaces and the {@code ip} command. */
    public static void assumeNetworkAdmin() {
        enforce(networkAdminGaps(SYSTEM), onCi(System.getenv()));
    }

    /** Each command on the PATH (or in /sbin, /usr/sbin, where non-root PATHs often do not look). */
    public static void assumeCommands(String... commands) {
        enforce(commandGaps(SYSTEM, commands), onCi(System.getenv()));
    }

    static List<String> networkAdminGaps(Host host) {
        List<String> gaps = new ArrayList<>();
        long needed = (1L << CAP_NET_ADMIN) | (1L << CAP_SYS_ADMIN);
        if ((host.effectiveCapabilities() & needed) != needed) {
            gaps.add("needs root or CAP_NET_ADMIN and CAP_SYS_ADMIN (TAP devices, ip netns), but runs as uid "
                    + host.uid() + " without them: run the tests as root, e.g. in a privileged container");
        }
        host.tunProblem().ifPresent(gaps::add);
        gaps.addAll(commandGaps(host, "ip"));
        return gaps;
    }

    static List<String> commandGaps(Host host, String... commands) {
        List<String> gaps = new ArrayList<>();
        for (String command : commands) {
            if (!host.hasCommand(command)) {
                String debianPackage = DEBIAN_PACKAGES.get(command);
                gaps.add("needs the command '" + command + "': " + (debianPackage == null
                        ? "install the package that provides it"
                        : "apt-get install " + debianPackage));
            }
        }
        return gaps;
    }

    /** Nothing missing: returns. Otherwise skips the test, or fails it on CI. */
    static void enforce(List<String> gaps, boolean onCi) {
        if (gaps.isEmpty()) {
            return;
        }
        String reasons = String.join("; ", gaps);
        if (onCi) {
            Assertions.fail("CI=true, so a missing host requirement fails instead of skipping: " + reasons);
        }
        Assumptions.abort(reasons);
    }

    static boolean onCi(Map<String, String> environment) {
        return "true".equalsIgnoreCase(environment.get("CI"));
    }

    private static final class SystemHost implements Host {
        private static final Pattern WHITESPACE = Pattern.compile("\\s+");

        @Override
        public int uid() {
            String real = statusField("Uid:");
            return real == null ? -1 : Integer.parseInt(WHITESPACE.split(real)[0]);
        }

        @Override
        public long effectiveCapabilities() {
            String capabilities = statusField("CapEff:");
            return capabilities == null ? 0 : Long.parseUnsignedLong(capabilities, 16);
        }

        @Override
        public Optional<String> tunProblem() {
            if (!Files.exists(Path.of(TUN))) {
                return Optional.of("no " + TUN + ": load the tun module (modprobe tun), or run the container"
                        + " with --device " + TUN);
            }
            try {
                new RandomAccessFile(TUN, "rw").close();
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(TUN + " cannot be opened read-write (" + e.getMessage() + "): needs root,"
                        + " or the tun driver is not loaded (modprobe tun)");
            }
        }

        @Override
        public boolean hasCommand(String command) {
            List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
            directories.addAll(List.of("/usr/sbin", "/sbin"));
            for (String directory : directories) {
                if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
                    return true;
                }
            }
            return false;
        }

        /** A field of /proc/self/status, whose lines read "Name:\tvalue". */
        private static String statusField(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field)) {
                        return line.substring(field.length()).strip();
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }
    }
}
