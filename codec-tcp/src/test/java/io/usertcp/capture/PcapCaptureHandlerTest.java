package io.usertcp.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.testing.pcap.PcapReader;
import io.usertcp.testing.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PcapCaptureHandlerTest {
    private static final Instant START = Instant.ofEpochSecond(1_700_000_000L, 500);

    private final MockTicker ticker = Ticker.newMockTicker();

    @TempDir
    Path directory;

    /** A 64-byte frame whose readable part starts 2 bytes in, so index handling shows. */
    private static ByteBuf frame(int id) {
        byte[] pattern = new byte[58];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i + id);
        }
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeShort(0xDEAD).writeInt(id)
                .writeBytes(pattern);
        frame.readerIndex(2);
        return frame;
    }

    private PcapCaptureHandler handler(Path file) {
        return new PcapCaptureHandler(PcapWriterConfig.of(file), ticker, START);
    }

    private static boolean isOpenByThisProcess(Path file) throws IOException {
        Path real = file.toRealPath();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    if (Files.readSymbolicLink(descriptor).equals(real)) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // The stream's own descriptor may be gone by the time it is read.
                }
            }
        }
        return false;
    }

    @Test
    void inboundFramePassesOnUnchangedAndIsCaptured() throws IOException {
        Path file = directory.resolve("capture.pcap");
        EmbeddedChannel channel = new EmbeddedChannel(handler(file));
        ByteBuf frame = frame(1);
        byte[] readable = ByteBufUtil.getBytes(frame);
        try {
            channel.writeInbound(frame);

            ByteBuf passed = channel.readInbound();
            assertSame(frame, passed);
            assertEquals(2, passed.readerIndex());
            assertEquals(64, passed.writerIndex());
            assertEquals(1, passed.refCnt());
            List<PcapRecord> records = PcapReader.read(file).records();
            assertEquals(1, records.size());
            assertArrayEquals(readable, records.get(0).frame());
        } finally {
            frame.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void outboundFramePassesOnUnchangedAndIsCaptured() throws IOException {
        Path file = directory.resolve("capture.pcap");
        EmbeddedChannel channel = new EmbeddedChannel(handler(file));
        ByteBuf frame = frame(2);
        byte[] readable = ByteBufUtil.getBytes(frame);
        try {
            channel.writeOutbound(frame);

            ByteBuf passed = channel.readOutbound();
            assertSame(frame, passed);
            assertEquals(2, passed.readerIndex());
            assertEquals(64, passed.writerIndex());
            assertEquals(1, passed.refCnt());
            List<PcapRecord> records = PcapReader.read(file).records();
            assertEquals(1, records.size());
            assertArrayEquals(readable, records.get(0).frame());
        } finally {
            frame.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void framesInBothDirectionsAreCapturedInOrderWithTickerTimestamps() throws IOException {
        Path file = directory.resolve("capture.pcap");
        EmbeddedChannel channel = new EmbeddedChannel(handler(file));
        try {
            channel.writeInbound(frame(1));
            ticker.advance(1500, TimeUnit.MILLISECONDS);
            channel.writeOutbound(frame(2));
            ticker.advance(1, TimeUnit.NANOSECONDS);
            channel.writeInbound(frame(3));

            List<PcapRecord> records = PcapReader.read(file).records();
            assertEquals(3, records.size());
            assertEquals(1, records.get(0).frame()[3]);
            assertEquals(2, records.get(1).frame()[3]);
            assertEquals(3, records.get(2).frame()[3]);
            assertEquals(START, records.get(0).timestamp());
            assertEquals(START.plusMillis(1500), records.get(1).timestamp());
            assertEquals(START.plusMillis(1500).plusNanos(1), records.get(2).timestamp());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void wallClockStartStampsFramesWithTheCurrentTime() throws IOException {
        Path file = directory.resolve("capture.pcap");
        Instant before = Instant.now();
        EmbeddedChannel channel = new EmbeddedChannel(new PcapCaptureHandler(PcapWriterConfig.of(file), ticker));
        Instant after = Instant.now();
        try {
            channel.writeInbound(frame(1));

            Instant stamped = PcapReader.read(file).records().get(0).timestamp();
            assertFalse(stamped.isBefore(before), stamped + " before " + before);
            assertFalse(stamped.isAfter(after), stamped + " after " + after);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void messagesThatAreNotBuffersPassThroughUncaptured() throws IOException {
        Path file = directory.resolve("capture.pcap");
        EmbeddedChannel channel = new EmbeddedChannel(handler(file));
        Object inbound = new Object();
        Object outbound = "not a frame";
        try {
            channel.writeInbound(inbound);
            channel.writeOutbound(outbound);

            assertSame(inbound, channel.readInbound());
            assertSame(outbound, channel.readOutbound());
            assertEquals(0, PcapReader.read(file).records().size());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void removingTheHandlerWritesOutBufferedFramesAndClosesTheFile() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc to see open files");
        Path file = directory.resolve("capture.pcap");
        PcapCaptureHandler handler = handler(file);
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        try {
            // No read-complete event, so the record stays in the writer's buffer until removal.
            channel.pipeline().fireChannelRead(frame(1));
            assertTrue(isOpenByThisProcess(file));
            assertEquals(0, PcapReader.read(file).records().size());

            channel.pipeline().remove(handler);

            assertFalse(handler.isCapturing());
            assertFalse(isOpenByThisProcess(file));
            assertEquals(1, PcapReader.read(file).records().size());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void framesAfterRemovalAreNotCaptured() throws IOException {
        Path file = directory.resolve("capture.pcap");
        PcapCaptureHandler handler = handler(file);
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        try {
            channel.writeInbound(frame(1));
            channel.pipeline().remove(handler);

            channel.writeInbound(frame(2));

            assertEquals(1, PcapReader.read(file).records().size());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void unopenableOutputLeavesTheDataPathWorking() {
        PcapCaptureHandler handler = handler(directory);
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        ByteBuf inbound = frame(1);
        ByteBuf outbound = frame(2);
        try {
            assertFalse(handler.isCapturing());

            channel.writeInbound(inbound);
            channel.writeOutbound(outbound);

            assertSame(inbound, channel.readInbound());
            assertSame(outbound, channel.readOutbound());
            assertTrue(channel.isActive());
        } finally {
            inbound.release();
            outbound.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void failureWhileWritingStopsCaptureAndLeavesTheDataPathWorking() throws IOException {
        Path file = directory.resolve("capture.pcap");
        // Rotation must rename the full file onto a non-empty directory, which fails mid-capture.
        Files.createDirectories(directory.resolve("capture.pcap.1").resolve("occupied"));
        long cap = PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH + 62;
        PcapCaptureHandler handler = new PcapCaptureHandler(PcapWriterConfig.of(file).withRotation(cap, 2),
                ticker, START);
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        ByteBuf first = frame(1);
        ByteBuf second = frame(2);
        ByteBuf third = frame(3);
        try {
            channel.writeInbound(first);
            assertTrue(handler.isCapturing());

            channel.writeInbound(second);
            assertFalse(handler.isCapturing());
            channel.writeOutbound(third);

            assertSame(first, channel.readInbound());
            assertSame(second, channel.readInbound());
            assertSame(third, channel.readOutbound());
            assertEquals(1, second.refCnt());
            assertEquals(2, second.readerIndex());
            assertTrue(channel.isActive());
            assertEquals(1, PcapReader.read(file).records().size());
        } finally {
            first.release();
            second.release();
            third.release();
            channel.finishAndReleaseAll();
        }
    }
}
