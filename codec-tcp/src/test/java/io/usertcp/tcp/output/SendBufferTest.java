package io.usertcp.tcp.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SendBufferTest {
    private static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.US_ASCII);
    }

    private static String copy(SendBuffer buffer, int offset, int length) {
        ByteBuf target = Unpooled.buffer(length);
        try {
            buffer.copyTo(offset, length, target);
            return target.toString(StandardCharsets.US_ASCII);
        } finally {
            target.release();
        }
    }

    @Test
    void copyRangeSpansSeveralWrites() {
        SendBuffer buffer = new SendBuffer();
        buffer.append(text("abc"));
        buffer.append(text("defg"));
        buffer.append(text("hi"));
        assertEquals(9, buffer.size());
        assertEquals("cdefgh", copy(buffer, 2, 6));
        buffer.clear();
    }

    @Test
    void acknowledgingReleasesWholeWritesAndSkipsIntoPartialOnes() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf first = text("abc");
        ByteBuf second = text("defg");
        buffer.append(first);
        buffer.append(second);
        buffer.acknowledge(4);
        assertEquals(0, first.refCnt());
        assertEquals(1, second.refCnt());
        assertEquals("efg", copy(buffer, 0, 3));
        buffer.clear();
        assertEquals(0, second.refCnt());
    }

    @Test
    void emptyWriteIsReleasedAtOnce() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf empty = Unpooled.buffer(0);
        buffer.append(empty);
        assertEquals(0, empty.refCnt());
        assertEquals(0, buffer.size());
    }

    @Test
    void ringGrowsPastItsInitialSlots() {
        SendBuffer buffer = new SendBuffer();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String piece = Integer.toString(i % 10);
            buffer.append(text(piece));
            expected.append(piece);
        }
        buffer.acknowledge(5);
        assertEquals(expected.substring(5), copy(buffer, 0, 35));
        buffer.clear();
        assertEquals(0, buffer.size());
    }

    @Test
    void copyBeyondTheHeldBytesIsAProgrammingError() {
        SendBuffer buffer = new SendBuffer();
        buffer.append(text("abc"));
        ByteBuf target = Unpooled.buffer(8);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.copyTo(1, 3, target));
        } finally {
            target.release();
            buffer.clear();
        }
    }

    @Test
    void sameBufferAppendedTwiceIsHeldTwice() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf data = text("abc");
        buffer.append(data.retain());
        buffer.append(data);
        assertEquals("abcabc", copy(buffer, 0, 6));
        buffer.acknowledge(2);
        assertEquals("cabc", copy(buffer, 0, 4));
        buffer.acknowledge(4);
        assertEquals(0, buffer.size());
        assertEquals(0, data.refCnt());
    }

    @Test
    void appendAndAcknowledgeLeaveTheBuffersReaderIndexAlone() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf data = text("abcdef");
        data.readerIndex(1);
        buffer.append(data.retain());
        buffer.acknowledge(2);
        assertEquals(1, data.readerIndex());
        assertEquals("def", copy(buffer, 0, 3));
        buffer.clear();
        data.release();
    }

    @Test
    void bufferWrittenTwiceWithOneReferenceIsReleasedOnceWithoutThrowing() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf data = text("abc");
        buffer.append(data);
        buffer.append(data);
        buffer.acknowledge(6);
        assertEquals(0, data.refCnt());
        assertEquals(0, buffer.size());
    }

    @Test
    void copyFromABufferFreedUnderTheRingFailsClearly() {
        SendBuffer buffer = new SendBuffer();
        ByteBuf data = text("abc");
        buffer.append(data);
        buffer.append(data);
        buffer.acknowledge(3);
        ByteBuf target = Unpooled.buffer(3);
        try {
            assertThrows(IllegalReferenceCountException.class, () -> buffer.copyTo(0, 3, target));
            assertEquals(0, target.readableBytes());
        } finally {
            target.release();
            buffer.clear();
        }
    }

    @Test
    void copiesAtAnyOffsetMatchTheWrittenBytes() {
        SplittableRandom random = new SplittableRandom(2525);
        SendBuffer buffer = new SendBuffer();
        byte[] written = new byte[20_000];
        random.nextBytes(written);
        int appended = 0;
        int acknowledged = 0;
        while (appended < written.length) {
            int length = Math.min(written.length - appended, 1 + random.nextInt(50));
            buffer.append(Unpooled.wrappedBuffer(written, appended, length));
            appended += length;
            for (int copies = random.nextInt(4); copies > 0; copies--) {
                int held = appended - acknowledged;
                int offset = random.nextInt(held);
                int count = random.nextInt(Math.min(held - offset, 300) + 1);
                ByteBuf target = Unpooled.buffer(count);
                buffer.copyTo(offset, count, target);
                byte[] copied = new byte[count];
                target.readBytes(copied);
                target.release();
                byte[] expected = new byte[count];
                System.arraycopy(written, acknowledged + offset, expected, 0, count);
                assertArrayEquals(expected, copied, "offset " + offset + " length " + count);
            }
            if (random.nextInt(3) == 0) {
                int ack = random.nextInt(appended - acknowledged + 1);
                buffer.acknowledge(ack);
                acknowledged += ack;
            }
        }
        assertEquals(appended - acknowledged, buffer.size());
        buffer.clear();
    }
}
