package io.usertcp.testing.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapRecordTest {
    @Test
    void directBufferCopyHoldsTheFrameAndIsIndependentOfIt() {
        byte[] frame = {1, 2, 3, 4};
        PcapRecord record = new PcapRecord(Instant.EPOCH, frame.length, frame);

        ByteBuf buf = record.copyToDirectBuffer(PooledByteBufAllocator.DEFAULT);
        try {
            assertTrue(buf.isDirect());
            assertArrayEquals(frame, ByteBufUtil.getBytes(buf));
            buf.setByte(0, 9);
            assertEquals(1, frame[0]);
        } finally {
            buf.release();
        }
    }

    @Test
    void wholeFrameIsNotTruncated() {
        PcapRecord record = new PcapRecord(Instant.EPOCH, 3, new byte[3]);

        assertEquals(3, record.capturedLength());
        assertFalse(record.truncated());
    }
}
