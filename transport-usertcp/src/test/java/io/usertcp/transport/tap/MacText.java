package io.usertcp.transport.tap;

/** MAC addresses as {@code ip} prints them, for comparing with its output. */
final class MacText {
    private MacText() {
    }

    /** The low 48 bits of {@code mac} as six lower-case hex pairs joined by colons. */
    static String format(long mac) {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            text.append(String.format("%02x", (mac >>> shift) & 0xff));
            if (shift > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }
}
