package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBuf;

import java.util.SplittableRandom;

/**
 * A deterministic byte stream for transfer tests: byte {@code p} of the stream with seed {@code s} is
 * {@code PATTERN[(p + offset(s)) mod PATTERN.length]}. The pattern is random bytes of prime length, so no
 * misplaced, repeated or dropped segment (of any size below the pattern) leaves the stream unchanged, and
 * producing it costs one copy rather than a random draw per byte.
 */
final class SeededStream {
    /** A prime near 1 MiB: never a multiple of a segment size. */
    private static final int PATTERN_LENGTH = 1_048_573;
    private static final byte[] PATTERN = new byte[PATTERN_LENGTH];

    static {
        new SplittableRandom(0x5EED_57EA_4DL).nextBytes(PATTERN);
    }

    private final long length;
    private int patternIndex;
    private long position;

    SeededStream(long seed, long length) {
        this.length = length;
        this.patternIndex = (int) Math.floorMod(new SplittableRandom(seed).nextLong(), (long) PATTERN_LENGTH);
    }

    long length() {
        return length;
    }

    long position() {
        return position;
    }

    boolean isFinished() {
        return position == length;
    }

    /**
     * Appends the next {@code max} bytes of the stream (fewer at its end) to {@code target} and to
     * {@code digest}; returns how many.
     */
    int next(ByteBuf target, int max, StreamDigest digest) {
        int total = (int) Math.min(max, length - position);
        int left = total;
        while (left > 0) {
            int run = Math.min(left, PATTERN_LENGTH - patternIndex);
            target.writeBytes(PATTERN, patternIndex, run);
            digest.update(PATTERN, patternIndex, run);
            patternIndex = patternIndex + run == PATTERN_LENGTH ? 0 : patternIndex + run;
            left -= run;
        }
        position += total;
        return total;
    }
}
