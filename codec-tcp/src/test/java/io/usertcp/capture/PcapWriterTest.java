package io.usertcp.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.testing.pcap.PcapReader;
import io.usertcp.testing.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapWriterTest {
    private static final long EPOCH_NANOS = 1_700_000_000_123_456_789L;

    @TempDir
    Path directory;

    /** A frame of {@code length} bytes whose first four hold {@code id}, the rest a pattern. */
    private static ByteBuf frame(int id, int length) {
        byte[] pattern = new byte[length - 4];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 7 + id);
        }
        // One bulk write: at PARANOID every buffer access records a stack trace.
        return PooledByteBufAllocator.DEFAULT.directBuffer(length).writeInt(id).writeBytes(pattern);
    }

    private static void writeFrame(PcapWriter writer, int id, int length, long epochNanos) throws IOException {
        ByteBuf frame = frame(id, length);
        try {
            writer.write(frame, frame.readerIndex(), frame.readableBytes(), epochNanos);
        } finally {
            frame.release();
        }
    }

    private static int idOf(PcapRecord record) {
        byte[] bytes = record.frame();
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    private static List<Integer> ids(Path file) throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (PcapRecord record : PcapReader.read(file).records()) {
            ids.add(idOf(record));
        }
        return ids;
    }

    @Test
    void writtenFramesReadBackWithTheSameBytesTimestampsAndLinkType() throws IOException {
        Path file = directory.resolve("capture.pcap");
        ByteBuf first = frame(1, 60);
        ByteBuf second = frame(2, 1514);
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
            writer.write(first, 0, 60, EPOCH_NANOS);
            writer.write(second, 0, 1514, EPOCH_NANOS + 1_000_000_001L);
        }

        PcapReader capture = PcapReader.read(file);
        try {
            assertEquals(PcapReader.LINKTYPE_ETHERNET, capture.linkType());
            assertTrue(capture.nanosecondTimestamps());
            assertEquals(PcapWriterConfig.MAX_SNAP_LENGTH, capture.snapLength());
            List<PcapRecord> records = capture.records();
            assertEquals(2, records.size());
            assertArrayEquals(ByteBufUtil.getBytes(first), records.get(0).frame());
            assertArrayEquals(ByteBufUtil.getBytes(second), records.get(1).frame());
            assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_789), records.get(0).timestamp());
            assertEquals(Instant.ofEpochSecond(1_700_000_001L, 123_456_790), records.get(1).timestamp());
            assertEquals(1514, records.get(1).originalLength());
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void onlyTheGivenRegionIsRecordedAndTheBufferIsLeftAlone() throws IOException {
        Path file = directory.resolve("capture.pcap");
        ByteBuf frame = frame(5, 40);
        try {
            frame.setIndex(3, 30);
            try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
                writer.write(frame, 4, 20, EPOCH_NANOS);
            }

            assertEquals(3, frame.readerIndex());
            assertEquals(30, frame.writerIndex());
            assertArrayEquals(ByteBufUtil.getBytes(frame, 4, 20), PcapReader.read(file).records().get(0).frame());
        } finally {
            frame.release();
        }
    }

    @Test
    void frameLongerThanTheSnapLengthIsCutAndKeepsItsOriginalLength() throws IOException {
        Path file = directory.resolve("capture.pcap");
        ByteBuf frame = frame(3, 200);
        try {
            try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file).withSnapLength(64))) {
                writer.write(frame, 0, 200, EPOCH_NANOS);
            }

            PcapReader capture = PcapReader.read(file);
            PcapRecord record = capture.records().get(0);
            assertEquals(64, capture.snapLength());
            assertEquals(200, record.originalLength());
            assertArrayEquals(ByteBufUtil.getBytes(frame, 0, 64), record.frame());
        } finally {
            frame.release();
        }
    }

    @Test
    void timestampEarlierThanThePreviousIsWrittenAsThePrevious() throws IOException {
        Path file = directory.resolve("capture.pcap");
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
            writeFrame(writer, 1, 60, EPOCH_NANOS);
            writeFrame(writer, 2, 60, EPOCH_NANOS - 5_000);
            writeFrame(writer, 3, 60, EPOCH_NANOS + 5_000);
        }

        List<PcapRecord> records = PcapReader.read(file).records();
        assertEquals(records.get(0).timestamp(), records.get(1).timestamp());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_461_789), records.get(2).timestamp());
    }

    @Test
    void recordsReachTheFileOnFlush() throws IOException {
        Path file = directory.resolve("capture.pcap");
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
            writeFrame(writer, 1, 60, EPOCH_NANOS);
            assertEquals(List.of(), ids(file), "records wait in the writer's buffer");

            writer.flush();

            assertEquals(List.of(1), ids(file));
        }
    }

    @Test
    void rotationAtTheCapKeepsTheConfiguredNumberOfReadableFiles() throws IOException {
        Path file = directory.resolve("capture.pcap");
        int recordLength = PcapWriter.RECORD_HEADER_LENGTH + 100;
        long cap = PcapWriter.GLOBAL_HEADER_LENGTH + 3L * recordLength;
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file).withRotation(cap, 3))) {
            for (int id = 1; id <= 10; id++) {
                writeFrame(writer, id, 100, EPOCH_NANOS + id);
            }
            assertEquals(10, writer.recordsWritten());
        }

        assertEquals(List.of(10), ids(file));
        assertEquals(List.of(7, 8, 9), ids(directory.resolve("capture.pcap.1")));
        assertEquals(List.of(4, 5, 6), ids(directory.resolve("capture.pcap.2")));
        assertFalse(Files.exists(directory.resolve("capture.pcap.3")));
        assertEquals(cap, Files.size(directory.resolve("capture.pcap.1")));
    }

    @Test
    void keepingOneFileRestartsItWhenFull() throws IOException {
        Path file = directory.resolve("capture.pcap");
        long cap = PcapWriter.GLOBAL_HEADER_LENGTH + 2L * (PcapWriter.RECORD_HEADER_LENGTH + 60);
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file).withRotation(cap, 1))) {
            for (int id = 1; id <= 5; id++) {
                writeFrame(writer, id, 60, EPOCH_NANOS);
            }
        }

        assertEquals(List.of(5), ids(file));
        assertFalse(Files.exists(directory.resolve("capture.pcap.1")));
    }

    @Test
    void frameLargerThanTheCapGetsAFileOfItsOwn() throws IOException {
        Path file = directory.resolve("capture.pcap");
        long cap = PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH + 100;
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file).withRotation(cap, 3))) {
            writeFrame(writer, 1, 60, EPOCH_NANOS);
            writeFrame(writer, 2, 1000, EPOCH_NANOS);
            writeFrame(writer, 3, 60, EPOCH_NANOS);
        }

        assertEquals(List.of(3), ids(file));
        assertEquals(List.of(2), ids(directory.resolve("capture.pcap.1")));
        assertEquals(List.of(1), ids(directory.resolve("capture.pcap.2")));
    }

    @Test
    void manyFramesBeyondTheBufferAreAllWritten() throws IOException {
        Path file = directory.resolve("capture.pcap");
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
            for (int id = 0; id < 500; id++) {
                writeFrame(writer, id, 1514, EPOCH_NANOS + id);
            }
        }

        List<Integer> ids = ids(file);
        assertEquals(500, ids.size());
        for (int id = 0; id < 500; id++) {
            assertEquals(id, ids.get(id));
        }
    }

    @Test
    void writeAfterCloseFails() throws IOException {
        PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(directory.resolve("capture.pcap")));
        writer.close();
        writer.close();

        assertThrows(IOException.class, () -> writeFrame(writer, 1, 60, EPOCH_NANOS));
    }

    @Test
    void openingADirectoryFails() {
        assertThrows(IOException.class, () -> PcapWriter.open(PcapWriterConfig.of(directory)));
    }

    @Test
    void configRejectsACapWithoutRoomForARecord() {
        PcapWriterConfig config = PcapWriterConfig.of(directory.resolve("capture.pcap"));

        assertThrows(IllegalArgumentException.class, () -> config.withRotation(PcapWriter.GLOBAL_HEADER_LENGTH, 2));
    }
}
