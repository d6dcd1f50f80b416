package io.usertcp.example.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BytePatternTest {
    @Test
    void byteAtOffsetIsOffsetModulo251() {
        assertEquals(0, BytePattern.at(0));
        assertEquals((byte) 250, BytePattern.at(250));
        assertEquals(0, BytePattern.at(251));
        assertEquals((byte) ((1L << 40) % 251), BytePattern.at(1L << 40));
    }

    @Test
    void writeFromAnyOffsetMatchesByteAtForLengthsBeyondTheInternalTable() {
        long offset = (1L << 33) + 123;
        int length = 100_000;
        ByteBuf buf = Unpooled.buffer(length);
        try {
            BytePattern.writeTo(buf, offset, length);
            assertEquals(length, buf.readableBytes());
            for (int i = 0; i < length; i++) {
                if (buf.getByte(i) != (byte) ((offset + i) % 251)) {
                    throw new AssertionError("byte " + i + " breaks the pattern");
                }
            }
        } finally {
            buf.release();
        }
    }
}
