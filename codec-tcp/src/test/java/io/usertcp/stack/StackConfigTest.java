package io.usertcp.stack;

import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import org.junit.jupiter.api.Test;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.OUR_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackConfigTest {
    @Test
    void defaultsFollowLinux() {
        StackConfig config = StackConfig.builder(OUR_IP, 24, OUR_MAC).build();
        assertEquals(1500, config.mtu());
        assertEquals(64, config.ttl());
        assertEquals(1000, config.icmpErrorsPerSecond());
        assertEquals(50, config.icmpErrorBurst());
        assertEquals(Ipv4Address.UNSPECIFIED, config.gateway());
    }

    @Test
    void multicastLocalAddressIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> StackConfig.builder(Ipv4Address.parse("224.0.0.1"), 24, OUR_MAC).build());
    }

    @Test
    void offLinkGatewayIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> StackConfig.builder(OUR_IP, 24, OUR_MAC).gateway(Ipv4Address.parse("198.19.0.1")).build());
    }

    @Test
    void groupMacIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> StackConfig.builder(OUR_IP, 24, MacAddress.parse("01:00:5e:00:00:01")).build());
    }

    @Test
    void mtuBelowSixtyEightIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> StackConfig.builder(OUR_IP, 24, OUR_MAC).mtu(67).build());
    }

    @Test
    void onLinkFollowsThePrefix() {
        StackConfig config = StackConfig.builder(OUR_IP, 24, OUR_MAC).build();
        assertTrue(config.isOnLink(Ipv4Address.parse("198.18.0.200")));
        assertFalse(config.isOnLink(Ipv4Address.parse("198.18.1.1")));
        assertTrue(config.isBroadcast(Ipv4Address.parse("198.18.0.255")));
    }
}
