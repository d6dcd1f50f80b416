package io.usertcp.codec.arp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArpPacketWriterTest {
    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    @Test
    void requestMatchesWhatLinuxSends() {
        ByteBuf buf = frameBuffers.allocate(0);
        try {
            ArpPacketWriter.prepend(buf, ArpPacket.OPERATION_REQUEST, 0x0200_0000_0001L, 0xC612_0001, 0L,
                    0xC612_0002);
            EthernetHeaderWriter.prepend(buf, MacAddress.BROADCAST, 0x0200_0000_0001L, EthernetFrame.ETHERTYPE_ARP);
            assertEquals("ffffffffffff0200000000010806" + ArpPacketTest.LINUX_REQUEST.replace(" ", ""),
                    ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenReplyDecodesToTheSameFields() {
        ByteBuf buf = frameBuffers.allocate(0);
        try {
            ArpPacketWriter.prepend(buf, ArpPacket.OPERATION_REPLY, 0x0200_0000_0002L, 0xC612_0002,
                    0x0200_0000_0001L, 0xC612_0001);
            ArpPacket arp = new ArpPacket();
            assertNull(arp.wrap(buf, buf.readerIndex(), buf.readableBytes()));
            assertEquals(ArpPacket.OPERATION_REPLY, arp.operation());
            assertEquals(0x0200_0000_0002L, arp.senderMac());
            assertEquals(0xC612_0002, arp.senderIp());
            assertEquals(0x0200_0000_0001L, arp.targetMac());
            assertEquals(0xC612_0001, arp.targetIp());
            assertEquals(ArpPacketTest.REPLY.replace(" ", ""), ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void linuxReplyFrameIsWrittenBackByteForByte() {
        // captured with tcpdump on a Linux veth: 198.18.3.2 is-at 02:00:00:00:00:02
        String captured = "020000000001 020000000002 0806 0001 0800 06 04 0002 020000000002 c6120302"
                + " 020000000001 c6120301";
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(captured.replace(" ", "")));
        ByteBuf out = frameBuffers.allocate(0);
        try {
            EthernetFrame ethernet = new EthernetFrame();
            ArpPacket arp = new ArpPacket();
            assertNull(ethernet.wrap(in, 0, in.readableBytes()));
            assertNull(arp.wrap(in, ethernet.payloadOffset(), ethernet.payloadLength()));

            ArpPacketWriter.prepend(out, arp.operation(), arp.senderMac(), arp.senderIp(), arp.targetMac(),
                    arp.targetIp());
            EthernetHeaderWriter.prepend(out, ethernet.destination(), ethernet.source(), ethernet.etherType());

            assertEquals(captured.replace(" ", ""), ByteBufUtil.hexDump(out));
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void readableBytesBehindThePacketAreRejected() {
        ByteBuf buf = frameBuffers.allocate(4);
        try {
            buf.writeInt(0);
            assertThrows(IllegalStateException.class,
                    () -> ArpPacketWriter.prepend(buf, ArpPacket.OPERATION_REQUEST, 1L, 1, 0L, 2));
            assertEquals(FrameBuffers.HEADROOM, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void missingHeadroomFailsWithoutWriting() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            buf.writerIndex(27).readerIndex(27);
            assertThrows(IllegalStateException.class,
                    () -> ArpPacketWriter.prepend(buf, ArpPacket.OPERATION_REQUEST, 1L, 1, 0L, 2));
            assertEquals(27, buf.readerIndex());
        } finally {
            buf.release();
        }
    }
}
