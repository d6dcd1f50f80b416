package io.usertcp.testing.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VethPairTest {
    @Test
    void pingCrossesPair() {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("ping", "sysctl");
        try (NetworkNamespace left = NetworkNamespace.create("veth-left");
             NetworkNamespace right = NetworkNamespace.create("veth-right");
             VethPair pair = VethPair.create(left, "198.18.1.1/24", right, "198.18.1.2/24")) {
            CommandResult ping = left.exec(Duration.ofSeconds(5), "ping", "-c", "1", "-W", "2", "198.18.1.2");
            assertTrue(ping.succeeded(), ping.describe());
            assertTrue(right.exec("ip", "link", "show", "dev", pair.secondName()).succeeded());
        }
    }

    @Test
    void closeRemovesBothEnds() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace left = NetworkNamespace.create("veth-left");
             NetworkNamespace right = NetworkNamespace.create("veth-right")) {
            VethPair pair = VethPair.create(left, "198.18.1.1/24", right, "198.18.1.2/24");
            pair.close();
            assertFalse(left.exec("ip", "link", "show", "dev", pair.firstName()).succeeded());
            assertFalse(right.exec("ip", "link", "show", "dev", pair.secondName()).succeeded());
        }
    }

    @Test
    void ipv6IsOffOnBothEnds() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace left = NetworkNamespace.create("veth-left");
             NetworkNamespace right = NetworkNamespace.create("veth-right");
             VethPair pair = VethPair.create(left, "198.18.1.1/24", right, "198.18.1.2/24")) {
            String sysctl = "net.ipv6.conf." + pair.firstName() + ".disable_ipv6";
            assertEquals("1", left.execOrThrow("sysctl", "-n", sysctl).stdout().strip(), sysctl);
            sysctl = "net.ipv6.conf." + pair.secondName() + ".disable_ipv6";
            assertEquals("1", right.execOrThrow("sysctl", "-n", sysctl).stdout().strip(), sysctl);
        }
    }

    @Test
    void addressesOutsideBenchmarkingRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VethPair.requireBenchmarkingAddress("10.0.0.1/24"));
        assertThrows(IllegalArgumentException.class, () -> VethPair.requireBenchmarkingAddress("198.20.0.1/24"));
        assertThrows(IllegalArgumentException.class, () -> VethPair.requireBenchmarkingAddress("example.com/24"));
        assertDoesNotThrow(() -> VethPair.requireBenchmarkingAddress("198.18.0.1/24"));
        assertDoesNotThrow(() -> VethPair.requireBenchmarkingAddress("198.19.255.254/15"));
    }
}
