package io.usertcp.codec.checksum;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternetChecksumTest {
    /** An IPv4 header with a correct checksum (0xb861). */
    private static final String IPV4_HEADER = "45000073" + "00004000" + "4011b861" + "c0a80001" + "c0a800c7";

    enum Memory {
        HEAP, DIRECT;

        ByteBuf of(byte[] bytes) {
            ByteBuf buf = this == HEAP
                    ? PooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length)
                    : PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
            return buf.writeBytes(bytes);
        }
    }

    /** RFC 1071 done the plain way: 16-bit big-endian words, odd byte padded on the right, end-around carry. */
    private static int referenceChecksum(byte[] data, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = data[from + i] & 0xFF;
            int low = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(Memory.class)
    void rfc1071NumericalExample(Memory memory) {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 after the end-around carry
        ByteBuf buf = memory.of(ByteBufUtil.decodeHexDump("0001f203f4f5f6f7"));
        try {
            assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.add(buf, 0, 8, 0)));
            assertEquals(0x220d, InternetChecksum.compute(buf, 0, 8));
        } finally {
            buf.release();
        }
    }

    @Test
    void zeroLengthAddsNothing() {
        ByteBuf buf = Memory.DIRECT.of(new byte[] {1, 2, 3, 4});
        try {
            assertEquals(12345, InternetChecksum.add(buf, 2, 0, 12345));
            assertEquals(0xFFFF, InternetChecksum.compute(buf, 0, 0));
        } finally {
            buf.release();
        }
    }

    @Test
    void oddFinalByteIsPaddedOnTheRight() {
        ByteBuf buf = Memory.DIRECT.of(ByteBufUtil.decodeHexDump("0102ab"));
        try {
            assertEquals(0x0102 + 0xab00, InternetChecksum.fold(InternetChecksum.add(buf, 0, 3, 0)));
            assertEquals(0xab00, InternetChecksum.fold(InternetChecksum.add(buf, 2, 1, 0)));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Memory.class)
    void everyLengthUpToSixtyFourMatchesTheReference(Memory memory) {
        Random random = new Random(1071);
        for (int length = 0; length <= 64; length++) {
            byte[] bytes = randomBytes(random, length);
            ByteBuf buf = memory.of(bytes);
            try {
                assertEquals(referenceChecksum(bytes, 0, length), InternetChecksum.compute(buf, 0, length),
                        "length " + length);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Memory.class)
    void regionsStartingAnywhereMatchTheReference(Memory memory) {
        Random random = new Random(791);
        byte[] bytes = randomBytes(random, 96);
        ByteBuf buf = memory.of(bytes);
        try {
            for (int start = 1; start < 16; start++) {
                for (int length = 0; length <= 64; length++) {
                    assertEquals(referenceChecksum(bytes, start, length), InternetChecksum.compute(buf, start, length),
                            "start " + start + " length " + length);
                }
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void bytesOutsideTheRegionAreNotCounted() {
        ByteBuf buf = Memory.DIRECT.of(ByteBufUtil.decodeHexDump("ffffff" + "0001f203f4f5f6f7" + "ffffff"));
        try {
            assertEquals(0x220d, InternetChecksum.compute(buf, 3, 8));
        } finally {
            buf.release();
        }
    }

    @Test
    void heapAndDirectBuffersAgreeOnALargeRegion() {
        byte[] bytes = randomBytes(new Random(65535), 65535);
        ByteBuf heap = Memory.HEAP.of(bytes);
        ByteBuf direct = Memory.DIRECT.of(bytes);
        try {
            int expected = referenceChecksum(bytes, 0, bytes.length);
            assertEquals(expected, InternetChecksum.compute(heap, 0, bytes.length));
            assertEquals(expected, InternetChecksum.compute(direct, 0, bytes.length));
        } finally {
            heap.release();
            direct.release();
        }
    }

    @Test
    void allOnesRegionFoldsWithoutOverflow() {
        byte[] bytes = new byte[65535];
        Arrays.fill(bytes, (byte) 0xFF);
        ByteBuf buf = Memory.DIRECT.of(bytes);
        try {
            assertEquals(referenceChecksum(bytes, 0, bytes.length), InternetChecksum.compute(buf, 0, bytes.length));
        } finally {
            buf.release();
        }
    }

    @Test
    void partialSumsChainAcrossEvenSplits() {
        byte[] bytes = randomBytes(new Random(1624), 41);
        ByteBuf buf = Memory.DIRECT.of(bytes);
        try {
            for (int split = 0; split <= 40; split += 2) {
                long first = InternetChecksum.add(buf, 0, split, 0);
                assertEquals(InternetChecksum.compute(buf, 0, 41),
                        InternetChecksum.finish(InternetChecksum.add(buf, split, 41 - split, first)), "split " + split);
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void pseudoHeaderSumsAddressWordsProtocolAndLength() {
        long sum = InternetChecksum.pseudoHeader(0xC6120001, 0xC6120002, 6, 40);
        // c612 + 0001 + c612 + 0002 + 0006 + 0028 = 1_8c55, which folds to 8c56: the same value Linux leaves
        // in the checksum field of such a SYN on loopback, where only the pseudo-header is summed
        assertEquals(0x8c56, InternetChecksum.fold(sum));
    }

    @Test
    void pseudoHeaderTreatsHighAddressesAsUnsigned() {
        long sum = InternetChecksum.pseudoHeader(0xFFFFFFFF, 0x80000000, 17, 8);
        byte[] words = ByteBufUtil.decodeHexDump("ffffffff" + "80000000" + "0011" + "0008");
        assertEquals(referenceChecksum(words, 0, words.length), InternetChecksum.finish(sum));
    }

    @Test
    void correctHeaderVerifies() {
        ByteBuf buf = Memory.DIRECT.of(ByteBufUtil.decodeHexDump(IPV4_HEADER));
        try {
            assertTrue(InternetChecksum.verifies(buf, 0, 20, 0));
            buf.setShort(10, 0);
            assertEquals(0xb861, InternetChecksum.compute(buf, 0, 20));
        } finally {
            buf.release();
        }
    }

    @Test
    void alteredHeaderDoesNotVerify() {
        ByteBuf buf = Memory.DIRECT.of(ByteBufUtil.decodeHexDump(IPV4_HEADER));
        try {
            buf.setByte(8, 0x3f);
            assertFalse(InternetChecksum.verifies(buf, 0, 20, 0));
        } finally {
            buf.release();
        }
    }

    @Test
    void update16AgreesWithRecomputationForRandomRewrites() {
        Random random = new Random(16);
        ByteBuf buf = Memory.DIRECT.of(new byte[20]);
        try {
            for (int round = 0; round < 10_000; round++) {
                buf.setBytes(0, randomBytes(random, 20));
                buf.setShort(10, 0);
                int checksum = InternetChecksum.compute(buf, 0, 20);
                buf.setShort(10, checksum);
                int field = 2 * random.nextInt(10);
                if (field == 10) {
                    continue;
                }
                int oldValue = buf.getUnsignedShort(field);
                int newValue = random.nextInt(0x10000);
                buf.setShort(field, newValue);
                int updated = InternetChecksum.update16(checksum, oldValue, newValue);
                buf.setShort(10, 0);
                assertEquals(InternetChecksum.compute(buf, 0, 20), updated,
                        "round " + round + ": field " + field + " " + oldValue + " -> " + newValue);
                buf.setShort(10, updated);
                assertTrue(InternetChecksum.verifies(buf, 0, 20, 0));
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void update32AgreesWithRecomputationForRandomRewrites() {
        Random random = new Random(32);
        ByteBuf buf = Memory.DIRECT.of(new byte[20]);
        try {
            for (int round = 0; round < 10_000; round++) {
                buf.setBytes(0, randomBytes(random, 20));
                buf.setShort(10, 0);
                int checksum = InternetChecksum.compute(buf, 0, 20);
                int field = 12 + 4 * random.nextInt(2);
                int oldValue = buf.getInt(field);
                int newValue = round % 10 == 0 ? ~oldValue : random.nextInt();
                buf.setInt(field, newValue);
                int updated = InternetChecksum.update32(checksum, oldValue, newValue);
                assertEquals(InternetChecksum.compute(buf, 0, 20), updated,
                        "round " + round + ": field " + field + " " + oldValue + " -> " + newValue);
            }
        } finally {
            buf.release();
        }
    }
}
