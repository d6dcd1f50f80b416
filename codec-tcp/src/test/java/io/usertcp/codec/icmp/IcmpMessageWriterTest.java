package io.usertcp.codec.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpMessageWriterTest {
    /** A whole 28-byte UDP datagram 198.18.0.1:40000 -> 198.18.0.2:53. */
    private static final String SHORT_UDP_DATAGRAM = "4500001c 12344000 40119c75 c6120001 c6120002 9c400035 00080000";

    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    private static String compact(String hex) {
        return hex.replace(" ", "");
    }

    @Test
    void echoReplyToALinuxPingKeepsItsData() {
        byte[] request = ByteBufUtil.decodeHexDump(compact(IcmpMessageTest.LINUX_ECHO_REQUEST));
        ByteBuf buf = frameBuffers.allocate(56);
        try {
            buf.writeBytes(request, 8, 56);
            IcmpMessageWriter.prependEcho(buf, IcmpMessage.TYPE_ECHO_REPLY, 0x0D2A, 1);
            // the reply differs from the request only in the type, so its checksum is 0x0800 higher
            assertEquals("00009cf1" + compact(IcmpMessageTest.LINUX_ECHO_REQUEST).substring(8), ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenEchoDecodesToTheSameFields() {
        ByteBuf buf = frameBuffers.allocate(3);
        try {
            buf.writeMedium(0x616263);
            IcmpMessageWriter.prependEcho(buf, IcmpMessage.TYPE_ECHO_REQUEST, 0xBEEF, 0xFFFF);
            IcmpMessage icmp = new IcmpMessage();
            assertNull(icmp.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(IcmpMessage.TYPE_ECHO_REQUEST, icmp.type());
            assertEquals(0, icmp.code());
            assertEquals(0xBEEF, icmp.identifier());
            assertEquals(0xFFFF, icmp.sequenceNumber());
            assertEquals(3, icmp.payloadLength());
            assertEquals(0x616263, buf.getUnsignedMedium(icmp.payloadOffset()));
        } finally {
            buf.release();
        }
    }

    @Test
    void oddLengthEchoChecksumPadsTheLastByte() {
        ByteBuf buf = frameBuffers.allocate(3);
        try {
            buf.writeMedium(0x616263);
            IcmpMessageWriter.prependEcho(buf, IcmpMessage.TYPE_ECHO_REPLY, 0x1234, 7);
            assertEquals("0000296212340007616263", ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void portUnreachableQuotesAShortDatagramWhole() {
        ByteBuf offendingBuf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        ByteBuf buf = frameBuffers.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        try {
            // with Ethernet padding behind it, which must not be quoted
            offendingBuf.writeBytes(ByteBufUtil.decodeHexDump(compact(SHORT_UDP_DATAGRAM))).writeZero(18);
            Ipv4Packet offending = new Ipv4Packet();
            assertNull(offending.wrap(offendingBuf, 0, 46));
            assertEquals(28, IcmpMessageWriter.appendQuote(buf, offending));
            IcmpMessageWriter.prependError(buf, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                    IcmpMessage.CODE_PORT_UNREACHABLE, 0);
            assertEquals("0303607f00000000" + compact(SHORT_UDP_DATAGRAM), ByteBufUtil.hexDump(buf));
        } finally {
            offendingBuf.release();
            buf.release();
        }
    }

    @Test
    void quoteOfALargeDatagramKeepsTheErrorWithin576Bytes() {
        ByteBuf offendingBuf = frameBuffers.allocate(1480);
        ByteBuf buf = frameBuffers.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        try {
            for (int i = 0; i < 1480; i++) {
                offendingBuf.writeByte(i);
            }
            Ipv4HeaderWriter.prepend(offendingBuf, 0, 1, Ipv4Packet.FLAG_DONT_FRAGMENT, 64, Ipv4Packet.PROTOCOL_TCP,
                    0xC612_0001, 0xC612_0002);
            Ipv4Packet offending = new Ipv4Packet();
            assertNull(offending.wrap(offendingBuf, offendingBuf.readerIndex(), offendingBuf.readableBytes()));

            assertEquals(548, IcmpMessageWriter.appendQuote(buf, offending));
            IcmpMessageWriter.prependError(buf, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                    IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1400);
            Ipv4HeaderWriter.prepend(buf, 0xC0, 2, 0, 64, Ipv4Packet.PROTOCOL_ICMP, 0xC612_00FE, 0xC612_0001);

            assertEquals(IcmpMessageWriter.MAX_ERROR_DATAGRAM_LENGTH, buf.readableBytes());
            assertEquals(ByteBufUtil.hexDump(offendingBuf, offendingBuf.readerIndex(), 548),
                    ByteBufUtil.hexDump(buf, buf.readerIndex() + 28, 548));
        } finally {
            offendingBuf.release();
            buf.release();
        }
    }

    @Test
    void writtenFragmentationNeededDecodesWithItsMtuAndQuote() {
        ByteBuf offendingBuf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        ByteBuf buf = frameBuffers.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        try {
            offendingBuf.writeBytes(ByteBufUtil.decodeHexDump(compact(SHORT_UDP_DATAGRAM)));
            Ipv4Packet offending = new Ipv4Packet();
            assertNull(offending.wrap(offendingBuf, 0, 28));
            IcmpMessageWriter.appendQuote(buf, offending);
            IcmpMessageWriter.prependError(buf, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                    IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1280);

            IcmpMessage icmp = new IcmpMessage();
            assertNull(icmp.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(IcmpMessage.CODE_FRAGMENTATION_NEEDED, icmp.code());
            assertEquals(1280, icmp.nextHopMtu());
            assertEquals(28, icmp.quotedLength());
            assertTrue(InternetChecksum.verifies(buf, buf.readerIndex(), buf.readableBytes(), 0));
        } finally {
            offendingBuf.release();
            buf.release();
        }
    }

    @Test
    void missingHeadroomForAnEchoFailsWithoutWriting() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        try {
            buf.setIndex(7, 16);
            assertThrows(IllegalStateException.class,
                    () -> IcmpMessageWriter.prependEcho(buf, IcmpMessage.TYPE_ECHO_REPLY, 1, 1));
            assertEquals(7, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void missingHeadroomForAnErrorFailsWithoutWriting() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(40);
        try {
            buf.setIndex(7, 35);
            assertThrows(IllegalStateException.class, () -> IcmpMessageWriter.prependError(buf,
                    IcmpMessage.TYPE_TIME_EXCEEDED, IcmpMessage.CODE_TTL_EXCEEDED, 0));
            assertEquals(7, buf.readerIndex());
        } finally {
            buf.release();
        }
    }
}
