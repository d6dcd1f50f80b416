package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpSegmentTest {
    static final int CLIENT = 0xC6120001; // 198.18.0.1
    static final int SERVER = 0xC6120002; // 198.18.0.2

    /**
     * A SYN from 198.18.0.1:40000 to 198.18.0.2:8080 laid out as Linux sends it: seq 0x12345678, window
     * 64240, options MSS 1460, SACK-permitted, timestamps 0x9a3b1c2d/0, window scale 7. The checksum 0xe601
     * was computed independently with a 16-bit-at-a-time Python one-liner over pseudo-header and segment.
     */
    static final String SYN = "9c40" + "1f90" + "12345678" + "00000000" + "a002" + "faf0" + "e601" + "0000"
            + "020405b4" + "0402080a" + "9a3b1c2d" + "00000000" + "01030307";

    /** PSH|ACK carrying "hello" (odd length), timestamps only; checksum 0x2e58 computed the same way. */
    static final String DATA = "9c40" + "1f90" + "12345679" + "abcdef01" + "8018" + "01f6" + "2e58" + "0000"
            + "0101080a" + "9a3b1c30" + "00c0ffee" + "68656c6c6f";

    private final TcpSegment segment = new TcpSegment();

    /** {@code hex} in a pooled direct buffer after {@code offset} filler bytes. */
    static ByteBuf buffer(int offset, String hex) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        buf.writeBytes(ByteBufUtil.decodeHexDump("ee".repeat(offset) + hex));
        return buf;
    }

    /** Recomputes the checksum of a segment from CLIENT to SERVER after a test has edited its header. */
    private static void refreshChecksum(ByteBuf buf, int offset, int length) {
        completeChecksum(buf, offset, length, CLIENT, SERVER);
    }

    /** Fills in the full checksum of a segment, whatever its checksum field held. */
    static void completeChecksum(ByteBuf buf, int offset, int length, int sourceAddress, int destinationAddress) {
        buf.setShort(offset + 16, 0);
        long pseudoHeader = InternetChecksum.pseudoHeader(sourceAddress, destinationAddress, 6, length);
        buf.setShort(offset + 16, InternetChecksum.finish(InternetChecksum.add(buf, offset, length, pseudoHeader)));
    }

    private DropReason wrapAll(ByteBuf buf) {
        return segment.wrap(buf, 0, buf.readableBytes(), CLIENT, SERVER);
    }

    @Test
    void knownSynDecodes() {
        ByteBuf buf = buffer(0, SYN);
        try {
            assertNull(wrapAll(buf));
            assertSame(buf, segment.buffer());
            assertEquals(0, segment.offset());
            assertEquals(40, segment.length());
            assertEquals(40000, segment.sourcePort());
            assertEquals(8080, segment.destinationPort());
            assertEquals(0x12345678, segment.sequenceNumber());
            assertEquals(0, segment.acknowledgmentNumber());
            assertEquals(40, segment.headerLength());
            assertEquals(TcpFlags.SYN, segment.flags(), TcpFlags.toString(segment.flags()));
            assertEquals(64240, segment.window());
            assertEquals(0xe601, segment.checksum());
            assertEquals(0, segment.urgentPointer());
            assertEquals(40, segment.payloadOffset());
            assertEquals(0, segment.payloadLength());
            assertEquals(1460, segment.options().mss());
            assertEquals(7, segment.options().windowScale());
            assertTrue(segment.options().sackPermitted());
            assertEquals(0x9a3b1c2d, segment.options().tsVal());
        } finally {
            buf.release();
        }
    }

    @Test
    void knownDataSegmentDecodesWithItsPayload() {
        ByteBuf buf = buffer(0, DATA);
        try {
            assertNull(wrapAll(buf));
            assertEquals(0xabcdef01, segment.acknowledgmentNumber());
            assertTrue(segment.hasFlags(TcpFlags.PSH | TcpFlags.ACK));
            assertFalse(segment.hasFlags(TcpFlags.SYN | TcpFlags.ACK));
            assertEquals(502, segment.window());
            assertEquals(32, segment.headerLength());
            assertEquals(32, segment.payloadOffset());
            assertEquals(5, segment.payloadLength());
            assertEquals("hello", buf.toString(segment.payloadOffset(), segment.payloadLength(),
                    StandardCharsets.US_ASCII));
            assertEquals(-1, segment.options().mss());
            assertEquals(0x00c0ffee, segment.options().tsEcr());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 34, 35})
    void segmentAtAnyOffsetDecodes(int offset) {
        ByteBuf buf = buffer(offset, DATA + "dddddd");
        try {
            assertNull(segment.wrap(buf, offset, DATA.length() / 2, CLIENT, SERVER));
            assertEquals(offset, segment.offset());
            assertEquals(offset + 32, segment.payloadOffset());
            assertEquals(5, segment.payloadLength());
            assertEquals(0x12345679, segment.sequenceNumber());
        } finally {
            buf.release();
        }
    }

    @Test
    void wrapDoesNotMoveIndexesOrChangeBytes() {
        ByteBuf buf = buffer(0, DATA);
        try {
            assertNull(wrapAll(buf));
            assertEquals(0, buf.readerIndex());
            assertEquals(DATA.length() / 2, buf.writerIndex());
            assertEquals(DATA, ByteBufUtil.hexDump(buf));
            assertEquals(1, buf.refCnt());
        } finally {
            buf.release();
        }
    }

    @Test
    void viewIsReusableAcrossSegments() {
        ByteBuf syn = buffer(0, SYN);
        ByteBuf data = buffer(0, DATA);
        try {
            assertNull(wrapAll(syn));
            assertNull(wrapAll(data));
            assertSame(data, segment.buffer());
            assertEquals(TcpFlags.PSH | TcpFlags.ACK, segment.flags());
            assertEquals(-1, segment.options().mss());
            assertFalse(segment.options().sackPermitted());
        } finally {
            syn.release();
            data.release();
        }
    }

    @Test
    void segmentShorterThanTwentyBytesIsTruncated() {
        ByteBuf buf = buffer(0, SYN);
        try {
            assertEquals(DropReason.TRUNCATED, segment.wrap(buf, 0, 19, CLIENT, SERVER));
        } finally {
            buf.release();
        }
    }

    @Test
    void everyTruncationLengthIsDroppedWithoutThrowing() {
        ByteBuf buf = buffer(0, DATA);
        try {
            for (int length = 0; length < buf.readableBytes(); length++) {
                assertNotNull(segment.wrap(buf, 0, length, CLIENT, SERVER), "length " + length);
                ByteBuf cut = buf.retainedSlice(0, length);
                try {
                    assertNotNull(segment.wrap(cut, 0, cut.readableBytes(), CLIENT, SERVER), "slice " + length);
                } finally {
                    cut.release();
                }
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void segmentRunningPastTheWrittenBytesIsTruncated() {
        ByteBuf buf = buffer(0, SYN);
        try {
            assertEquals(DropReason.TRUNCATED, segment.wrap(buf, 1, 40, CLIENT, SERVER));
            assertEquals(DropReason.TRUNCATED, segment.wrap(buf, 0, 41, CLIENT, SERVER));
            assertEquals(DropReason.TRUNCATED, segment.wrap(buf, -1, 40, CLIENT, SERVER));
            assertEquals(DropReason.TRUNCATED, segment.wrap(buf, 30, Integer.MAX_VALUE, CLIENT, SERVER));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void dataOffsetBelowFiveIsDropped(int words) {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setByte(12, words << 4);
            refreshChecksum(buf, 0, 40);
            assertEquals(DropReason.BAD_TCP_DATA_OFFSET, wrapAll(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void dataOffsetBeyondTheSegmentIsDropped() {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setByte(12, 11 << 4);
            refreshChecksum(buf, 0, 40);
            assertEquals(DropReason.BAD_TCP_DATA_OFFSET, wrapAll(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void dataOffsetFifteenWithFortyOptionBytesDecodes() {
        ByteBuf buf = buffer(0, SYN.substring(0, 40) + "020405b4" + "01".repeat(36) + "68");
        try {
            buf.setByte(12, 15 << 4);
            refreshChecksum(buf, 0, 61);
            assertNull(wrapAll(buf));
            assertEquals(60, segment.headerLength());
            assertEquals(1, segment.payloadLength());
            assertEquals(1460, segment.options().mss());
        } finally {
            buf.release();
        }
    }

    @Test
    void corruptedSegmentFailsTheChecksum() {
        ByteBuf buf = buffer(0, DATA);
        try {
            buf.setByte(33, 'E');
            assertEquals(DropReason.BAD_TCP_CHECKSUM, wrapAll(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void segmentForAnotherAddressFailsThePseudoHeaderChecksum() {
        ByteBuf buf = buffer(0, SYN);
        try {
            assertEquals(DropReason.BAD_TCP_CHECKSUM, segment.wrap(buf, 0, 40, CLIENT, SERVER + 1));
            assertEquals(DropReason.BAD_TCP_CHECKSUM, segment.wrap(buf, 0, 40, SERVER, CLIENT + 2));
        } finally {
            buf.release();
        }
    }

    @Test
    void malformedOptionWithValidChecksumIsDropped() {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setByte(21, 0); // MSS length 0
            refreshChecksum(buf, 0, 40);
            assertEquals(DropReason.BAD_OPTION_LENGTH, wrapAll(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void checksumIsCheckedBeforeOptions() {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setByte(21, 0);
            assertEquals(DropReason.BAD_TCP_CHECKSUM, wrapAll(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void flippingAnySingleBitIsCaught() {
        for (String hex : new String[] {SYN, DATA}) {
            ByteBuf buf = buffer(0, hex);
            try {
                for (int bit = 0; bit < 8 * buf.readableBytes(); bit++) {
                    int index = bit / 8;
                    int mask = 0x80 >>> (bit % 8);
                    buf.setByte(index, buf.getByte(index) ^ mask);
                    assertNotNull(wrapAll(buf), "bit " + bit + " flipped");
                    buf.setByte(index, buf.getByte(index) ^ mask);
                }
                assertNull(wrapAll(buf));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void windowIsReadUnsigned() {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setShort(14, 0xFFFF);
            refreshChecksum(buf, 0, 40);
            assertNull(wrapAll(buf));
            assertEquals(65535, segment.window());
        } finally {
            buf.release();
        }
    }

    @Test
    void aeAndReservedBitsAreExposedInFlags() {
        ByteBuf buf = buffer(0, SYN);
        try {
            buf.setByte(12, 0xaf);
            refreshChecksum(buf, 0, 40);
            assertNull(wrapAll(buf));
            assertEquals(40, segment.headerLength());
            assertEquals(TcpFlags.SYN | TcpFlags.AE | TcpFlags.RESERVED, segment.flags());
            assertTrue(segment.hasFlags(TcpFlags.AE));
        } finally {
            buf.release();
        }
    }

    @Test
    void urgentPointerIsRead() {
        ByteBuf buf = buffer(0, DATA);
        try {
            buf.setShort(18, 0x8001);
            buf.setByte(13, buf.getByte(13) | TcpFlags.URG);
            refreshChecksum(buf, 0, 37);
            assertNull(wrapAll(buf));
            assertEquals(0x8001, segment.urgentPointer());
            assertTrue(segment.hasFlags(TcpFlags.URG));
        } finally {
            buf.release();
        }
    }
}
