package io.usertcp.codec.ipv4;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4AddressTest {
    @Test
    void formatWritesDottedDecimal() {
        assertEquals("198.18.0.1", Ipv4Address.format(0xC612_0001));
        assertEquals("255.255.255.255", Ipv4Address.format(-1));
        assertEquals("0.0.0.0", Ipv4Address.format(0));
    }

    @Test
    void parseReadsDottedDecimal() {
        assertEquals(0xC612_0001, Ipv4Address.parse("198.18.0.1"));
        assertEquals(-1, Ipv4Address.parse("255.255.255.255"));
        assertEquals(0, Ipv4Address.parse("0.0.0.0"));
        assertEquals(0x0A00_0102, Ipv4Address.parse("10.0.1.2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "198.18.0", "198.18.0.1.5", "198.18.0.", ".198.18.0", "198..18.0", "256.0.0.1",
            "198.18.0.1000", "010.0.0.1", "198.18.00.1", "a.b.c.d", "198.18.0.-1", "+1.2.3.4", " 198.18.0.1",
            "198.18.0.1 ", "198.18.0.1/24", "::1"})
    void malformedTextIsRejectedWithTheTextInTheMessage(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(text));
        assertTrue(error.getMessage().contains("\"" + text + "\""), error.getMessage());
    }

    @Test
    void convertsToAndFromInetAddress() throws UnknownHostException {
        Inet4Address address = Ipv4Address.toInetAddress(0xC612_00FE);
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, (byte) 254}, address.getAddress());
        assertEquals(0xC612_00FE, Ipv4Address.fromInetAddress(InetAddress.getByName("198.18.0.254")));
        assertEquals(-1, Ipv4Address.fromInetAddress(Ipv4Address.toInetAddress(-1)));
    }

    @Test
    void ipv6AddressIsRejected() throws UnknownHostException {
        InetAddress ipv6 = InetAddress.getByName("2001:db8::1");
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.fromInetAddress(ipv6));
    }

    @Test
    void multicastIsTheClassDRange() {
        assertFalse(Ipv4Address.isMulticast(Ipv4Address.parse("223.255.255.255")));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("224.0.0.0")));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("239.255.255.255")));
        assertFalse(Ipv4Address.isMulticast(Ipv4Address.parse("240.0.0.0")));
    }

    @Test
    void limitedBroadcastIsAllOnesOnly() {
        assertTrue(Ipv4Address.isLimitedBroadcast(Ipv4Address.parse("255.255.255.255")));
        assertFalse(Ipv4Address.isLimitedBroadcast(Ipv4Address.parse("255.255.255.254")));
    }

    @Test
    void loopbackIsTheWhole127Network() {
        assertTrue(Ipv4Address.isLoopback(Ipv4Address.parse("127.0.0.1")));
        assertTrue(Ipv4Address.isLoopback(Ipv4Address.parse("127.255.255.255")));
        assertFalse(Ipv4Address.isLoopback(Ipv4Address.parse("126.255.255.255")));
        assertFalse(Ipv4Address.isLoopback(Ipv4Address.parse("128.0.0.0")));
    }

    @Test
    void unspecifiedIsAllZerosOnly() {
        assertTrue(Ipv4Address.isUnspecified(0));
        assertFalse(Ipv4Address.isUnspecified(Ipv4Address.parse("0.0.0.1")));
    }

    @Test
    void thisNetworkIsTheWhole0Network() {
        assertTrue(Ipv4Address.isThisNetwork(0));
        assertTrue(Ipv4Address.isThisNetwork(Ipv4Address.parse("0.255.255.255")));
        assertFalse(Ipv4Address.isThisNetwork(Ipv4Address.parse("1.0.0.0")));
    }

    @Test
    void reservedIsClassEWithoutTheLimitedBroadcast() {
        assertTrue(Ipv4Address.isReserved(Ipv4Address.parse("240.0.0.0")));
        assertTrue(Ipv4Address.isReserved(Ipv4Address.parse("255.255.255.254")));
        assertFalse(Ipv4Address.isReserved(-1));
        assertFalse(Ipv4Address.isReserved(Ipv4Address.parse("239.255.255.255")));
    }

    @Test
    void netmaskHasPrefixLengthLeadingOnes() {
        assertEquals(0, Ipv4Address.netmask(0));
        assertEquals(Ipv4Address.parse("255.254.0.0"), Ipv4Address.netmask(15));
        assertEquals(Ipv4Address.parse("255.255.255.0"), Ipv4Address.netmask(24));
        assertEquals(-1, Ipv4Address.netmask(32));
    }

    @Test
    void prefixLengthOutsideZeroToThirtyTwoIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.netmask(-1));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.netmask(33));
    }

    @Test
    void subnetMembershipComparesThePrefixOnly() {
        int local = Ipv4Address.parse("198.18.0.1");
        assertTrue(Ipv4Address.isInSubnet(Ipv4Address.parse("198.19.255.254"), local, 15));
        assertFalse(Ipv4Address.isInSubnet(Ipv4Address.parse("198.20.0.1"), local, 15));
        assertTrue(Ipv4Address.isInSubnet(Ipv4Address.parse("8.8.8.8"), local, 0));
    }

    @Test
    void subnetBroadcastHasAnAllOnesHostPart() {
        int local = Ipv4Address.parse("198.18.0.1");
        assertTrue(Ipv4Address.isSubnetBroadcast(Ipv4Address.parse("198.19.255.255"), local, 15));
        assertFalse(Ipv4Address.isSubnetBroadcast(Ipv4Address.parse("198.19.255.254"), local, 15));
        assertFalse(Ipv4Address.isSubnetBroadcast(Ipv4Address.parse("198.21.255.255"), local, 15));
    }

    @Test
    void pointToPointAndHostRoutesHaveNoSubnetBroadcast() {
        assertFalse(Ipv4Address.isSubnetBroadcast(Ipv4Address.parse("198.18.0.1"), Ipv4Address.parse("198.18.0.0"), 31));
        assertFalse(Ipv4Address.isSubnetBroadcast(Ipv4Address.parse("198.18.0.1"), Ipv4Address.parse("198.18.0.1"), 32));
    }
}
