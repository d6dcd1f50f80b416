package io.usertcp.tcp.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
}
