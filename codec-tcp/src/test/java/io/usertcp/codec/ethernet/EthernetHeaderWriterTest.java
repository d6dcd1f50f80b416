package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EthernetHeaderWriterTest {
    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    @Test
    void headerIsWrittenInFrontOfThePayload() {
        ByteBuf buf = frameBuffers.allocate(4);
        try {
            buf.writeInt(0x4500_0054);
            EthernetHeaderWriter.prepend(buf, 0x0200_0000_0002L, 0x0200_0000_0001L, EthernetFrame.ETHERTYPE_IPV4);
            assertEquals(FrameBuffers.HEADROOM - EthernetFrame.HEADER_LENGTH, buf.readerIndex());
            assertEquals("020000000002" + "020000000001" + "0800" + "45000054", ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenHeaderDecodesToTheSameFields() {
        ByteBuf buf = frameBuffers.allocate(0);
        try {
            EthernetHeaderWriter.prepend(buf, MacAddress.BROADCAST, 0x0A1B_2C3D_4E5FL, EthernetFrame.ETHERTYPE_ARP);
            EthernetFrame frame = new EthernetFrame();
            assertNull(frame.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(MacAddress.BROADCAST, frame.destination());
            assertEquals(0x0A1B_2C3D_4E5FL, frame.source());
            assertEquals(EthernetFrame.ETHERTYPE_ARP, frame.etherType());
            assertEquals(0, frame.payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void missingHeadroomFailsWithoutWriting() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        try {
            buf.writerIndex(13).readerIndex(13);
            assertThrows(IllegalStateException.class,
                    () -> EthernetHeaderWriter.prepend(buf, MacAddress.BROADCAST, 1L, EthernetFrame.ETHERTYPE_ARP));
            assertEquals(13, buf.readerIndex());
        } finally {
            buf.release();
        }
    }
}
