package io.usertcp.testing.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkNamespaceTest {
    @Test
    void nameCarriesPurposePidAndCounter() {
        assertEquals("utcp-tap-arp-4242-7", NetworkNamespace.nameFor("Tap ARP", 4242, 7));
        assertEquals("utcp-test-1-1", NetworkNamespace.nameFor("!!", 1, 1));
    }

    @Test
    void longPurposeIsTruncated() {
        String name = NetworkNamespace.nameFor("a-very-long-purpose-that-goes-on-and-on", 99, 3);
        assertTrue(name.length() <= "utcp-".length() + 24 + "-99-3".length(), name);
        assertTrue(name.endsWith("-99-3"), name);
    }

    @Test
    void ownerPidIsParsedOnlyFromOwnNames() {
        assertEquals(4242, NetworkNamespace.ownerPid("utcp-tap-arp-4242-7"));
        assertEquals(-1, NetworkNamespace.ownerPid("utcp-handmade"));
        assertEquals(-1, NetworkNamespace.ownerPid("other-tap-4242-7"));
    }

    @Test
    void createdNamespaceIsListedWithLoopbackUp() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("listed")) {
            assertTrue(listed(namespace.name()), namespace.name() + " not in ip netns list");
            String loopback = namespace.execOrThrow("ip", "link", "show", "dev", "lo").stdout();
            assertTrue(loopback.contains("UP"), loopback);
        }
    }

    @Test
    void namespacesHaveDistinctNames() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace first = NetworkNamespace.create("twin");
             NetworkNamespace second = NetworkNamespace.create("twin")) {
            assertNotEquals(first.name(), second.name());
        }
    }

    @Test
    void closeDeletesNamespace() {
        HostRequirements.assumeNetworkAdmin();
        NetworkNamespace namespace = NetworkNamespace.create("deleted");
        namespace.close();
        assertFalse(listed(namespace.name()), namespace.name() + " outlived close()");
    }

    @Test
    void closeIsIdempotent() {
        HostRequirements.assumeNetworkAdmin();
        NetworkNamespace namespace = NetworkNamespace.create("twice");
        namespace.close();
        namespace.close();
        assertFalse(listed(namespace.name()));
    }

    @Test
    void execRunsInsideNamespace() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("inside")) {
            String links = namespace.execOrThrow("ip", "-o", "link", "show").stdout();
            assertEquals(1, links.strip().lines().count(), "a fresh namespace holds only lo: " + links);
        }
    }

    @Test
    void execReportsExitCodeAndBothStreams() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("streams")) {
            CommandResult result = namespace.exec("sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(3, result.exitCode());
            assertEquals("out\n", result.stdout());
            assertEquals("err\n", result.stderr());
        }
    }

    @Test
    void execOrThrowFailureCarriesOutput() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("throws")) {
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> namespace.execOrThrow("sh", "-c", "echo broken >&2; exit 1"));
            assertTrue(error.getMessage().contains("broken"), error.getMessage());
            assertTrue(error.getMessage().contains("exited with 1"), error.getMessage());
        }
    }

    @Test
    void execTimeoutKillsCommand() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("timeout")) {
            // A duration no other process uses: a namespace does not isolate PIDs, so pgrep sees every sleep
            String duration = "29." + ProcessHandle.current().pid();
            long start = System.nanoTime();
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> namespace.exec(Duration.ofMillis(300), "sleep", duration));
            assertTrue(error.getMessage().contains("timed out"), error.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "waited far past the timeout");
            // "slee[p]" matches the sleep's command line but not this shell's own
            assertEquals("", namespace.execOrThrow("sh", "-c", "pgrep -f 'slee[p] " + duration + "' || true")
                    .stdout().strip(), "the timed-out sleep is still running");
        }
    }

    @Test
    void closeStopsStartedProcesses() {
        HostRequirements.assumeNetworkAdmin();
        BackgroundProcess sleeper;
        try (NetworkNamespace namespace = NetworkNamespace.create("processes")) {
            sleeper = namespace.start("sleep", "60");
            assertTrue(sleeper.isAlive());
        }
        assertFalse(sleeper.isAlive(), sleeper + " survived its namespace");
    }

    @Test
    void closeStopsProcessThatIgnoresSigterm() {
        HostRequirements.assumeNetworkAdmin();
        BackgroundProcess stubborn;
        try (NetworkNamespace namespace = NetworkNamespace.create("stubborn")) {
            stubborn = namespace.start("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done");
            awaitOutput(stubborn, "ready");
        }
        assertFalse(stubborn.isAlive(), stubborn + " survived its namespace");
    }

    @Test
    void backgroundProcessOutputIsCaptured() {
        HostRequirements.assumeNetworkAdmin();
        try (NetworkNamespace namespace = NetworkNamespace.create("output")) {
            BackgroundProcess echo = namespace.start("sh", "-c", "echo hello; echo oops >&2");
            assertEquals(0, echo.waitFor(Duration.ofSeconds(5)).orElseThrow());
            assertEquals("hello\noops\n", echo.output());
        }
    }

    @Test
    void adoptedLinkMovesIntoNamespace() {
        HostRequirements.assumeNetworkAdmin();
        String device = DeviceNames.unique("ud");
        try (NetworkNamespace namespace = NetworkNamespace.create("adopt")) {
            // Persistent TAP made by ip itself, so this test needs nothing from the transport.
            HostCommand.runOrThrow("ip", "tuntap", "add", "dev", device, "mode", "tap");
            try {
                namespace.adoptLink(device);
            } finally {
                HostCommand.run("ip", "tuntap", "del", "dev", device, "mode", "tap");
            }
            assertFalse(HostCommand.run("ip", "link", "show", "dev", device).succeeded(), "still in the host namespace");
            assertTrue(namespace.exec("ip", "link", "show", "dev", device).succeeded(), "not in " + namespace);
            namespace.execOrThrow("ip", "link", "del", "dev", device);
        }
    }

    private static boolean listed(String namespace) {
        List<String> names = HostCommand.runOrThrow("ip", "netns", "list").stdout().lines()
                .map(line -> line.split("\\s+")[0]).toList();
        return names.contains(namespace);
    }

    private static void awaitOutput(BackgroundProcess process, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!process.output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' from " + process + ": " + process.output());
            }
            Thread.onSpinWait();
        }
    }
}
