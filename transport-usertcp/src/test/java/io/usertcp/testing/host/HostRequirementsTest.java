package io.usertcp.testing.host;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The skip-or-fail decisions, from given host facts: none of this needs root. */
class HostRequirementsTest {
    private static final long ADMIN_CAPABILITIES =
            (1L << HostRequirements.CAP_NET_ADMIN) | (1L << HostRequirements.CAP_SYS_ADMIN);

    @Test
    void fullyEquippedHostHasNoGaps() {
        assertEquals(List.of(), HostRequirements.networkAdminGaps(host(0, ADMIN_CAPABILITIES, null, "ip")));
    }

    @Test
    void missingCapabilitiesAreReportedWithUid() {
        List<String> gaps = HostRequirements.networkAdminGaps(host(1000, 0, null, "ip"));
        assertEquals(1, gaps.size());
        assertTrue(gaps.get(0).contains("needs root or CAP_NET_ADMIN"), gaps.get(0));
        assertTrue(gaps.get(0).contains("uid 1000"), gaps.get(0));
    }

    @Test
    void netAdminWithoutSysAdminIsNotEnough() {
        long netAdminOnly = 1L << HostRequirements.CAP_NET_ADMIN;
        assertEquals(1, HostRequirements.networkAdminGaps(host(0, netAdminOnly, null, "ip")).size());
    }

    @Test
    void unusableTunIsReported() {
        List<String> gaps = HostRequirements.networkAdminGaps(
                host(0, ADMIN_CAPABILITIES, "/dev/net/tun is not usable (No such file or directory)", "ip"));
        assertEquals(List.of("/dev/net/tun is not usable (No such file or directory)"), gaps);
    }

    @Test
    void missingIpCommandNamesDebianPackage() {
        List<String> gaps = HostRequirements.networkAdminGaps(host(0, ADMIN_CAPABILITIES, null));
        assertEquals(1, gaps.size());
        assertTrue(gaps.get(0).contains("apt-get install iproute2"), gaps.get(0));
    }

    @Test
    void onlyMissingCommandsAreReported() {
        List<String> gaps = HostRequirements.commandGaps(host(0, 0, null, "ip"), "ip", "ping", "frobnicate");
        assertEquals(2, gaps.size());
        assertTrue(gaps.get(0).contains("'ping'") && gaps.get(0).contains("iputils-ping"), gaps.get(0));
        assertTrue(gaps.get(1).contains("'frobnicate'") && gaps.get(1).contains("install the package"), gaps.get(1));
    }

    @Test
    void gapsSkipOutsideCi() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> HostRequirements.enforce(List.of("needs root"), false));
        assertTrue(skipped.getMessage().contains("needs root"), skipped.getMessage());
    }

    @Test
    void gapsFailOnCi() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> HostRequirements.enforce(List.of("needs root"), true));
        assertTrue(failed.getMessage().contains("needs root"), failed.getMessage());
        assertTrue(failed.getMessage().contains("CI=true"), failed.getMessage());
    }

    @Test
    void noGapsNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> HostRequirements.enforce(List.of(), true));
        assertDoesNotThrow(() -> HostRequirements.enforce(List.of(), false));
    }

    @Test
    void ciMeansCiVariableIsTrue() {
        assertTrue(HostRequirements.onCi(Map.of("CI", "true")));
        assertTrue(HostRequirements.onCi(Map.of("CI", "TRUE")));
        assertFalse(HostRequirements.onCi(Map.of("CI", "false")));
        assertFalse(HostRequirements.onCi(Map.of()));
    }

    @Test
    void systemHostFindsShellButNotNonsense() {
        assertTrue(HostRequirements.SYSTEM.hasCommand("sh"));
        assertFalse(HostRequirements.SYSTEM.hasCommand("no-such-command-usertcp"));
    }

    private static HostRequirements.Host host(int uid, long capabilities, String tunProblem, String... commands) {
        Set<String> present = Set.of(commands);
        return new HostRequirements.Host() {
            @Override
            public int uid() {
                return uid;
            }

            @Override
            public long effectiveCapabilities() {
                return capabilities;
            }

            @Override
            public Optional<String> tunProblem() {
                return Optional.ofNullable(tunProblem);
            }

            @Override
            public boolean hasCommand(String command) {
                return present.contains(command);
            }
        };
    }
}
