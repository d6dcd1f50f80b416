package io.usertcp.testing.pcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields tshark decoded from a capture, as written by {@code tshark -T fields -E header=y
 * -E separator=/t -E occurrence=a -E aggregator=,}: a header line of field names, then one tab-separated
 * row per frame. Values are kept as tshark printed them; an empty value means the frame does not have the
 * field, and a field that occurs more than once in a frame (a header quoted in an ICMP error, a repeated
 * TCP option) holds every occurrence joined by {@code ,}, outermost first.
 */
public final class TsharkFields {
    private final String source;
    private final List<String> fieldNames;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private TsharkFields(String source, List<String> fieldNames, List<String[]> rowValues) {
        this.source = source;
        this.fieldNames = List.copyOf(fieldNames);
        this.columns = new HashMap<>();
        for (int column = 0; column < fieldNames.size(); column++) {
            columns.put(fieldNames.get(column), column);
        }
        List<Row> built = new ArrayList<>(rowValues.size());
        for (int index = 0; index < rowValues.size(); index++) {
            // The header is line 1 of the file, so frame 1 is on line 2.
            built.add(new Row(index + 2, rowValues.get(index)));
        }
        this.rows = List.copyOf(built);
    }

    public static TsharkFields load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(file.toString(), in);
        }
    }

    /** Reads the stream to its end; {@code source} names it in error messages. The caller closes it. */
    public static TsharkFields load(String source, InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null || header.isEmpty()) {
            throw new IOException(source + ": no header line");
        }
        List<String> names = Arrays.asList(header.split("\t", -1));
        if (names.stream().distinct().count() != names.size()) {
            throw new IOException(source + ": repeated field name in header " + names);
        }
        List<String[]> rowValues = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null; ) {
            String[] values = line.split("\t", -1);
            if (values.length != names.size()) {
                throw new IOException(source + ": line " + (rowValues.size() + 2) + " has " + values.length
                        + " values for " + names.size() + " fields");
            }
            rowValues.add(values);
        }
        return new TsharkFields(source, names, rowValues);
    }

    public String source() {
        return source;
    }

    public List<String> fieldNames() {
        return fieldNames;
    }

    public List<Row> rows() {
        return rows;
    }

    public int rowCount() {
        return rows.size();
    }

    /** The row of the frame with this (1-based) number, the way tshark numbers frames. */
    public Row frame(int frameNumber) {
        if (frameNumber < 1 || frameNumber > rows.size()) {
            throw new IllegalArgumentException(source + " has frames 1.." + rows.size() + ", not " + frameNumber);
        }
        return rows.get(frameNumber - 1);
    }

    /** One frame's values. Asking for a field that is not a column is a mistake in the test, not absence. */
    public final class Row {
        private final int line;
        private final String[] values;

        private Row(int line, String[] values) {
            this.line = line;
            this.values = values;
        }

        /** The value as tshark printed it, with every occurrence; empty when the frame lacks the field. */
        public String text(String field) {
            Integer column = columns.get(field);
            if (column == null) {
                throw new IllegalArgumentException(source + " has no column " + field);
            }
            return values[column];
        }

        public boolean has(String field) {
            return !text(field).isEmpty();
        }

        /** Every occurrence of the field, outermost first; empty when the frame lacks it. */
        public List<String> occurrences(String field) {
            String text = text(field);
            return text.isEmpty() ? List.of() : List.of(text.split(",", -1));
        }

        /** The field's only occurrence; fails when it is absent or occurs more than once. */
        public String single(String field) {
            List<String> occurrences = occurrences(field);
            if (occurrences.size() != 1) {
                throw new IllegalArgumentException(where(field) + " has " + occurrences.size()
                        + " occurrences, not one: '" + text(field) + "'");
            }
            return occurrences.get(0);
        }

        /** The given (0-based) occurrence of the field. */
        public String occurrence(String field, int index) {
            List<String> occurrences = occurrences(field);
            if (index < 0 || index >= occurrences.size()) {
                throw new IllegalArgumentException(where(field) + " has " + occurrences.size()
                        + " occurrences, no index " + index);
            }
            return occurrences.get(index);
        }

        /** The only occurrence as a number: decimal, or hexadecimal when tshark printed it with 0x. */
        public long longValue(String field) {
            return parseNumber(field, single(field));
        }

        public long longValue(String field, int occurrence) {
            return parseNumber(field, occurrence(field, occurrence));
        }

        /**
         * As {@link #longValue(String)}, for fields of at most 32 bits; unsigned values above
         * {@code Integer.MAX_VALUE} (sequence numbers) wrap to the negative int with the same bits.
         */
        public int intValue(String field) {
            return toInt(field, longValue(field));
        }

        public int intValue(String field, int occurrence) {
            return toInt(field, longValue(field, occurrence));
        }

        /**
         * The only occurrence as bytes, for values tshark prints as hex digits: byte strings ({@code 0402}),
         * MAC addresses ({@code 02:00:c6:12:00:01}), with or without {@code :} separators.
         */
        public byte[] bytes(String field) {
            String hex = single(field).replace(":", "");
            if (hex.length() % 2 != 0) {
                throw new IllegalArgumentException(where(field) + ": odd number of hex digits in '" + hex + "'");
            }
            byte[] bytes = new byte[hex.length() / 2];
            for (int i = 0; i < bytes.length; i++) {
                int high = Character.digit(hex.charAt(2 * i), 16);
                int low = Character.digit(hex.charAt(2 * i + 1), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException(where(field) + ": not hex: '" + hex + "'");
                }
                bytes[i] = (byte) (high << 4 | low);
            }
            return bytes;
        }

        /** The given occurrence of an IPv4 address field ({@code 198.18.0.1}) as the 32-bit wire value. */
        public int ipv4(String field, int occurrence) {
            String text = occurrence(field, occurrence);
            String[] octets = text.split("\\.", -1);
            if (octets.length != 4) {
                throw new IllegalArgumentException(where(field) + ": not an IPv4 address: '" + text + "'");
            }
            int address = 0;
            for (String octet : octets) {
                int value = (int) parseNumber(field, octet);
                if (value < 0 || value > 255) {
                    throw new IllegalArgumentException(where(field) + ": not an IPv4 address: '" + text + "'");
                }
                address = address << 8 | value;
            }
            return address;
        }

        public int ipv4(String field) {
            single(field);
            return ipv4(field, 0);
        }

        private long parseNumber(String field, String text) {
            try {
                if (text.startsWith("0x")) {
                    return Long.parseUnsignedLong(text.substring(2), 16);
                }
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where(field) + ": not a number: '" + text + "'", e);
            }
        }

        private int toInt(String field, long value) {
            if (value < Integer.MIN_VALUE || value > 0xffffffffL) {
                throw new IllegalArgumentException(where(field) + ": " + value + " does not fit 32 bits");
            }
            return (int) value;
        }

        private String where(String field) {
            return source + " line " + line + " " + field;
        }
    }
}
