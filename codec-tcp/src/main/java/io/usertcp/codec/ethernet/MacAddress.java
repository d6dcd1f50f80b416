package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;

/**
 * A 48-bit MAC address carried as a {@code long} in its low 48 bits, first octet most significant, so
 * the per-packet path never builds an address object. Bits above 48 are ignored wherever an address is
 * written or tested.
 */
public final class MacAddress {
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private static final long MASK = BROADCAST;
    private static final int OCTETS = 6;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private MacAddress() {
    }

    /** Reads the 6 octets at {@code index} in network order. */
    public static long read(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    /** Writes the low 48 bits of {@code mac} as 6 octets at {@code index} in network order. */
    public static void write(ByteBuf buf, int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }

    public static boolean isBroadcast(long mac) {
        return (mac & MASK) == BROADCAST;
    }

    /** IEEE 802-2014 8.2: the I/G bit, the least significant bit of the first octet, marks a group address. */
    public static boolean isMulticast(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }

    /** Lower-case hex octets joined by colons, e.g. {@code 02:00:00:00:00:01}. */
    public static String format(long mac) {
        char[] text = new char[OCTETS * 3 - 1];
        for (int octet = 0; octet < OCTETS; octet++) {
            int value = (int) (mac >>> (8 * (OCTETS - 1 - octet))) & 0xFF;
            int at = octet * 3;
            text[at] = HEX_DIGITS[value >>> 4];
            text[at + 1] = HEX_DIGITS[value & 0xF];
            if (octet < OCTETS - 1) {
                text[at + 2] = ':';
            }
        }
        return new String(text);
    }

    /**
     * Parses six colon-separated octets of exactly two hex digits each, in either case.
     *
     * @throws IllegalArgumentException if {@code text} is not in that form
     */
    public static long parse(String text) {
        if (text.length() != OCTETS * 3 - 1) {
            throw malformed(text);
        }
        long mac = 0;
        for (int octet = 0; octet < OCTETS; octet++) {
            int at = octet * 3;
            int high = Character.digit(text.charAt(at), 16);
            int low = Character.digit(text.charAt(at + 1), 16);
            boolean separatorOk = octet == OCTETS - 1 || text.charAt(at + 2) == ':';
            if (high < 0 || low < 0 || !separatorOk) {
                throw malformed(text);
            }
            mac = (mac << 8) | (high << 4) | low;
        }
        return mac;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("not a MAC address: \"" + text
                + "\" (expected six two-digit hex octets separated by colons, e.g. 02:00:00:00:00:01)");
    }
}
