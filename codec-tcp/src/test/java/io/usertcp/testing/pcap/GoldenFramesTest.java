package io.usertcp.testing.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenFramesTest {
    @ParameterizedTest
    @ValueSource(strings = {GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP})
    void captureLoadsAsEthernetWithEveryFrameNumbered(String name) throws IOException {
        GoldenFrames golden = GoldenFrames.load(name);

        assertEquals(name, golden.name());
        assertEquals(PcapReader.LINKTYPE_ETHERNET, golden.linkType());
        for (int number = 1; number <= golden.size(); number++) {
            assertEquals(number, golden.frame(number).number());
            assertEquals(number, golden.frame(number).fields().intValue("frame.number"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP})
    void eachRowDescribesTheBytesOfItsFrame(String name) throws IOException {
        for (GoldenFrame frame : GoldenFrames.load(name).frames()) {
            byte[] bytes = frame.bytes();
            TsharkFields.Row row = frame.fields();
            String where = name + " frame " + frame.number();
            assertArrayEquals(row.bytes("eth.dst"), Arrays.copyOfRange(bytes, 0, 6), where);
            assertArrayEquals(row.bytes("eth.src"), Arrays.copyOfRange(bytes, 6, 12), where);
            assertEquals(row.intValue("eth.type"), (bytes[12] & 0xff) << 8 | bytes[13] & 0xff, where);
        }
    }

    @Test
    void frameNumbersOutsideTheCaptureAreRejected() throws IOException {
        GoldenFrames golden = GoldenFrames.load(GoldenFrames.ARP);

        assertThrows(IllegalArgumentException.class, () -> golden.frame(0));
        assertThrows(IllegalArgumentException.class, () -> golden.frame(golden.size() + 1));
    }

    @Test
    void unknownCaptureIsRejectedWithIOException() {
        IOException e = assertThrows(IOException.class, () -> GoldenFrames.load("no-such-capture"));
        assertTrue(e.getMessage().contains("no-such-capture.pcap"), e.getMessage());
    }

    @Test
    void captureAndFieldsWithDifferentFrameCountsAreRejected() throws IOException {
        PcapReader capture = captureOf(new byte[60], new byte[60]);
        TsharkFields fields = fields("frame.number\tframe.len\n1\t60\n");

        IOException e = assertThrows(IOException.class, () -> GoldenFrames.pair("two", capture, fields));
        assertTrue(e.getMessage().contains("2 frames") && e.getMessage().contains("1 rows"), e.getMessage());
    }

    @Test
    void rowOfAnotherFrameLengthIsRejected() throws IOException {
        PcapReader capture = captureOf(new byte[60]);
        TsharkFields fields = fields("frame.number\tframe.len\n1\t61\n");

        assertThrows(IOException.class, () -> GoldenFrames.pair("one", capture, fields));
    }

    @Test
    void fieldsWithoutFrameNumbersAreRejected() throws IOException {
        PcapReader capture = captureOf(new byte[60]);
        TsharkFields fields = fields("eth.src\n02:00:00:00:00:01\n");

        assertThrows(IOException.class, () -> GoldenFrames.pair("one", capture, fields));
    }

    @Test
    void pairedFrameKeepsItsRecordAndRow() throws IOException {
        byte[] frame = new byte[60];
        PcapReader capture = captureOf(frame);
        TsharkFields fields = fields("frame.number\tframe.len\n1\t60\n");

        GoldenFrame paired = GoldenFrames.pair("one", capture, fields).frame(1);

        assertSame(capture.records().get(0), paired.record());
        assertSame(fields.frame(1), paired.fields());
    }

    private static PcapReader captureOf(byte[]... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(PcapReader.GLOBAL_HEADER_LENGTH)
                .putInt(PcapReader.MAGIC_MICROSECONDS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(65535).putInt(PcapReader.LINKTYPE_ETHERNET);
        out.write(header.array());
        for (byte[] frame : frames) {
            out.write(ByteBuffer.allocate(PcapReader.RECORD_HEADER_LENGTH)
                    .putInt(0).putInt(0).putInt(frame.length).putInt(frame.length).array());
            out.write(frame);
        }
        return PcapReader.read(out.toByteArray());
    }

    private static TsharkFields fields(String tsv) throws IOException {
        return TsharkFields.load("test.tsv", new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)));
    }
}
