package io.usertcp.codec.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4PacketTest {
    /** A Linux ping from 198.18.0.1 to 198.18.0.2: DF set, TTL 64, 20-byte header, 64-byte ICMP message. */
    private static final String ECHO_REQUEST = "45000054 1c464000 4001923b c6120001 c6120002"
            + "080094f1 0d2a0001 5c6b8a6600000000 a53e0b0000000000"
            + "101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f 3031323334353637";
    /** An IGMP report to 224.0.0.22 with the router alert option (IHL 6), 8 bytes of payload. */
    private static final String WITH_ROUTER_ALERT = "46c00020 00004000 01023dee c6120001 e0000016 94040000"
            + "2200f9fa 00000000";

    private final Ipv4Packet ip = new Ipv4Packet();

    private static ByteBuf hex(String text) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(text.replace(" ", "")));
    }

    private DropReason wrap(String text) {
        ByteBuf buf = hex(text);
        try {
            return ip.wrap(buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    private DropReason wrapQuoted(String text) {
        ByteBuf buf = hex(text);
        try {
            return ip.wrapQuoted(buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesLinuxEchoRequest() {
        ByteBuf buf = hex(ECHO_REQUEST);
        try {
            assertNull(ip.wrap(buf, 0, 84));
            assertSame(buf, ip.buffer());
            assertEquals(0, ip.offset());
            assertEquals(84, ip.length());
            assertEquals(4, ip.version());
            assertEquals(20, ip.headerLength());
            assertEquals(0, ip.typeOfService());
            assertEquals(84, ip.totalLength());
            assertEquals(0x1C46, ip.identification());
            assertEquals(0x4000, ip.flagsAndFragmentOffset());
            assertTrue(ip.dontFragment());
            assertFalse(ip.moreFragments());
            assertFalse(ip.isFragment());
            assertEquals(0, ip.fragmentOffset());
            assertEquals(64, ip.ttl());
            assertEquals(Ipv4Packet.PROTOCOL_ICMP, ip.protocol());
            assertEquals(0x923B, ip.headerChecksum());
            assertEquals(0xC612_0001, ip.sourceAddress());
            assertEquals(0xC612_0002, ip.destinationAddress());
            assertEquals(0, ip.optionsLength());
            assertEquals(20, ip.payloadOffset());
            assertEquals(64, ip.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void optionsAreSkippedByHeaderLength() {
        ByteBuf buf = hex("0000 " + WITH_ROUTER_ALERT);
        try {
            assertNull(ip.wrap(buf, 2, 32));
            assertEquals(24, ip.headerLength());
            assertEquals(22, ip.optionsOffset());
            assertEquals(4, ip.optionsLength());
            assertEquals(0x9404_0000, buf.getInt(ip.optionsOffset()));
            assertEquals(26, ip.payloadOffset());
            assertEquals(8, ip.payloadLength());
            assertEquals(2, ip.protocol());
            assertEquals(0xE000_0016, ip.destinationAddress());
        } finally {
            buf.release();
        }
    }

    @Test
    void trailingEthernetPaddingIsExcludedFromThePayload() {
        // 32-byte datagram in a minimum-size frame: 46 bytes of Ethernet payload
        ByteBuf buf = hex(WITH_ROUTER_ALERT + " 0000000000000000000000000000");
        try {
            assertNull(ip.wrap(buf, 0, 46));
            assertEquals(32, ip.length());
            assertEquals(8, ip.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void everyTruncationIsDroppedWithoutThrowing() {
        byte[] bytes = ByteBufUtil.decodeHexDump(WITH_ROUTER_ALERT.replace(" ", ""));
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, 0, length);
            try {
                DropReason expected = length < 20 ? DropReason.TRUNCATED
                        : length < 24 ? DropReason.BAD_IP_HEADER_LENGTH
                        : DropReason.BAD_IP_TOTAL_LENGTH;
                assertEquals(expected, ip.wrap(buf, 0, length), "length " + length);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "6", "f"})
    void versionOtherThanFourIsDropped(String version) {
        assertEquals(DropReason.BAD_IP_VERSION, wrap(version + ECHO_REQUEST.substring(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "4"})
    void headerLengthBelowFiveWordsIsDropped(String ihl) {
        assertEquals(DropReason.BAD_IP_HEADER_LENGTH, wrap("4" + ihl + ECHO_REQUEST.substring(2)));
    }

    @Test
    void headerLengthBeyondTheRegionIsDropped() {
        // IHL 15 claims 60 header bytes; only 40 are there
        assertEquals(DropReason.BAD_IP_HEADER_LENGTH, wrap("4f000028 00004000 40060000 c6120001 c6120002"
                + "00000000 00000000 00000000 00000000 00000000"));
    }

    @Test
    void totalLengthBelowTheHeaderLengthIsDropped() {
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, wrap("46000014 " + WITH_ROUTER_ALERT.substring(9)));
    }

    @Test
    void totalLengthBeyondTheRegionIsDropped() {
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, wrap("45000055 " + ECHO_REQUEST.substring(9)));
    }

    @Test
    void headerChecksumMismatchIsDropped() {
        assertEquals(DropReason.BAD_IP_CHECKSUM, wrap(ECHO_REQUEST.replace("4001923b", "4001923c")));
    }

    @Test
    void headerChecksumCoversTheOptions() {
        assertEquals(DropReason.BAD_IP_CHECKSUM, wrap(WITH_ROUTER_ALERT.replace("94040000", "94040001")));
    }

    @Test
    void payloadIsNotCoveredByTheHeaderChecksum() {
        assertNull(wrap(ECHO_REQUEST.replace("3031323334353637", "ffffffffffffffff")));
    }

    @Test
    void fragmentOffsetIsCountedInBytes() {
        assertFragmentFields(Ipv4Packet.FLAG_MORE_FRAGMENTS | 185, true, 1480, true);
    }

    @Test
    void lastFragmentHasAnOffsetButNoMoreFragmentsFlag() {
        assertFragmentFields(370, false, 2960, true);
    }

    @Test
    void firstFragmentHasOffsetZeroAndMoreFragments() {
        assertFragmentFields(Ipv4Packet.FLAG_MORE_FRAGMENTS, true, 0, true);
    }

    @Test
    void dontFragmentAloneIsNotAFragment() {
        assertFragmentFields(Ipv4Packet.FLAG_DONT_FRAGMENT, false, 0, false);
    }

    private void assertFragmentFields(int field, boolean moreFragments, int offsetBytes, boolean fragment) {
        ByteBuf buf = new FrameBuffers(PooledByteBufAllocator.DEFAULT).allocate(8);
        try {
            buf.writeLong(0);
            Ipv4HeaderWriter.prepend(buf, 0, 7, field, 64, Ipv4Packet.PROTOCOL_UDP, 0xC612_0001, 0xC612_0002);
            assertNull(ip.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(field, ip.flagsAndFragmentOffset());
            assertEquals(moreFragments, ip.moreFragments());
            assertEquals(offsetBytes, ip.fragmentOffset());
            assertEquals(fragment, ip.isFragment());
        } finally {
            buf.release();
        }
    }

    @Test
    void typeOfServiceSplitsIntoDscpAndEcn() {
        ByteBuf buf = new FrameBuffers(PooledByteBufAllocator.DEFAULT).allocate(0);
        try {
            // DSCP EF (46) with ECT(1)
            Ipv4HeaderWriter.prepend(buf, 0xB9, 0, 0, 64, Ipv4Packet.PROTOCOL_TCP, 0xC612_0001, 0xC612_0002);
            assertNull(ip.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(0xB9, ip.typeOfService());
            assertEquals(46, ip.dscp());
            assertEquals(1, ip.ecn());
        } finally {
            buf.release();
        }
    }

    @Test
    void quoteMayStopShortOfItsTotalLength() {
        // a 1500-byte TCP segment quoted as header plus 8 bytes, with a checksum the quote does not verify
        String quote = "450005dc 04d24000 40060000 c6120001 c6120002 9c400050 11223344";
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, wrap(quote));
        ByteBuf buf = hex(quote);
        try {
            assertNull(ip.wrapQuoted(buf, 0, 28));
            assertEquals(1500, ip.totalLength());
            assertEquals(28, ip.length());
            assertEquals(20, ip.payloadOffset());
            assertEquals(8, ip.payloadLength());
            assertEquals(Ipv4Packet.PROTOCOL_TCP, ip.protocol());
            assertEquals(0x9C40, buf.getUnsignedShort(ip.payloadOffset()));
        } finally {
            buf.release();
        }
    }

    @Test
    void quotePayloadStopsAtTheQuotedTotalLength() {
        // RFC 4884 pads a short quote with zeros; they are not part of the quoted datagram
        ByteBuf buf = hex("4500001c 00004000 40110000 c6120001 c6120002 9c400035 00080000 00000000 00000000");
        try {
            assertNull(ip.wrapQuoted(buf, 0, 36));
            assertEquals(28, ip.length());
            assertEquals(8, ip.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void quoteShorterThanAHeaderIsTruncated() {
        assertEquals(DropReason.TRUNCATED, wrapQuoted("450005dc 04d24000 40060000 c6120001 c612"));
    }

    @Test
    void quoteOfAnotherVersionIsDropped() {
        assertEquals(DropReason.BAD_IP_VERSION, wrapQuoted("650005dc 04d24000 40060000 c6120001 c6120002"));
    }

    @Test
    void quoteHeaderLengthBeyondTheQuoteIsDropped() {
        assertEquals(DropReason.BAD_IP_HEADER_LENGTH, wrapQuoted("470005dc 04d24000 40060000 c6120001 c6120002"));
    }

    @Test
    void quotedTotalLengthBelowTheHeaderLengthIsDropped() {
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, wrapQuoted("45000013 04d24000 40060000 c6120001 c6120002"));
    }
}
