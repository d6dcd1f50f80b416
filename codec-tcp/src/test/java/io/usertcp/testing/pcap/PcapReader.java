package io.usertcp.testing.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole classic pcap file (libpcap format, not pcapng) into memory: the global header, then every
 * record. Both byte orders and both timestamp resolutions (microsecond and nanosecond magic) are read; any
 * malformed or truncated input is an {@link IOException} naming what is wrong and where.
 */
public final class PcapReader {
    /** LINKTYPE_ETHERNET: frames start with the Ethernet II header. */
    public static final int LINKTYPE_ETHERNET = 1;

    static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** pcapng's section header block type; a palindrome, so it reads the same in both byte orders. */
    static final int MAGIC_PCAPNG = 0x0a0d0d0a;
    static final int GLOBAL_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /**
     * Bound on one record's captured length, so garbage cannot ask for a huge array: libpcap's own
     * largest snap length (256 KiB) and a little margin.
     */
    static final int MAX_CAPTURED_LENGTH = 512 * 1024;

    private final ByteOrder byteOrder;
    private final boolean nanosecondTimestamps;
    private final int snapLength;
    private final int linkType;
    private final List<PcapRecord> records;

    private PcapReader(ByteOrder byteOrder, boolean nanosecondTimestamps, int snapLength, int linkType,
                       List<PcapRecord> records) {
        this.byteOrder = byteOrder;
        this.nanosecondTimestamps = nanosecondTimestamps;
        this.snapLength = snapLength;
        this.linkType = linkType;
        this.records = List.copyOf(records);
    }

    public static PcapReader read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    /** Reads the stream to its end; the caller closes it. */
    public static PcapReader read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    public static PcapReader read(byte[] file) throws IOException {
        if (file.length < GLOBAL_HEADER_LENGTH) {
            throw new IOException("not a pcap file: " + file.length + " bytes, shorter than the "
                    + GLOBAL_HEADER_LENGTH + "-byte global header");
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        // The writer stores the magic in its own byte order, so reading it swapped tells the order.
        int magic = in.getInt(0);
        ByteOrder order;
        if (magic == MAGIC_MICROSECONDS || magic == MAGIC_NANOSECONDS) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROSECONDS
                || Integer.reverseBytes(magic) == MAGIC_NANOSECONDS) {
            order = ByteOrder.LITTLE_ENDIAN;
            magic = Integer.reverseBytes(magic);
        } else if (magic == MAGIC_PCAPNG) {
            throw new IOException("pcapng is not supported, only classic pcap");
        } else {
            throw new IOException(String.format("not a pcap file: magic 0x%08x", magic));
        }
        in.order(order);
        int versionMajor = Short.toUnsignedInt(in.getShort(4));
        int versionMinor = Short.toUnsignedInt(in.getShort(6));
        if (versionMajor != 2) {
            throw new IOException("unsupported pcap version " + versionMajor + "." + versionMinor);
        }
        int snapLength = in.getInt(16);
        // The link-type field's upper bits carry FCS information; the link type is the low 16 bits.
        int linkType = in.getInt(20) & 0xffff;
        boolean nanos = magic == MAGIC_NANOSECONDS;
        in.position(GLOBAL_HEADER_LENGTH);
        return new PcapReader(order, nanos, snapLength, linkType, readRecords(in, nanos));
    }

    private static List<PcapRecord> readRecords(ByteBuffer in, boolean nanos) throws IOException {
        List<PcapRecord> records = new ArrayList<>();
        int subSecondLimit = nanos ? 1_000_000_000 : 1_000_000;
        while (in.hasRemaining()) {
            int number = records.size() + 1;
            int offset = in.position();
            if (in.remaining() < RECORD_HEADER_LENGTH) {
                throw new IOException("record " + number + " at offset " + offset + ": header truncated, "
                        + in.remaining() + " of " + RECORD_HEADER_LENGTH + " bytes");
            }
            long seconds = Integer.toUnsignedLong(in.getInt());
            long subSecond = Integer.toUnsignedLong(in.getInt());
            long captured = Integer.toUnsignedLong(in.getInt());
            long original = Integer.toUnsignedLong(in.getInt());
            if (subSecond >= subSecondLimit) {
                throw new IOException("record " + number + " at offset " + offset + ": sub-second timestamp "
                        + subSecond + " is not below " + subSecondLimit);
            }
            if (captured > MAX_CAPTURED_LENGTH || original > Integer.MAX_VALUE) {
                throw new IOException("record " + number + " at offset " + offset + ": implausible length, "
                        + captured + " captured of " + original);
            }
            if (captured > original) {
                throw new IOException("record " + number + " at offset " + offset + ": captured length "
                        + captured + " exceeds original length " + original);
            }
            if (captured > in.remaining()) {
                throw new IOException("record " + number + " at offset " + offset + ": frame truncated, "
                        + in.remaining() + " of " + captured + " bytes");
            }
            byte[] frame = new byte[(int) captured];
            in.get(frame);
            long nanosOfSecond = nanos ? subSecond : subSecond * 1_000;
            records.add(new PcapRecord(Instant.ofEpochSecond(seconds, nanosOfSecond), (int) original, frame));
        }
        return records;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    public boolean nanosecondTimestamps() {
        return nanosecondTimestamps;
    }

    public int snapLength() {
        return snapLength;
    }

    public int linkType() {
        return linkType;
    }

    public List<PcapRecord> records() {
        return records;
    }
}
