package io.usertcp.codec.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.checksum.InternetChecksum;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4HeaderWriterTest {
    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    @Test
    void headerMatchesAPublishedChecksumExample() {
        // The widely published example header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7
        ByteBuf buf = frameBuffers.allocate(95);
        try {
            buf.writeZero(95);
            Ipv4HeaderWriter.prepend(buf, 0, 0, Ipv4Packet.FLAG_DONT_FRAGMENT, Ipv4HeaderWriter.DEFAULT_TTL,
                    Ipv4Packet.PROTOCOL_UDP, Ipv4Address.parse("192.168.0.1"), Ipv4Address.parse("192.168.0.199"));
            assertEquals("45000073000040004011b861c0a80001c0a800c7", ByteBufUtil.hexDump(buf, buf.readerIndex(), 20));
        } finally {
            buf.release();
        }
    }

    @Test
    void headerMatchesWhatLinuxSendsForAPing() {
        ByteBuf buf = frameBuffers.allocate(64);
        try {
            buf.writeZero(64);
            Ipv4HeaderWriter.prepend(buf, 0, 0x1C46, Ipv4Packet.FLAG_DONT_FRAGMENT, 64, Ipv4Packet.PROTOCOL_ICMP,
                    0xC612_0001, 0xC612_0002);
            assertEquals("450000541c4640004001923bc6120001c6120002", ByteBufUtil.hexDump(buf, buf.readerIndex(), 20));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenHeaderDecodesToTheSameFields() {
        ByteBuf buf = frameBuffers.allocate(3);
        try {
            buf.writeMedium(0xABCDEF);
            Ipv4HeaderWriter.prepend(buf, 0x10, 0xFEDC, Ipv4Packet.FLAG_MORE_FRAGMENTS | 3, 255,
                    Ipv4Packet.PROTOCOL_TCP, 0xC612_00FE, 0xC613_FFFF);
            Ipv4Packet ip = new Ipv4Packet();
            assertNull(ip.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(20, ip.headerLength());
            assertEquals(23, ip.totalLength());
            assertEquals(0x10, ip.typeOfService());
            assertEquals(0xFEDC, ip.identification());
            assertEquals(Ipv4Packet.FLAG_MORE_FRAGMENTS | 3, ip.flagsAndFragmentOffset());
            assertEquals(255, ip.ttl());
            assertEquals(Ipv4Packet.PROTOCOL_TCP, ip.protocol());
            assertEquals(0xC612_00FE, ip.sourceAddress());
            assertEquals(0xC613_FFFF, ip.destinationAddress());
            assertEquals(3, ip.payloadLength());
            assertEquals(0xABCDEF, buf.getUnsignedMedium(ip.payloadOffset()));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenChecksumVerifies() {
        ByteBuf buf = frameBuffers.allocate(0);
        try {
            Ipv4HeaderWriter.prepend(buf, 0xFF, 0xFFFF, 0xFFFF, 0xFF, 0xFF, -1, -1);
            assertTrue(InternetChecksum.verifies(buf, buf.readerIndex(), 20, 0));
        } finally {
            buf.release();
        }
    }

    @Test
    void largestTotalLengthIsAccepted() {
        ByteBuf buf = Unpooled.buffer(Ipv4Packet.MAX_TOTAL_LENGTH);
        try {
            buf.setIndex(20, Ipv4Packet.MAX_TOTAL_LENGTH);
            Ipv4HeaderWriter.prepend(buf, 0, 0, 0, 64, Ipv4Packet.PROTOCOL_TCP, 1, 2);
            assertEquals(Ipv4Packet.MAX_TOTAL_LENGTH, buf.getUnsignedShort(2));
        } finally {
            buf.release();
        }
    }

    @Test
    void payloadTooLongForTheTotalLengthFieldFails() {
        ByteBuf buf = Unpooled.buffer(Ipv4Packet.MAX_TOTAL_LENGTH + 1);
        try {
            buf.setIndex(20, Ipv4Packet.MAX_TOTAL_LENGTH + 1);
            assertThrows(IllegalStateException.class,
                    () -> Ipv4HeaderWriter.prepend(buf, 0, 0, 0, 64, Ipv4Packet.PROTOCOL_TCP, 1, 2));
            assertEquals(20, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void missingHeadroomFailsWithoutWriting() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            buf.setIndex(19, 27);
            assertThrows(IllegalStateException.class,
                    () -> Ipv4HeaderWriter.prepend(buf, 0, 0, 0, 64, Ipv4Packet.PROTOCOL_TCP, 1, 2));
            assertEquals(19, buf.readerIndex());
        } finally {
            buf.release();
        }
    }
}
