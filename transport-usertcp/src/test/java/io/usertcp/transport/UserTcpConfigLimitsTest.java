package io.usertcp.transport;

import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import io.usertcp.neighbour.NeighbourTableConfig;
import io.usertcp.stack.StackConfig;
import io.usertcp.tcp.TcpStackConfig;
import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code usertcp.*} limits of {@link UserTcpConfig}: neighbour table, reassembly and TCP defences. */
class UserTcpConfigLimitsTest {
    @Test
    void networkLayerLimitsDefaultToTheStackDefaults() {
        UserTcpConfig config = UserTcpConfig.fromProperties(stackProperties());

        assertEquals(NeighbourTableConfig.DEFAULT, config.stack().neighbours());
        assertEquals(FragmentReassemblerConfig.DEFAULT, config.stack().reassembly());
    }

    @Test
    void tcpLimitsDefaultToTheTcpDefaults() {
        TcpStackConfig tcp = UserTcpConfig.fromProperties(stackProperties()).tcp();

        assertEquals(262_144, tcp.outOfOrderMaxBytes());
        assertEquals(256, tcp.outOfOrderMaxSegments());
        assertEquals(TimeUnit.SECONDS.toNanos(60), tcp.finWait2TimeoutNanos());
        assertEquals(10, tcp.challengeAcksPerSecond());
        assertEquals(536, tcp.minSendMss());
    }

    @Test
    void neighbourPropertiesSetTheTableCapacityAndQueues() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.neighbourCapacity", "64");
        properties.setProperty("usertcp.neighbourQueuedFramesPerEntry", "5");
        properties.setProperty("usertcp.neighbourQueuedFramesTotal", "40");

        NeighbourTableConfig neighbours = UserTcpConfig.fromProperties(properties).stack().neighbours();

        assertEquals(NeighbourTableConfig.DEFAULT.withCapacity(64).withQueuedFrames(5, 40), neighbours);
    }

    @Test
    void reassemblyPropertiesSetItsCapsAndTimeout() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.reassemblyMemoryBytes", "1048576");
        properties.setProperty("usertcp.reassemblyDatagrams", "128");
        properties.setProperty("usertcp.reassemblyFragmentsPerDatagram", "16");
        properties.setProperty("usertcp.reassemblyTimeoutMillis", "5000");

        FragmentReassemblerConfig reassembly = UserTcpConfig.fromProperties(properties).stack().reassembly();

        assertEquals(new FragmentReassemblerConfig(1 << 20, 128, 16, TimeUnit.SECONDS.toNanos(5)), reassembly);
    }

    @Test
    void tcpLimitPropertiesReachTheTcpConfig() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.outOfOrderMaxBytes", "65536");
        properties.setProperty("usertcp.outOfOrderMaxSegments", "32");
        properties.setProperty("usertcp.finWait2TimeoutMillis", "15000");
        properties.setProperty("usertcp.challengeAcksPerSecond", "100");
        properties.setProperty("usertcp.minSendMss", "1024");
        properties.setProperty("usertcp.maxTimeWaitConnections", "500");
        properties.setProperty("usertcp.maxOrphanConnections", "700");
        properties.setProperty("usertcp.synCookies", "false");
        properties.setProperty("usertcp.maxHalfOpen", "128");

        TcpStackConfig tcp = UserTcpConfig.fromProperties(properties).tcp();

        assertEquals(65_536, tcp.outOfOrderMaxBytes());
        assertEquals(32, tcp.outOfOrderMaxSegments());
        assertEquals(TimeUnit.SECONDS.toNanos(15), tcp.finWait2TimeoutNanos());
        assertEquals(100, tcp.challengeAcksPerSecond());
        assertEquals(1024, tcp.minSendMss());
        assertEquals(500, tcp.maxTimeWaitConnections());
        assertEquals(700, tcp.maxOrphanConnections());
        assertFalse(tcp.synCookies());
        assertEquals(128, tcp.maxHalfOpenConnections());
    }

    @Test
    void zeroNeighbourCapacityIsRejectedNamingTheProperty() {
        assertRejected("usertcp.neighbourCapacity", "0", "capacity must be 1..");
    }

    @Test
    void zeroQueuedFramesTotalIsRejectedNamingTheProperty() {
        assertRejected("usertcp.neighbourQueuedFramesTotal", "0", "queuedFramesTotal must be 1..");
    }

    @Test
    void malformedReassemblyMemoryIsRejectedNamingTheProperty() {
        assertRejected("usertcp.reassemblyMemoryBytes", "4MiB", "For input string");
    }

    @Test
    void fragmentsPerDatagramAboveWhatAnyDatagramNeedsAreRejected() {
        assertRejected("usertcp.reassemblyFragmentsPerDatagram", "8193", "maxFragmentsPerDatagram must be 1..8192");
    }

    @Test
    void zeroReassemblyTimeoutIsRejectedNamingTheProperty() {
        assertRejected("usertcp.reassemblyTimeoutMillis", "0", "timeoutNanos must be positive");
    }

    @Test
    void zeroChallengeAcksPerSecondIsRejected() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.challengeAcksPerSecond", "0");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpConfig.fromProperties(properties));
        assertTrue(error.getMessage().contains("challenge ACK limit must be positive"), error.getMessage());
    }

    @Test
    void minSendMssAboveTheLinksMssIsRejected() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.minSendMss", "1461");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpConfig.fromProperties(properties));
        assertTrue(error.getMessage().contains("send MSS floor above the MTU's MSS"), error.getMessage());
    }

    @Test
    void icmpErrorRatePropertiesSetTheTokenBucket() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.icmpErrorsPerSecond", "100");
        properties.setProperty("usertcp.icmpErrorBurst", "5");

        StackConfig stack = UserTcpConfig.fromProperties(properties).stack();

        assertEquals(100, stack.icmpErrorsPerSecond());
        assertEquals(5, stack.icmpErrorBurst());
    }

    @Test
    void icmpErrorRateDefaultsToTheStackDefaults() {
        StackConfig stack = UserTcpConfig.fromProperties(stackProperties()).stack();

        assertEquals(StackConfig.DEFAULT_ICMP_ERRORS_PER_SECOND, stack.icmpErrorsPerSecond());
        assertEquals(StackConfig.DEFAULT_ICMP_ERROR_BURST, stack.icmpErrorBurst());
    }

    @Test
    void zeroIcmpErrorBurstIsRejected() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.icmpErrorBurst", "0");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpConfig.fromProperties(properties));
        assertTrue(error.getMessage().contains("icmpErrorBurst must be 1.."), error.getMessage());
    }

    @Test
    void builderTakesNeighbourAndReassemblyLimits() {
        NeighbourTableConfig neighbours = NeighbourTableConfig.DEFAULT.withCapacity(16);
        FragmentReassemblerConfig reassembly = FragmentReassemblerConfig.DEFAULT.withMaxDatagrams(8);

        UserTcpConfig config = UserTcpConfig.builder("tap0", "198.18.0.2/24").neighbours(neighbours)
                .reassembly(reassembly).build();

        assertEquals(neighbours, config.stack().neighbours());
        assertEquals(reassembly, config.stack().reassembly());
    }

    private static void assertRejected(String key, String value, String reason) {
        Properties properties = stackProperties();
        properties.setProperty(key, value);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpConfig.fromProperties(properties));

        assertTrue(error.getMessage().contains(key + "=" + value), error.getMessage());
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }

    private static Properties stackProperties() {
        Properties properties = new Properties();
        properties.setProperty("usertcp.device", "tap0");
        properties.setProperty("usertcp.address", "198.18.0.2/24");
        return properties;
    }
}
