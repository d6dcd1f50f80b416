package io.usertcp.example.http;

import io.netty.buffer.ByteBuf;

/**
 * The body of {@code GET /bytes/N}: the byte at offset {@code i} is {@code i mod 251} (as an unsigned
 * value). 251 is prime, so the pattern never lines up with power-of-two chunk, segment or buffer sizes:
 * a chunk that is lost, repeated or reordered changes the bytes a client receives and their hash.
 */
public final class BytePattern {
    /** Length of one repetition of the pattern. */
    public static final int PERIOD = 251;

    /** Whole periods only, so each copy out of this table starts where the previous one ended. */
    private static final byte[] PERIODS = new byte[PERIOD * 64];

    static {
        for (int i = 0; i < PERIODS.length; i++) {
            PERIODS[i] = (byte) (i % PERIOD);
        }
    }

    private BytePattern() {
    }

    /** The byte at {@code offset} (zero or more) of the pattern. */
    public static byte at(long offset) {
        return (byte) (offset % PERIOD);
    }

    /** Appends {@code length} bytes of the pattern, starting at pattern offset {@code offset}, to {@code dst}. */
    public static void writeTo(ByteBuf dst, long offset, int length) {
        int start = (int) (offset % PERIOD);
        int left = length;
        while (left > 0) {
            int piece = Math.min(left, PERIODS.length - start);
            dst.writeBytes(PERIODS, start, piece);
            left -= piece;
            start = 0;
        }
    }
}
