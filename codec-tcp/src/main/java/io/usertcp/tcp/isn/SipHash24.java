package io.usertcp.tcp.isn;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed pseudorandom
 * function with a 128-bit key and a 64-bit output, built for short inputs such as connection 4-tuples. It
 * supplies the F() of RFC 6528 initial sequence numbers and the MAC of SYN cookies; give each use its own
 * instance and key.
 *
 * <p>Immutable, so one instance may be shared across event loops. Both hash methods keep the whole state
 * in local variables and allocate nothing.
 */
public final class SipHash24 {
    /** The initialisation constants, "somepseudorandomlygeneratedbytes" in ASCII. */
    private static final long INIT_0 = 0x736f6d6570736575L;
    private static final long INIT_1 = 0x646f72616e646f6dL;
    private static final long INIT_2 = 0x6c7967656e657261L;
    private static final long INIT_3 = 0x7465646279746573L;
    /** The 2 and 4 of SipHash-2-4: rounds per message word, rounds of finalisation. */
    private static final int COMPRESSION_ROUNDS = 2;
    private static final int FINALIZATION_ROUNDS = 4;

    private final long key0;
    private final long key1;

    /**
     * A hash under the key whose 16 bytes k0..k15 give {@code key0} (k0..k7) and {@code key1} (k8..k15),
     * each read little-endian as the paper specifies.
     */
    public SipHash24(long key0, long key1) {
        this.key0 = key0;
        this.key1 = key1;
    }

    /** A hash under a fresh 128-bit key from {@code random}. */
    public static SipHash24 withRandomKey(SecureRandom random) {
        return new SipHash24(random.nextLong(), random.nextLong());
    }

    /** SipHash-2-4 of {@code length} bytes of {@code message} from {@code offset}. */
    public long hash(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        return sipHash(message, offset, length, 0, 0);
    }

    /**
     * SipHash-2-4 of the 16-byte message whose bytes are {@code word0} then {@code word1}, each little-endian:
     * the same value {@link #hash(byte[], int, int)} gives for those bytes, computed from primitives so that
     * callers hashing numbers (addresses, ports, counters) need no buffer.
     */
    public long hash(long word0, long word1) {
        return sipHash(null, 0, 16, word0, word1);
    }

    /** The message is {@code length} bytes of {@code bytes}, or when that is null the two words. */
    private long sipHash(byte[] bytes, int offset, int length, long word0, long word1) {
        long v0 = key0 ^ INIT_0;
        long v1 = key1 ^ INIT_1;
        long v2 = key0 ^ INIT_2;
        long v3 = key1 ^ INIT_3;
        int fullWords = length >>> 3;
        // The words: each full 8 bytes, then the 0-7 remaining bytes with the length's low byte on top
        for (int word = 0; word <= fullWords; word++) {
            long m;
            if (word == fullWords) {
                long remainder = bytes == null ? 0 : littleEndian(bytes, offset + 8 * word, length & 7);
                m = remainder | (long) length << 56;
            } else if (bytes == null) {
                m = word == 0 ? word0 : word1;
            } else {
                m = littleEndian(bytes, offset + 8 * word, 8);
            }
            v3 ^= m;
            for (int round = 0; round < COMPRESSION_ROUNDS; round++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int round = 0; round < FINALIZATION_ROUNDS; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** {@code count} (0 to 8) bytes from {@code index} as a little-endian number. */
    private static long littleEndian(byte[] bytes, int index, int count) {
        long value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = value << 8 | (bytes[index + i] & 0xFF);
        }
        return value;
    }

    @Override
    public String toString() {
        // Never the key
        return "SipHash24";
    }
}
