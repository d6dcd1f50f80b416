package io.usertcp.codec.tcp;

/**
 * TCP control bits as they appear in the low 12 bits of the header's 16-bit word at offset 12 (the word
 * that starts with the data offset). The eight RFC 9293 control bits are the low byte; {@link #AE} is the
 * lowest of the four bits RFC 9293 reserves, which RFC 3540 named NS (now historic) and Accurate ECN
 * names AE; the three bits above it are still reserved. {@link TcpSegment#flags()} returns and
 * {@link TcpSegmentWriter} writes all 12 bits, so nothing a peer sets is lost on a decode and re-encode.
 */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    /** RFC 3168: ECN-Echo. */
    public static final int ECE = 0x40;
    /** RFC 3168: Congestion Window Reduced. */
    public static final int CWR = 0x80;
    /** Accurate ECN's AE bit, formerly RFC 3540's NS. */
    public static final int AE = 0x100;
    /** The three bits still reserved by RFC 9293 3.1: senders must zero them, receivers ignore them. */
    public static final int RESERVED = 0xE00;
    /** Every bit of the 12-bit field. */
    public static final int ALL = 0xFFF;

    private static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};

    private TcpFlags() {
    }

    /**
     * For logs and test messages: the set bits by name joined with '|', e.g. "SYN|ACK"; reserved bits as
     * "RESERVED(0x...)"; "NONE" when no bit is set.
     */
    public static String toString(int flags) {
        if ((flags & ALL) == 0) {
            return "NONE";
        }
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                text.append(text.length() == 0 ? "" : "|").append(NAMES[bit]);
            }
        }
        if ((flags & RESERVED) != 0) {
            text.append(text.length() == 0 ? "" : "|")
                    .append("RESERVED(0x").append(Integer.toHexString(flags & RESERVED)).append(')');
        }
        return text.toString();
    }
}
