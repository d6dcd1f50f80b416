package io.usertcp.codec.ipv4;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address carried as an {@code int}, first octet most significant (the order of the wire and of
 * {@link io.netty.buffer.ByteBuf#getInt(int)}), so the per-packet path never builds an address object.
 * {@link InetAddress} appears only at the API edge.
 */
public final class Ipv4Address {
    /** 255.255.255.255. */
    public static final int LIMITED_BROADCAST = 0xFFFF_FFFF;
    /** 0.0.0.0. */
    public static final int UNSPECIFIED = 0;

    private static final int OCTETS = 4;

    private Ipv4Address() {
    }

    /** Dotted decimal, e.g. {@code 198.18.0.1}. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /**
     * Parses strict dotted decimal: four octets 0 to 255 without signs, spaces or leading zeros (which
     * some parsers read as octal).
     *
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static int parse(String text) {
        int address = 0;
        int start = 0;
        for (int octet = 0; octet < OCTETS; octet++) {
            int end = octet < OCTETS - 1 ? text.indexOf('.', start) : text.length();
            if (end < 0) {
                throw malformed(text);
            }
            address = (address << 8) | parseOctet(text, start, end);
            start = end + 1;
        }
        return address;
    }

    private static int parseOctet(String text, int start, int end) {
        int digits = end - start;
        if (digits < 1 || digits > 3 || (digits > 1 && text.charAt(start) == '0')) {
            throw malformed(text);
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(text);
            }
            value = value * 10 + (c - '0');
        }
        if (value > 255) {
            throw malformed(text);
        }
        return value;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("not an IPv4 address: \"" + text
                + "\" (expected four decimal octets 0-255 without leading zeros, e.g. 198.18.0.1)");
    }

    public static Inet4Address toInetAddress(int address) {
        byte[] octets = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (Inet4Address) InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always accepted", e);
        }
    }

    /** @throws IllegalArgumentException for an IPv6 address: the stack speaks IPv4 only */
    public static int fromInetAddress(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 address: " + address + " (the stack speaks IPv4 only)");
        }
        byte[] octets = address.getAddress();
        return (octets[0] & 0xFF) << 24 | (octets[1] & 0xFF) << 16 | (octets[2] & 0xFF) << 8 | (octets[3] & 0xFF);
    }

    /** RFC 5771: 224.0.0.0/4. */
    public static boolean isMulticast(int address) {
        return (address >>> 28) == 0xE;
    }

    /** RFC 919: 255.255.255.255, broadcast on the local network. */
    public static boolean isLimitedBroadcast(int address) {
        return address == LIMITED_BROADCAST;
    }

    /** RFC 1122 3.2.1.3 (g): 127.0.0.0/8 never appears on a network. */
    public static boolean isLoopback(int address) {
        return (address >>> 24) == 127;
    }

    /** 0.0.0.0: "this host", a source only while a host learns its address, and the wildcard bind address. */
    public static boolean isUnspecified(int address) {
        return address == UNSPECIFIED;
    }

    /** RFC 1122 3.2.1.3 (a, b): 0.0.0.0/8, "this network", never a valid destination. */
    public static boolean isThisNetwork(int address) {
        return (address >>> 24) == 0;
    }

    /** RFC 1112 4: 240.0.0.0/4 is reserved (class E), apart from the limited broadcast address inside it. */
    public static boolean isReserved(int address) {
        return (address >>> 28) == 0xF && address != LIMITED_BROADCAST;
    }

    /**
     * The network mask for a prefix length, e.g. 24 gives 255.255.255.0.
     *
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0..32
     */
    public static int netmask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** True when both addresses share the first {@code prefixLength} bits (the same on-link subnet). */
    public static boolean isInSubnet(int address, int subnetAddress, int prefixLength) {
        int mask = netmask(prefixLength);
        return (address & mask) == (subnetAddress & mask);
    }

    /**
     * RFC 1122 3.3.6: the subnet-directed broadcast address, host part all ones. A /31 (RFC 3021) or /32
     * has no broadcast address, so this is false for every address there.
     */
    public static boolean isSubnetBroadcast(int address, int subnetAddress, int prefixLength) {
        int mask = netmask(prefixLength);
        return prefixLength < 31 && (address & mask) == (subnetAddress & mask) && (address | mask) == -1;
    }
}
