package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EthernetFrameTest {
    /** A ping from 198.18.0.1 to 198.18.0.2 as Linux sends it through a TAP: 14 + 20 + 64 bytes. */
    private static final String ECHO_REQUEST_FRAME = "020000000002 020000000001 0800"
            + "45000054 1c464000 4001923b c6120001 c6120002"
            + "080094f1 0d2a0001 5c6b8a6600000000 a53e0b0000000000"
            + "101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f 3031323334353637";

    private final EthernetFrame frame = new EthernetFrame();

    private static ByteBuf hex(String text) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(text.replace(" ", "")));
    }

    @Test
    void decodesAddressesTypeAndPayload() {
        ByteBuf buf = hex(ECHO_REQUEST_FRAME);
        try {
            assertNull(frame.wrap(buf, 0, buf.readableBytes()));
            assertEquals(0x0200_0000_0002L, frame.destination());
            assertEquals(0x0200_0000_0001L, frame.source());
            assertEquals(EthernetFrame.ETHERTYPE_IPV4, frame.etherType());
            assertSame(buf, frame.buffer());
            assertEquals(0, frame.offset());
            assertEquals(98, frame.length());
            assertEquals(14, frame.payloadOffset());
            assertEquals(84, frame.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesAtAnUnalignedOffsetInsideALargerBuffer() {
        ByteBuf buf = hex("aabbcc" + ECHO_REQUEST_FRAME + "ddee");
        try {
            assertNull(frame.wrap(buf, 3, 98));
            assertEquals(0x0200_0000_0002L, frame.destination());
            assertEquals(0x0200_0000_0001L, frame.source());
            assertEquals(17, frame.payloadOffset());
            assertEquals(84, frame.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void headerOnlyFrameHasAnEmptyPayload() {
        ByteBuf buf = hex("ffffffffffff 020000000001 0806");
        try {
            assertNull(frame.wrap(buf, 0, 14));
            assertEquals(MacAddress.BROADCAST, frame.destination());
            assertEquals(EthernetFrame.ETHERTYPE_ARP, frame.etherType());
            assertEquals(0, frame.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void everyLengthShorterThanTheHeaderIsTruncated() {
        byte[] bytes = ByteBufUtil.decodeHexDump(ECHO_REQUEST_FRAME.replace(" ", ""));
        for (int length = 0; length < EthernetFrame.HEADER_LENGTH; length++) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, 0, length);
            try {
                assertEquals(DropReason.TRUNCATED, frame.wrap(buf, 0, length), "length " + length);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"8100", "88a8"})
    void vlanTaggedFrameIsDropped(String tagType) {
        ByteBuf buf = hex("020000000002 020000000001 " + tagType + " 0064 0800 45000054");
        try {
            assertEquals(DropReason.VLAN_TAGGED, frame.wrap(buf, 0, buf.readableBytes()));
        } finally {
            buf.release();
        }
    }

    @Test
    void otherEtherTypesAreLeftToTheStack() {
        ByteBuf buf = hex("333300000001 020000000001 86dd 60000000");
        try {
            assertNull(frame.wrap(buf, 0, buf.readableBytes()));
            assertEquals(0x86DD, frame.etherType());
        } finally {
            buf.release();
        }
    }

    @Test
    void wrapLeavesTheBufferUntouched() {
        ByteBuf buf = hex(ECHO_REQUEST_FRAME);
        try {
            buf.readerIndex(2);
            assertNull(frame.wrap(buf, 0, 98));
            frame.destination();
            assertEquals(2, buf.readerIndex());
            assertEquals(98, buf.writerIndex());
            assertEquals(1, buf.refCnt());
            assertEquals(ECHO_REQUEST_FRAME.replace(" ", ""), ByteBufUtil.hexDump(buf, 0, 98));
        } finally {
            buf.release();
        }
    }

    @Test
    void viewIsReusedForTheNextFrame() {
        ByteBuf first = hex(ECHO_REQUEST_FRAME);
        ByteBuf second = hex("ffffffffffff 020000000003 0806");
        try {
            assertNull(frame.wrap(first, 0, 98));
            assertNull(frame.wrap(second, 0, 14));
            assertEquals(0x0200_0000_0003L, frame.source());
            assertEquals(EthernetFrame.ETHERTYPE_ARP, frame.etherType());
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void regionBeyondTheWrittenBytesIsACallerBug() {
        ByteBuf buf = hex(ECHO_REQUEST_FRAME);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> frame.wrap(buf, 1, 98));
            assertThrows(IndexOutOfBoundsException.class, () -> frame.wrap(buf, -1, 14));
        } finally {
            buf.release();
        }
    }
}
