package io.usertcp.codec.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpMessageTest {
    /** The ICMP part of a Linux ping: identifier 0x0d2a, sequence 1, 16-byte timestamp then 0x10..0x37. */
    static final String LINUX_ECHO_REQUEST = "080094f1 0d2a0001 5c6b8a6600000000 a53e0b0000000000"
            + "101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f 3031323334353637";
    /**
     * A router asking for a 1400-byte MTU, quoting the header and first 8 bytes of a 1500-byte TCP segment
     * 198.18.0.1:40000 -> 198.18.0.2:80 with sequence number 0x11223344.
     */
    private static final String FRAGMENTATION_NEEDED = "0304168d 00000578"
            + "450005dc 04d24000 4006a422 c6120001 c6120002 9c400050 11223344";
    /** A 28-byte quote whose IPv4 header and 8 payload bytes are all valid; checksum fixed up per test. */
    private static final String QUOTE = "450005dc 04d24000 4006a422 c6120001 c6120002 9c400050 11223344";

    private final IcmpMessage icmp = new IcmpMessage();

    private static ByteBuf hex(String text) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(text.replace(" ", "")));
    }

    /** The message with a correct checksum, so that a test reaches the check after the checksum. */
    private static byte[] withChecksum(String text) {
        ByteBuf buf = hex(text);
        try {
            buf.setShort(2, 0);
            buf.setShort(2, InternetChecksum.compute(buf, 0, buf.readableBytes()));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private DropReason wrap(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return icmp.wrap(buf, 0, bytes.length);
        } finally {
            buf.release();
        }
    }

    private void assertDecodes(byte[] bytes, Consumer<IcmpMessage> check) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            assertNull(icmp.wrap(buf, 0, bytes.length));
            check.accept(icmp);
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesLinuxEchoRequest() {
        ByteBuf buf = hex(LINUX_ECHO_REQUEST);
        try {
            assertNull(icmp.wrap(buf, 0, 64));
            assertSame(buf, icmp.buffer());
            assertEquals(0, icmp.offset());
            assertEquals(64, icmp.length());
            assertEquals(IcmpMessage.TYPE_ECHO_REQUEST, icmp.type());
            assertEquals(0, icmp.code());
            assertEquals(0x94F1, icmp.checksum());
            assertEquals(0x0D2A_0001, icmp.restOfHeader());
            assertEquals(0x0D2A, icmp.identifier());
            assertEquals(1, icmp.sequenceNumber());
            assertFalse(icmp.carriesQuote());
            assertEquals(8, icmp.payloadOffset());
            assertEquals(56, icmp.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesFragmentationNeededWithItsNextHopMtu() {
        ByteBuf buf = hex("ffff " + FRAGMENTATION_NEEDED);
        try {
            assertNull(icmp.wrap(buf, 2, 36));
            assertEquals(IcmpMessage.TYPE_DESTINATION_UNREACHABLE, icmp.type());
            assertEquals(IcmpMessage.CODE_FRAGMENTATION_NEEDED, icmp.code());
            assertEquals(1400, icmp.nextHopMtu());
            assertEquals(1400, icmp.restOfHeader());
            assertTrue(icmp.carriesQuote());
            assertEquals(10, icmp.quotedOffset());
            assertEquals(28, icmp.quotedLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void quotedDatagramExposesTheQuotedPortsAndSequenceNumber() {
        ByteBuf buf = hex(FRAGMENTATION_NEEDED);
        try {
            assertNull(icmp.wrap(buf, 0, 36));
            Ipv4Packet quoted = icmp.quotedDatagram();
            assertSame(buf, quoted.buffer());
            assertEquals(8, quoted.offset());
            assertEquals(1500, quoted.totalLength());
            assertEquals(Ipv4Packet.PROTOCOL_TCP, quoted.protocol());
            assertEquals(0xC612_0001, quoted.sourceAddress());
            assertEquals(0xC612_0002, quoted.destinationAddress());
            assertEquals(8, quoted.payloadLength());
            assertEquals(40000, buf.getUnsignedShort(quoted.payloadOffset()));
            assertEquals(80, buf.getUnsignedShort(quoted.payloadOffset() + 2));
            assertEquals(0x1122_3344, buf.getInt(quoted.payloadOffset() + 4));
        } finally {
            buf.release();
        }
    }

    @Test
    void quoteRegionWrapsLikeTheQuotedDatagram() {
        ByteBuf buf = hex(FRAGMENTATION_NEEDED);
        try {
            assertNull(icmp.wrap(buf, 0, 36));
            Ipv4Packet quoted = new Ipv4Packet();
            assertNull(quoted.wrapQuoted(buf, icmp.quotedOffset(), icmp.quotedLength()));
            assertEquals(icmp.quotedDatagram().payloadOffset(), quoted.payloadOffset());
            assertEquals(icmp.quotedDatagram().payloadLength(), quoted.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void echoHasNoQuotedDatagram() {
        ByteBuf buf = hex(LINUX_ECHO_REQUEST);
        try {
            assertNull(icmp.wrap(buf, 0, 64));
            assertThrows(IllegalStateException.class, icmp::quotedDatagram);
        } finally {
            buf.release();
        }
    }

    @Test
    void oddLengthMessageVerifiesWithAZeroPaddedLastByte() {
        assertDecodes(ByteBufUtil.decodeHexDump("0000296212340007616263"),
                message -> assertEquals(3, message.payloadLength()));
    }

    @Test
    void headerWithoutBodyIsValid() {
        assertDecodes(withChecksum("08000000 00010002"), message -> assertEquals(0, message.payloadLength()));
    }

    @Test
    void everyLengthShorterThanTheHeaderIsTruncated() {
        byte[] bytes = ByteBufUtil.decodeHexDump(LINUX_ECHO_REQUEST.replace(" ", ""));
        for (int length = 0; length < IcmpMessage.HEADER_LENGTH; length++) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, 0, length);
            try {
                assertEquals(DropReason.TRUNCATED, icmp.wrap(buf, 0, length), "length " + length);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void checksumMismatchInTheHeaderIsDropped() {
        assertEquals(DropReason.BAD_ICMP_CHECKSUM,
                wrap(ByteBufUtil.decodeHexDump(LINUX_ECHO_REQUEST.replace(" ", "").replace("94f1", "94f0"))));
    }

    @Test
    void checksumCoversTheBody() {
        assertEquals(DropReason.BAD_ICMP_CHECKSUM,
                wrap(ByteBufUtil.decodeHexDump(LINUX_ECHO_REQUEST.replace(" ", "").replace("3637", "3636"))));
    }

    @Test
    void everyQuoteShorterThanHeaderPlusEightIsDroppedWithoutThrowing() {
        String quote = QUOTE.replace(" ", "");
        for (int quoteLength = 0; quoteLength < 28; quoteLength++) {
            byte[] bytes = withChecksum("03040000 00000578" + quote.substring(0, quoteLength * 2));
            ByteBuf buf = Unpooled.copiedBuffer(bytes);
            try {
                assertEquals(DropReason.BAD_ICMP_QUOTE, icmp.wrap(buf, 0, bytes.length), "quote " + quoteLength);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.TYPE_TIME_EXCEEDED})
    void errorQuotingOnlyTheIpHeaderIsDropped(int type) {
        String header = String.format("%02x000000 00000000", type);
        assertEquals(DropReason.BAD_ICMP_QUOTE, wrap(withChecksum(header + QUOTE.substring(0, 44))));
    }

    @Test
    void timeExceededWithAFullQuoteIsValid() {
        assertDecodes(withChecksum("0b000000 00000000" + QUOTE), message -> {
            assertTrue(message.carriesQuote());
            assertEquals(IcmpMessage.TYPE_TIME_EXCEEDED, message.type());
            assertEquals(IcmpMessage.CODE_TTL_EXCEEDED, message.code());
        });
    }

    @Test
    void quotedOptionsMustBeFollowedByEightBytes() {
        // IHL 6: the same 28 bytes now hold only 4 bytes after the header
        assertEquals(DropReason.BAD_ICMP_QUOTE,
                wrap(withChecksum("03030000 00000000" + "46" + QUOTE.substring(2))));
        assertNull(wrap(withChecksum("03030000 00000000" + "46" + QUOTE.substring(2) + "00000000")));
    }

    @Test
    void quoteOfAnotherIpVersionIsDropped() {
        assertEquals(DropReason.BAD_ICMP_QUOTE, wrap(withChecksum("03030000 00000000" + "65" + QUOTE.substring(2))));
    }

    @Test
    void quotedHeaderLengthBelowFiveWordsIsDropped() {
        assertEquals(DropReason.BAD_ICMP_QUOTE, wrap(withChecksum("03030000 00000000" + "44" + QUOTE.substring(2))));
    }

    @Test
    void quotedTotalLengthTooShortToHoldEightPayloadBytesIsDropped() {
        assertEquals(DropReason.BAD_ICMP_QUOTE,
                wrap(withChecksum("03030000 00000000" + "4500001b" + QUOTE.substring(8))));
        assertNull(wrap(withChecksum("03030000 00000000" + "4500001c" + QUOTE.substring(8))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"04000000 00000000", "0c000000 00000000 4500", "0d000000 0001000200"})
    void otherTypesAreDecodedAsHeaderAndBodyOnly(String message) {
        assertDecodes(withChecksum(message), decoded -> assertFalse(decoded.carriesQuote()));
    }
}
