package io.usertcp.tcp;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 3.4). Sequence numbers are carried as {@code int}; Java
 * int addition and subtraction already wrap modulo 2^32, so {@code seq + length} needs no helper, only
 * comparisons do.
 *
 * <p>Ordering is defined by the signed 32-bit difference: {@code a} is before {@code b} when
 * {@code (a - b) < 0}, so each number sees the 2^31 - 1 numbers ahead of it as after and the 2^31 behind it as
 * before. This is meaningful while the two values are less than 2^31 apart, which TCP guarantees: windows
 * are at most 2^30 (RFC 7323 2.3). Two values exactly 2^31 apart are each before the other; no caller may
 * rely on the order of such a pair.
 *
 * <p>{@link #inRange} and {@link #distance} instead measure forward from a start point, which is well
 * defined for ranges of any length up to 2^32 - 1.
 */
public final class SequenceNumbers {
    private static final long MASK_32 = 0xFFFF_FFFFL;

    private SequenceNumbers() {
    }

    /** RFC 9293 3.4: {@code a < b} modulo 2^32. */
    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** RFC 9293 3.4: {@code a =< b} modulo 2^32. */
    public static boolean beforeOrEqual(int a, int b) {
        return a - b <= 0;
    }

    /** RFC 9293 3.4: {@code a > b} modulo 2^32. */
    public static boolean after(int a, int b) {
        return a - b > 0;
    }

    /** RFC 9293 3.4: {@code a >= b} modulo 2^32. */
    public static boolean afterOrEqual(int a, int b) {
        return a - b >= 0;
    }

    /** The later of two sequence numbers; {@code b} when they are equal. */
    public static int max(int a, int b) {
        return after(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers; {@code b} when they are equal. */
    public static int min(int a, int b) {
        return before(a, b) ? a : b;
    }

    /**
     * True when {@code seq} lies in {@code [startInclusive, endExclusive)}, the range of
     * {@code distance(startInclusive, endExclusive)} numbers going forward from the start. An equal start and
     * end is the empty range. This is the shape of the RFC 9293 3.4 checks, e.g. the receive test
     * {@code RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND}; for {@code SND.UNA < SEG.ACK =< SND.NXT} pass
     * {@code (SND.UNA + 1, SND.NXT + 1)}.
     */
    public static boolean inRange(int seq, int startInclusive, int endExclusive) {
        // Offsets from the start compared unsigned: no ambiguity however long the range
        return Integer.compareUnsigned(seq - startInclusive, endExclusive - startInclusive) < 0;
    }

    /**
     * How many sequence numbers lie going forward from {@code from} to {@code to}: {@code (to - from) mod 2^32},
     * always in {@code [0, 2^32)}. Zero when they are equal; a {@code to} just before {@code from} gives
     * 2^32 - 1, not a negative number, so check the order with {@link #before} first when it is not known.
     */
    public static long distance(int from, int to) {
        return (to - from) & MASK_32;
    }
}
