package io.usertcp.testing.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapReaderTest {
    private static final byte[] FRAME_A = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00};
    private static final byte[] FRAME_B = {(byte) 0xff, (byte) 0xfe, 0x00};

    @ParameterizedTest
    @ValueSource(strings = {GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP})
    void goldenCaptureIsEthernetWithOneRecordPerTsharkRow(String name) throws IOException {
        PcapReader capture = readResource(name + ".pcap");
        TsharkFields fields;
        try (InputStream in = PcapReaderTest.class.getResourceAsStream("/golden/" + name + ".fields.tsv")) {
            fields = TsharkFields.load(name, in);
        }

        assertEquals(PcapReader.LINKTYPE_ETHERNET, capture.linkType());
        assertFalse(capture.records().isEmpty());
        assertEquals(fields.rowCount(), capture.records().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP})
    void goldenRecordLengthsMatchTsharkFrameLengths(String name) throws IOException {
        GoldenFrames golden = GoldenFrames.load(name);

        for (GoldenFrame frame : golden.frames()) {
            String where = name + " frame " + frame.number();
            assertEquals(frame.fields().intValue("frame.len"), frame.record().originalLength(), where);
            assertEquals(frame.fields().intValue("frame.cap_len"), frame.record().capturedLength(), where);
        }
    }

    @Test
    void goldenCaptureFromTcpdumpIsLittleEndianMicroseconds() throws IOException {
        PcapReader capture = readResource("tcp.pcap");

        assertEquals(ByteOrder.LITTLE_ENDIAN, capture.byteOrder());
        assertFalse(capture.nanosecondTimestamps());
        assertEquals(262144, capture.snapLength());
    }

    @Test
    void littleEndianMicrosecondFileIsRead() throws IOException {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1_700_000_000L, 250_000, 60, FRAME_A)
                .record(1_700_000_001L, 5, FRAME_B.length, FRAME_B)
                .toBytes();

        PcapReader capture = PcapReader.read(file);

        assertEquals(ByteOrder.LITTLE_ENDIAN, capture.byteOrder());
        assertFalse(capture.nanosecondTimestamps());
        assertEquals(PcapReader.LINKTYPE_ETHERNET, capture.linkType());
        assertEquals(65535, capture.snapLength());
        List<PcapRecord> records = capture.records();
        assertEquals(2, records.size());
        assertArrayEquals(FRAME_A, records.get(0).frame());
        assertEquals(60, records.get(0).originalLength());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 250_000_000L), records.get(0).timestamp());
        assertArrayEquals(FRAME_B, records.get(1).frame());
        assertEquals(Instant.ofEpochSecond(1_700_000_001L, 5_000L), records.get(1).timestamp());
    }

    @Test
    void bigEndianMicrosecondFileIsRead() throws IOException {
        byte[] file = new PcapBytes(ByteOrder.BIG_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(0xfffffff0L, 999_999, FRAME_A.length, FRAME_A)
                .toBytes();

        PcapReader capture = PcapReader.read(file);

        assertEquals(ByteOrder.BIG_ENDIAN, capture.byteOrder());
        assertEquals(PcapReader.LINKTYPE_ETHERNET, capture.linkType());
        PcapRecord record = capture.records().get(0);
        assertArrayEquals(FRAME_A, record.frame());
        assertEquals(Instant.ofEpochSecond(0xfffffff0L, 999_999_000L), record.timestamp());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void nanosecondMagicKeepsNanoseconds(String orderName) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] file = new PcapBytes(order, PcapReader.MAGIC_NANOSECONDS, 1)
                .record(1_700_000_000L, 123_456_789, FRAME_B.length, FRAME_B)
                .toBytes();

        PcapReader capture = PcapReader.read(file);

        assertTrue(capture.nanosecondTimestamps());
        assertEquals(order, capture.byteOrder());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_789L), capture.records().get(0).timestamp());
        assertArrayEquals(FRAME_B, capture.records().get(0).frame());
    }

    @Test
    void linkTypeIgnoresTheFcsBitsAboveSixteen() throws IOException {
        // pcap link-type field: bit 28 says FCS length is present, bits 26-27 give it (here 2 = 4 bytes).
        int fieldWithFcs = 1 << 28 | 2 << 26 | PcapReader.LINKTYPE_ETHERNET;
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, fieldWithFcs).toBytes();

        assertEquals(PcapReader.LINKTYPE_ETHERNET, PcapReader.read(file).linkType());
    }

    @Test
    void headerWithoutRecordsIsAnEmptyCapture() throws IOException {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1).toBytes();

        assertTrue(PcapReader.read(file).records().isEmpty());
    }

    @Test
    void frameCutBySnapLengthKeepsItsOriginalLength() throws IOException {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1, 0, 1514, FRAME_A)
                .toBytes();

        PcapRecord record = PcapReader.read(file).records().get(0);

        assertEquals(FRAME_A.length, record.capturedLength());
        assertEquals(1514, record.originalLength());
        assertTrue(record.truncated());
    }

    @Test
    void fileIsReadFromPath(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("one.pcap");
        Files.write(file, new PcapBytes(ByteOrder.BIG_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(7, 0, FRAME_A.length, FRAME_A)
                .toBytes());

        assertArrayEquals(FRAME_A, PcapReader.read(file).records().get(0).frame());
    }

    @Test
    void fileShorterThanTheGlobalHeaderIsRejected() {
        byte[] file = Arrays.copyOf(new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .toBytes(), 23);

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("global header"), e.getMessage());
    }

    @Test
    void unknownMagicIsRejected() {
        byte[] file = new PcapBytes(ByteOrder.BIG_ENDIAN, 0x12345678, 1).toBytes();

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("0x12345678"), e.getMessage());
    }

    @Test
    void pcapngIsRejectedByName() {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_PCAPNG, 1).toBytes();

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("pcapng"), e.getMessage());
    }

    @Test
    void versionOtherThanTwoIsRejected() {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1).toBytes();
        file[4] = 3;

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("version 3.4"), e.getMessage());
    }

    @Test
    void truncatedRecordHeaderIsRejected() {
        byte[] whole = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1, 0, FRAME_A.length, FRAME_A)
                .toBytes();
        byte[] file = Arrays.copyOf(whole, PcapReader.GLOBAL_HEADER_LENGTH + 10);

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("header truncated"), e.getMessage());
    }

    @Test
    void truncatedFrameIsRejected() {
        byte[] whole = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1, 0, FRAME_B.length, FRAME_B)
                .record(2, 0, FRAME_A.length, FRAME_A)
                .toBytes();
        byte[] file = Arrays.copyOf(whole, whole.length - 1);

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("record 2") && e.getMessage().contains("frame truncated"), e.getMessage());
    }

    @Test
    void capturedLengthAboveOriginalLengthIsRejected() {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1, 0, FRAME_A.length - 1, FRAME_A)
                .toBytes();

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("exceeds original length"), e.getMessage());
    }

    @Test
    void implausibleCapturedLengthIsRejectedBeforeAllocating() {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .recordHeader(1, 0, 0x7fff_fff0, 0x7fff_fff0)
                .toBytes();

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("implausible length"), e.getMessage());
    }

    @Test
    void subSecondTimestampOutOfRangeIsRejected() {
        byte[] file = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1)
                .record(1, 1_000_000, FRAME_B.length, FRAME_B)
                .toBytes();

        IOException e = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(e.getMessage().contains("sub-second"), e.getMessage());
    }

    @Test
    void everyPrefixOfAGoldenCaptureIsReadOnlyAtRecordBoundaries() throws IOException {
        byte[] whole;
        try (InputStream in = PcapReaderTest.class.getResourceAsStream("/golden/tcp.pcap")) {
            whole = in.readAllBytes();
        }
        int recordCount = PcapReader.read(whole).records().size();

        int readable = 0;
        for (int length = 0; length <= whole.length; length++) {
            byte[] prefix = Arrays.copyOf(whole, length);
            try {
                PcapReader.read(prefix);
                readable++;
            } catch (IOException expected) {
                // A prefix cut inside a header or frame must be rejected, and only with IOException.
            }
        }

        // The bare global header, then one readable prefix after each whole record.
        assertEquals(recordCount + 1, readable);
    }

    @Test
    void randomRecordBytesAfterAValidHeaderAreRejectedWithIOException() {
        Random random = new Random(20240611L);
        byte[] header = new PcapBytes(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_MICROSECONDS, 1).toBytes();
        for (int input = 0; input < 2000; input++) {
            byte[] file = Arrays.copyOf(header, header.length + 1 + random.nextInt(200));
            for (int i = header.length; i < file.length; i++) {
                file[i] = (byte) random.nextInt(256);
            }

            assertThrows(IOException.class, () -> PcapReader.read(file), "input " + input);
        }
    }

    private static PcapReader readResource(String file) throws IOException {
        try (InputStream in = PcapReaderTest.class.getResourceAsStream("/golden/" + file)) {
            return PcapReader.read(in);
        }
    }

    /** Builds a classic pcap file in memory, in either byte order. */
    private static final class PcapBytes {
        private final ByteBuffer out = ByteBuffer.allocate(4096);

        PcapBytes(ByteOrder order, int magic, int linkTypeField) {
            out.order(order);
            out.putInt(magic);
            out.putShort((short) 2);
            out.putShort((short) 4);
            out.putInt(0);
            out.putInt(0);
            out.putInt(65535);
            out.putInt(linkTypeField);
        }

        PcapBytes record(long seconds, int subSecond, int originalLength, byte[] frame) {
            recordHeader((int) seconds, subSecond, frame.length, originalLength);
            out.put(frame);
            return this;
        }

        PcapBytes recordHeader(int seconds, int subSecond, int capturedLength, int originalLength) {
            out.putInt(seconds);
            out.putInt(subSecond);
            out.putInt(capturedLength);
            out.putInt(originalLength);
            return this;
        }

        byte[] toBytes() {
            return Arrays.copyOf(out.array(), out.position());
        }
    }
}
