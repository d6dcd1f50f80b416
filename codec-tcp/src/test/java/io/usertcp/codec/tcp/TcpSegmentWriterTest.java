package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static io.usertcp.codec.tcp.TcpSegmentTest.CLIENT;
import static io.usertcp.codec.tcp.TcpSegmentTest.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TcpSegmentWriterTest {
    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);
    private final TcpOptions options = new TcpOptions();
    private final TcpSegment segment = new TcpSegment();

    private ByteBuf frameWithPayload(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = frameBuffers.allocate(bytes.length);
        buf.writeBytes(bytes);
        return buf;
    }

    @Test
    void headerIsPrependedInFrontOfThePayload() {
        ByteBuf buf = frameWithPayload("hello");
        try {
            int payloadStart = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            options.setTimestamps(1, 2);
            int start = TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 40000, 8080, 1, 2, TcpFlags.ACK, 502, 0, options);
            assertEquals(payloadStart - 32, start);
            assertEquals(start, buf.readerIndex());
            assertEquals(writerIndex, buf.writerIndex());
            assertEquals("hello", buf.toString(payloadStart, 5, StandardCharsets.US_ASCII));
        } finally {
            buf.release();
        }
    }

    @Test
    void synMatchesTheIndependentlyComputedBytes() {
        ByteBuf buf = frameWithPayload("");
        try {
            options.setMss(1460).setSackPermitted(true).setTimestamps(0x9a3b1c2d, 0).setWindowScale(7);
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 40000, 8080, 0x12345678, 0, TcpFlags.SYN, 64240, 0,
                    options);
            assertEquals(TcpSegmentTest.SYN, ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void dataSegmentWithOddPayloadMatchesTheIndependentlyComputedBytes() {
        ByteBuf buf = frameWithPayload("hello");
        try {
            options.setTimestamps(0x9a3b1c30, 0x00c0ffee);
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 40000, 8080, 0x12345679, 0xabcdef01,
                    TcpFlags.PSH | TcpFlags.ACK, 502, 0, options);
            assertEquals(TcpSegmentTest.DATA, ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void writtenSegmentDecodesToTheSameFields() {
        ByteBuf buf = frameWithPayload("GET / HTTP/1.1\r\n\r\n!");
        try {
            options.setTimestamps(0xFFFFFFF0, 7).addSackBlock(0x80000000, 0x80000100).addSackBlock(5, 6);
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 65535, 1, 0xFEDCBA98, 0x89ABCDEF,
                    TcpFlags.ACK | TcpFlags.PSH | TcpFlags.ECE, 0xFFFF, 0x1234, options);
            assertNull(segment.wrap(buf, buf.readerIndex(), buf.readableBytes(), CLIENT, SERVER));
            assertEquals(65535, segment.sourcePort());
            assertEquals(1, segment.destinationPort());
            assertEquals(0xFEDCBA98, segment.sequenceNumber());
            assertEquals(0x89ABCDEF, segment.acknowledgmentNumber());
            assertEquals(TcpFlags.ACK | TcpFlags.PSH | TcpFlags.ECE, segment.flags());
            assertEquals(0xFFFF, segment.window());
            assertEquals(0x1234, segment.urgentPointer());
            assertEquals(20 + 12 + 20, segment.headerLength());
            assertEquals(19, segment.payloadLength());
            TcpOptions decoded = segment.options();
            assertEquals(0xFFFFFFF0, decoded.tsVal());
            assertEquals(7, decoded.tsEcr());
            assertEquals(2, decoded.sackBlockCount());
            assertEquals(0x80000000, decoded.sackLeftEdge(0));
            assertEquals(0x80000100, decoded.sackRightEdge(0));
            assertEquals(5, decoded.sackLeftEdge(1));
            assertEquals(6, decoded.sackRightEdge(1));
        } finally {
            buf.release();
        }
    }

    @Test
    void decodedHandBuiltSegmentsReencodeByteForByte() {
        for (String hex : new String[] {TcpSegmentTest.SYN, TcpSegmentTest.DATA}) {
            ByteBuf captured = TcpSegmentTest.buffer(0, hex);
            ByteBuf out = null;
            try {
                assertNull(segment.wrap(captured, 0, captured.readableBytes(), CLIENT, SERVER));
                out = frameBuffers.allocate(segment.payloadLength());
                out.writeBytes(captured, segment.payloadOffset(), segment.payloadLength());
                TcpSegmentWriter.prepend(out, CLIENT, SERVER, segment.sourcePort(), segment.destinationPort(),
                        segment.sequenceNumber(), segment.acknowledgmentNumber(), segment.flags(),
                        segment.window(), segment.urgentPointer(), segment.options());
                assertEquals(hex, ByteBufUtil.hexDump(out));
            } finally {
                captured.release();
                if (out != null) {
                    out.release();
                }
            }
        }
    }

    /**
     * A handshake and first data segment captured from Linux 6.18 on a namespace's loopback, source address
     * first (198.18.0.1:40000 to 198.18.0.2:8080). Loopback leaves checksums partial (only the
     * pseudo-header sum is in the field), so the test completes them before decoding.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "c6120001 9c401f90461c448200000000a002ffd78c5600000204ffd70402080a90602879000000000103030a",
            "c6120002 1f909c40d255dd1e461c4483a012ffcb8c5600000204ffd70402080aa04bd9eb906028790103030a",
            "c6120001 9c401f90461c4483d255dd1f801000408c4e00000101080a90602879a04bd9eb",
            "c6120001 9c401f90461c4483d255dd1f801800408c5300000101080a90602879a04bd9eb68656c6c6f",
    })
    void linuxKernelCapturesReencodeByteForByte(String capture) {
        int source = (int) Long.parseLong(capture.substring(0, 8), 16);
        int destination = source == CLIENT ? SERVER : CLIENT;
        ByteBuf captured = TcpSegmentTest.buffer(0, capture.substring(9));
        ByteBuf out = null;
        try {
            TcpSegmentTest.completeChecksum(captured, 0, captured.readableBytes(), source, destination);
            assertNull(segment.wrap(captured, 0, captured.readableBytes(), source, destination));
            out = frameBuffers.allocate(segment.payloadLength());
            out.writeBytes(captured, segment.payloadOffset(), segment.payloadLength());
            TcpSegmentWriter.prepend(out, source, destination, segment.sourcePort(), segment.destinationPort(),
                    segment.sequenceNumber(), segment.acknowledgmentNumber(), segment.flags(),
                    segment.window(), segment.urgentPointer(), segment.options());
            assertEquals(ByteBufUtil.hexDump(captured), ByteBufUtil.hexDump(out));
        } finally {
            captured.release();
            if (out != null) {
                out.release();
            }
        }
    }

    @Test
    void emptyOptionsGiveATwentyByteHeader() {
        ByteBuf buf = frameWithPayload("");
        try {
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 1, 2, 3, 4, TcpFlags.RST | TcpFlags.ACK, 0, 0, options);
            assertEquals(20, buf.readableBytes());
            assertEquals(0x50, buf.getUnsignedByte(buf.readerIndex() + 12));
            assertNull(segment.wrap(buf, buf.readerIndex(), 20, CLIENT, SERVER));
            assertEquals(TcpFlags.RST | TcpFlags.ACK, segment.flags());
        } finally {
            buf.release();
        }
    }

    @Test
    void flagBitsAboveTwelveDoNotReachTheDataOffset() {
        ByteBuf buf = frameWithPayload("");
        try {
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 1, 2, 3, 4, 0xF000 | TcpFlags.AE | TcpFlags.SYN, 0, 0,
                    options);
            assertNull(segment.wrap(buf, buf.readerIndex(), 20, CLIENT, SERVER));
            assertEquals(20, segment.headerLength());
            assertEquals(TcpFlags.AE | TcpFlags.SYN, segment.flags());
        } finally {
            buf.release();
        }
    }

    @Test
    void optionsLongerThanFortyBytesAreRefusedBeforeTouchingTheBuffer() {
        ByteBuf buf = frameWithPayload("x");
        try {
            int readerIndex = buf.readerIndex();
            options.setMss(1460).setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6);
            assertThrows(IllegalArgumentException.class, () -> TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 1, 2,
                    3, 4, TcpFlags.ACK, 0, 0, options));
            assertEquals(readerIndex, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void fortyBytesOfOptionsFit() {
        ByteBuf buf = frameWithPayload("");
        try {
            options.setTimestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6);
            TcpSegmentWriter.prepend(buf, CLIENT, SERVER, 1, 2, 3, 4, TcpFlags.ACK, 0, 0, options);
            assertNull(segment.wrap(buf, buf.readerIndex(), buf.readableBytes(), CLIENT, SERVER));
            assertEquals(60, segment.headerLength());
            assertEquals(3, segment.options().sackBlockCount());
        } finally {
            buf.release();
        }
    }
}
