package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpOptionsTest {
    /** Options of a SYN from Linux 6.x: MSS 1460, SACK-permitted, timestamps, window scale 7. */
    private static final String LINUX_SYN = "020405b4" + "0402080a" + "9a3b1c2d" + "00000000" + "01030307";

    private final TcpOptions options = new TcpOptions();

    private static ByteBuf bytes(String hex) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        buf.writeBytes(ByteBufUtil.decodeHexDump(hex));
        return buf;
    }

    /** Parses the whole of {@code hex} as an option space. */
    private DropReason parse(String hex) {
        ByteBuf buf = bytes(hex);
        try {
            return options.parse(buf, buf.readerIndex(), buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    /** Writes {@link #options} into a fresh buffer and returns the bytes as hex. */
    private String encode() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            int end = options.write(buf, 0);
            assertEquals(options.encodedLength(), end, "write must produce encodedLength() bytes");
            return ByteBufUtil.hexDump(buf, 0, end);
        } finally {
            buf.release();
        }
    }

    private void assertRoundTrips(String hex) {
        assertNull(parse(hex), hex);
        assertEquals(hex, encode(), "re-encoding " + options);
    }

    @Test
    void emptyOptionSpaceLeavesEveryOptionAbsent() {
        assertNull(parse(""));
        assertEquals(-1, options.mss());
        assertEquals(-1, options.windowScale());
        assertFalse(options.sackPermitted());
        assertFalse(options.hasTimestamps());
        assertEquals(0, options.sackBlockCount());
        assertEquals(0, options.encodedLength());
    }

    @Test
    void maximumSegmentSizeParses() {
        assertNull(parse("0204ffd7"));
        assertEquals(65495, options.mss());
    }

    @Test
    void windowScaleParsesAsReceivedWithoutClamping() {
        assertNull(parse("03030f"));
        assertEquals(15, options.windowScale());
    }

    @Test
    void sackPermittedParses() {
        assertNull(parse("0402"));
        assertTrue(options.sackPermitted());
    }

    @Test
    void timestampsParseAsFullThirtyTwoBitValues() {
        assertNull(parse("080afffffffe80000001"));
        assertTrue(options.hasTimestamps());
        assertEquals(0xFFFFFFFE, options.tsVal());
        assertEquals(0x80000001, options.tsEcr());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void sackBlocksParseInWireOrder(int blocks) {
        StringBuilder hex = new StringBuilder("05").append(String.format("%02x", 2 + 8 * blocks));
        for (int block = 0; block < blocks; block++) {
            hex.append(String.format("%08x%08x", 0xF0000000 + 1000 * block, 0xF0000000 + 1000 * block + 500));
        }
        assertNull(parse(hex.toString()));
        assertEquals(blocks, options.sackBlockCount());
        for (int block = 0; block < blocks; block++) {
            assertEquals(0xF0000000 + 1000 * block, options.sackLeftEdge(block));
            assertEquals(0xF0000000 + 1000 * block + 500, options.sackRightEdge(block));
        }
    }

    @Test
    void linuxSynOptionsParse() {
        assertNull(parse(LINUX_SYN));
        assertEquals(1460, options.mss());
        assertTrue(options.sackPermitted());
        assertTrue(options.hasTimestamps());
        assertEquals(0x9a3b1c2d, options.tsVal());
        assertEquals(0, options.tsEcr());
        assertEquals(7, options.windowScale());
        assertEquals(0, options.sackBlockCount());
    }

    @Test
    void linuxSynOptionsRoundTripByteForByte() {
        assertRoundTrips(LINUX_SYN);
    }

    @Test
    void linuxSynWithoutTimestampsRoundTripsByteForByte() {
        assertRoundTrips("020405b4" + "01010402" + "01030307");
    }

    @Test
    void linuxSynWithTimestampsWithoutSackPermittedRoundTripsByteForByte() {
        assertRoundTrips("020405b4" + "0101080a" + "9a3b1c2d" + "00000000" + "01030307");
    }

    @Test
    void linuxDataSegmentTimestampsRoundTripByteForByte() {
        assertRoundTrips("0101080a" + "9a3b1c30" + "00c0ffee");
    }

    @Test
    void linuxSackSegmentRoundTripsByteForByte() {
        assertRoundTrips("0101080a" + "9a3b1c30" + "00c0ffee" + "0101051a"
                + "00003000" + "00004000" + "00001000" + "00002000" + "00005000" + "00006000");
    }

    @Test
    void sackBlocksWithoutTimestampsRoundTripByteForByte() {
        assertRoundTrips("01010522" + "00000001" + "00000002" + "00000003" + "00000004"
                + "00000005" + "00000006" + "00000007" + "00000008");
    }

    @Test
    void unknownKindIsSkippedByItsLength() {
        // kind 30 (MPTCP) with 4 data bytes that would be a bad option if read as options
        assertNull(parse("1e06" + "00010203" + "020405b4"));
        assertEquals(1460, options.mss());
    }

    @Test
    void optionLengthZeroIsRejected() {
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse("1e00" + "020405b4"));
    }

    @Test
    void optionLengthOneIsRejected() {
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse("1e01" + "020405b4"));
    }

    @Test
    void optionLengthOverrunningTheOptionSpaceIsRejected() {
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse("01" + "1e08" + "000000"));
    }

    @Test
    void kindWithoutRoomForItsLengthByteIsRejected() {
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse("010101" + "02"));
    }

    @Test
    void optionRunningPastTheGivenLengthIsRejectedEvenWhenTheBufferHoldsMore() {
        ByteBuf buf = bytes("020405b4" + "0000");
        try {
            assertEquals(DropReason.BAD_OPTION_LENGTH, options.parse(buf, 0, 3));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0203ff", "0205000000",
            "0302", "03040000",
            "0403ff", "04040000",
            "0809" + "00000000000000", "080b" + "000000000000000000",
            "0502", "0503ff", "0509" + "00000000000000", "050b" + "000000000000000000",
    })
    void knownKindWithWrongLengthIsRejected(String option) {
        assertEquals(option.length() / 2, Integer.parseInt(option.substring(2, 4), 16), "length fits exactly");
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse(option), option);
    }

    @Test
    void fiveSackBlocksAreRejected() {
        StringBuilder hex = new StringBuilder("052a");
        for (int edge = 0; edge < 10; edge++) {
            hex.append(String.format("%08x", edge));
        }
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse(hex.toString()));
    }

    @Test
    void endOfListThenGarbageIsIgnored() {
        assertNull(parse("020405b4" + "00" + "1e00ff"));
        assertEquals(1460, options.mss());
    }

    @Test
    void nopsAreSkippedOneByteAtATime() {
        assertNull(parse("01" + "020405b4" + "010101" + "03030e"));
        assertEquals(1460, options.mss());
        assertEquals(14, options.windowScale());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7})
    void optionsParseAtAnyOffsetWithoutAlignment(int offset) {
        ByteBuf buf = bytes("ff".repeat(offset) + "01" + LINUX_SYN.substring(0, 8) + "0303070402" + "080a"
                + "9a3b1c2d" + "00000001" + "ffff");
        try {
            assertNull(options.parse(buf, offset, buf.readableBytes() - offset - 2));
            assertEquals(1460, options.mss());
            assertEquals(7, options.windowScale());
            assertTrue(options.sackPermitted());
            assertEquals(0x9a3b1c2d, options.tsVal());
            assertEquals(1, options.tsEcr());
        } finally {
            buf.release();
        }
    }

    @Test
    void parseReplacesEarlierContent() {
        assertNull(parse(LINUX_SYN));
        assertNull(parse("0101080a" + "00000001" + "00000002"));
        assertEquals(-1, options.mss());
        assertEquals(-1, options.windowScale());
        assertFalse(options.sackPermitted());
        assertEquals(1, options.tsVal());
    }

    @Test
    void failedParseLeavesTheHolderEmpty() {
        assertEquals(DropReason.BAD_OPTION_LENGTH, parse("020405b4" + "0402" + "1e00"));
        assertEquals(-1, options.mss());
        assertFalse(options.sackPermitted());
    }

    @Test
    void parseDoesNotMoveBufferIndexes() {
        ByteBuf buf = bytes(LINUX_SYN);
        try {
            options.parse(buf, 0, buf.readableBytes());
            assertEquals(0, buf.readerIndex());
            assertEquals(20, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void clearRemovesEveryOption() {
        options.setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(1, 2).addSackBlock(1, 2);
        options.clear();
        assertEquals(0, options.encodedLength());
        assertEquals("", encode());
    }

    @Test
    void builtSynOptionsEncodeInLinuxLayout() {
        options.setWindowScale(7).setTimestamps(0x9a3b1c2d, 0).setSackPermitted(true).setMss(1460);
        assertEquals(LINUX_SYN, encode());
    }

    @Test
    void sackPermittedWithoutTimestampsIsPaddedWithTwoNops() {
        options.setSackPermitted(true);
        assertEquals("01010402", encode());
    }

    @Test
    void windowScaleIsPaddedWithOneNop() {
        options.setWindowScale(14);
        assertEquals("0103030e", encode());
    }

    @Test
    void sackBlocksEncodeInTheOrderAdded() {
        options.addSackBlock(0x30, 0x40).addSackBlock(0x10, 0x20);
        assertEquals("01010512" + "00000030" + "00000040" + "00000010" + "00000020", encode());
    }

    @Test
    void encodedLengthCanExceedTheOptionSpace() {
        options.setMss(1460).setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6);
        assertEquals(44, options.encodedLength());
    }

    @Test
    void fifthSackBlockCannotBeAdded() {
        options.addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6).addSackBlock(7, 8);
        assertThrows(IllegalStateException.class, () -> options.addSackBlock(9, 10));
    }

    @Test
    void sackEdgeBeyondTheBlockCountCannotBeRead() {
        options.addSackBlock(1, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> options.sackLeftEdge(1));
        assertThrows(IndexOutOfBoundsException.class, () -> options.sackRightEdge(-1));
    }

    @Test
    void outOfRangeMssAndWindowScaleAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> options.setMss(65536));
        assertThrows(IllegalArgumentException.class, () -> options.setMss(-2));
        assertThrows(IllegalArgumentException.class, () -> options.setWindowScale(256));
        assertThrows(IllegalArgumentException.class, () -> options.setWindowScale(-2));
    }

    @Test
    void writeDoesNotMoveBufferIndexes() {
        options.setMss(1460);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        try {
            assertEquals(6, options.write(buf, 2));
            assertEquals(0, buf.readerIndex());
            assertEquals(0, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void toStringNamesPresentOptions() {
        assertNull(parse(LINUX_SYN));
        assertEquals("TcpOptions{mss=1460 wscale=7 sackOK ts=2587565101/0}", options.toString());
    }
}
