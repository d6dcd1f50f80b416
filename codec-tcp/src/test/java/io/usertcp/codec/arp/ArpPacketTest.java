package io.usertcp.codec.arp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ArpPacketTest {
    /** Linux asking who has 198.18.0.2, tell 198.18.0.1 (02:00:00:00:00:01); target MAC left zero. */
    static final String LINUX_REQUEST = "0001 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002";
    /** 198.18.0.2 is at 02:00:00:00:00:02, answering the request above. */
    static final String REPLY = "0001 0800 06 04 0002 020000000002 c6120002 020000000001 c6120001";

    private final ArpPacket arp = new ArpPacket();

    private static ByteBuf hex(String text) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(text.replace(" ", "")));
    }

    private DropReason wrap(String text) {
        ByteBuf buf = hex(text);
        try {
            return arp.wrap(buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesLinuxRequest() {
        ByteBuf buf = hex(LINUX_REQUEST);
        try {
            assertNull(arp.wrap(buf, 0, 28));
            assertEquals(ArpPacket.OPERATION_REQUEST, arp.operation());
            assertEquals(0x0200_0000_0001L, arp.senderMac());
            assertEquals(0xC612_0001, arp.senderIp());
            assertEquals(0L, arp.targetMac());
            assertEquals(0xC612_0002, arp.targetIp());
            assertSame(buf, arp.buffer());
            assertEquals(0, arp.offset());
            assertEquals(ArpPacket.LENGTH, arp.length());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesReplyAtAnUnalignedOffset() {
        ByteBuf buf = hex("020000000001 020000000002 0806 " + REPLY);
        try {
            assertNull(arp.wrap(buf, 14, 28));
            assertEquals(ArpPacket.OPERATION_REPLY, arp.operation());
            assertEquals(0x0200_0000_0002L, arp.senderMac());
            assertEquals(0xC612_0002, arp.senderIp());
            assertEquals(0x0200_0000_0001L, arp.targetMac());
            assertEquals(0xC612_0001, arp.targetIp());
            assertEquals(14, arp.offset());
        } finally {
            buf.release();
        }
    }

    @Test
    void trailingEthernetPaddingIsIgnored() {
        ByteBuf buf = hex(REPLY + " 000000000000000000000000000000000000");
        try {
            assertNull(arp.wrap(buf, 0, 46));
            assertEquals(ArpPacket.LENGTH, arp.length());
            assertEquals(0xC612_0001, arp.targetIp());
        } finally {
            buf.release();
        }
    }

    @Test
    void everyLengthShorterThanThePacketIsDroppedWithoutThrowing() {
        byte[] bytes = ByteBufUtil.decodeHexDump(LINUX_REQUEST.replace(" ", ""));
        for (int length = 0; length < ArpPacket.LENGTH; length++) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, 0, length);
            try {
                assertEquals(DropReason.TRUNCATED, arp.wrap(buf, 0, length), "length " + length);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void nonEthernetHardwareTypeIsUnsupported() {
        // IEEE 802 networks (hardware type 6)
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE,
                wrap("0006 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002"));
    }

    @Test
    void hardwareLengthOtherThanSixIsUnsupported() {
        // InfiniBand-sized addresses, judged before the packet's length is known
        assertEquals(DropReason.ARP_UNSUPPORTED_HARDWARE, wrap("0001 0800 14 04 0001 0000000000000000"));
    }

    @Test
    void nonIpv4ProtocolTypeIsUnsupported() {
        assertEquals(DropReason.ARP_UNSUPPORTED_PROTOCOL,
                wrap("0001 86dd 06 04 0001 020000000001 c6120001 000000000000 c6120002"));
    }

    @Test
    void protocolLengthOtherThanFourIsUnsupported() {
        assertEquals(DropReason.ARP_UNSUPPORTED_PROTOCOL,
                wrap("0001 0800 06 10 0001 020000000001 c6120001 000000000000 c6120002"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000", "0003", "0008", "ff01"})
    void operationOtherThanRequestOrReplyIsDropped(String operation) {
        assertEquals(DropReason.ARP_BAD_OPERATION,
                wrap("0001 0800 06 04 " + operation + " 020000000001 c6120001 000000000000 c6120002"));
    }

    @Test
    void failedWrapClearsTheBuffer() {
        ByteBuf good = hex(REPLY);
        try {
            assertNull(arp.wrap(good, 0, 28));
            assertNotNull(wrap("0001 0800 06 04 0003"));
            assertNull(arp.buffer());
        } finally {
            good.release();
        }
    }
}
