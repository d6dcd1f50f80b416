package io.usertcp.testing.pcap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsharkFieldsTest {
    private static final String TSV = String.join("\n",
            "frame.number\teth.src\teth.type\tip.src\tip.ttl\ttcp.seq_raw\ttcp.option_kind\ttcp.options.sack_perm",
            "1\t02:00:c6:12:00:01\t0x0800\t198.18.0.1\t64\t3123205491\t2,4,8,1,3\t0402",
            "2\t02:00:c6:12:00:02\t0x0800\t198.18.0.2,198.18.0.1\t64,1\t\t\t",
            "");

    @Test
    void rowsAreKeyedByTheHeaderFieldNames() throws IOException {
        TsharkFields fields = parse(TSV);

        assertEquals(2, fields.rowCount());
        assertEquals(8, fields.fieldNames().size());
        assertEquals("02:00:c6:12:00:02", fields.frame(2).text("eth.src"));
    }

    @Test
    void emptyValueMeansTheFieldIsAbsent() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(2);

        assertFalse(row.has("tcp.seq_raw"));
        assertEquals("", row.text("tcp.seq_raw"));
        assertEquals(List.of(), row.occurrences("tcp.seq_raw"));
        assertThrows(IllegalArgumentException.class, () -> row.longValue("tcp.seq_raw"));
    }

    @Test
    void hexValueWithPrefixIsParsed() throws IOException {
        assertEquals(0x0800, parse(TSV).frame(1).intValue("eth.type"));
    }

    @Test
    void decimalValueIsParsed() throws IOException {
        assertEquals(64, parse(TSV).frame(1).intValue("ip.ttl"));
    }

    @Test
    void unsignedThirtyTwoBitValueKeepsItsBitsAsInt() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(1);

        assertEquals(3123205491L, row.longValue("tcp.seq_raw"));
        assertEquals((int) 3123205491L, row.intValue("tcp.seq_raw"));
    }

    @Test
    void aggregatedValueSplitsIntoOccurrencesOutermostFirst() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(2);

        assertEquals(List.of("198.18.0.2", "198.18.0.1"), row.occurrences("ip.src"));
        assertEquals(64, row.intValue("ip.ttl", 0));
        assertEquals(1, row.intValue("ip.ttl", 1));
        assertEquals(List.of("2", "4", "8", "1", "3"), parse(TSV).frame(1).occurrences("tcp.option_kind"));
    }

    @Test
    void singleValueOfARepeatedFieldIsRejected() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(2);

        assertThrows(IllegalArgumentException.class, () -> row.intValue("ip.ttl"));
        assertThrows(IllegalArgumentException.class, () -> row.intValue("ip.ttl", 2));
    }

    @Test
    void unknownColumnIsRejectedRatherThanTakenAsAbsent() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> row.has("tcp.sack_le"));
        assertTrue(e.getMessage().contains("tcp.sack_le"), e.getMessage());
    }

    @Test
    void macAddressAndByteStringParseToBytes() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(1);

        assertArrayEquals(new byte[] {2, 0, (byte) 0xc6, 0x12, 0, 1}, row.bytes("eth.src"));
        assertArrayEquals(new byte[] {4, 2}, row.bytes("tcp.options.sack_perm"));
    }

    @Test
    void ipv4AddressParsesToTheWireValue() throws IOException {
        assertEquals(0xc6120001, parse(TSV).frame(1).ipv4("ip.src"));
        assertEquals(0xc6120001, parse(TSV).frame(2).ipv4("ip.src", 1));
    }

    @Test
    void malformedNumberIsRejectedWithTheField() throws IOException {
        TsharkFields.Row row = parse(TSV).frame(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> row.longValue("ip.src"));
        assertTrue(e.getMessage().contains("ip.src"), e.getMessage());
    }

    @Test
    void frameNumbersAreOneBased() throws IOException {
        TsharkFields fields = parse(TSV);

        assertEquals(1, fields.frame(1).intValue("frame.number"));
        assertThrows(IllegalArgumentException.class, () -> fields.frame(0));
        assertThrows(IllegalArgumentException.class, () -> fields.frame(3));
    }

    @Test
    void rowWithWrongNumberOfValuesIsRejected() {
        IOException e = assertThrows(IOException.class, () -> parse("a\tb\n1\t2\n3\n"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void missingHeaderIsRejected() {
        assertThrows(IOException.class, () -> parse(""));
    }

    @Test
    void repeatedFieldNameIsRejected() {
        assertThrows(IOException.class, () -> parse("a\tb\ta\n1\t2\t3\n"));
    }

    private static TsharkFields parse(String text) throws IOException {
        return TsharkFields.load("test.tsv", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
