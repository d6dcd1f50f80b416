package io.usertcp.testing.pcap;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden captures under {@code src/test/resources/golden}, made from the Linux stack by
 * {@code codec-tcp/scripts/capture-golden-frames.sh}: each {@code <name>.pcap} with its
 * {@code <name>.fields.tsv}, which holds tshark's decode of every frame and is what codec tests compare
 * against ({@code <name>.tshark-V.txt} is the same decode, verbose, for humans).
 *
 * <ul>
 *   <li>{@code arp}: requests and replies, the kernel's and arping's (whose requests end in a 16-byte zero
 *       trailer, {@code eth.trailer}).</li>
 *   <li>{@code ping}: echo request and reply; a fragmented echo in both directions (tshark shows the
 *       reassembled ICMP fields on the last fragment's row); ICMP port unreachable, time exceeded and
 *       fragmentation needed, whose rows also list the quoted IP header (and quoted ICMP/UDP header).</li>
 *   <li>{@code tcp}: one connection with the Linux SYN options, data both ways, one segment dropped at the
 *       receiver (still in the capture, taken before the drop), its SACK and retransmission, FIN from both
 *       sides; a RST|ACK from a closed port; an abort (RST|ACK from SO_LINGER 0).</li>
 * </ul>
 *
 * Sequence numbers and SACK edges in the rows are absolute. tshark found no bad checksum and verified every
 * outermost one; a message quoted in an ICMP error can be cut short, so its own checksum stays unverified.
 */
public final class GoldenFrames {
    public static final String ARP = "arp";
    public static final String PING = "ping";
    public static final String TCP = "tcp";

    private static final String RESOURCE_DIRECTORY = "/golden/";

    private final String name;
    private final int linkType;
    private final List<GoldenFrame> frames;

    private GoldenFrames(String name, int linkType, List<GoldenFrame> frames) {
        this.name = name;
        this.linkType = linkType;
        this.frames = List.copyOf(frames);
    }

    /** Loads {@code golden/<name>.pcap} and {@code golden/<name>.fields.tsv} from the test classpath. */
    public static GoldenFrames load(String name) throws IOException {
        PcapReader capture;
        try (InputStream in = open(name + ".pcap")) {
            capture = PcapReader.read(in);
        }
        TsharkFields fields;
        try (InputStream in = open(name + ".fields.tsv")) {
            fields = TsharkFields.load(RESOURCE_DIRECTORY + name + ".fields.tsv", in);
        }
        return pair(name, capture, fields);
    }

    /** Pairs each record with the row of the same position; the two must describe the same frames. */
    static GoldenFrames pair(String name, PcapReader capture, TsharkFields fields) throws IOException {
        if (!fields.fieldNames().containsAll(List.of("frame.number", "frame.len"))) {
            throw new IOException(fields.source() + " lacks frame.number or frame.len");
        }
        List<PcapRecord> records = capture.records();
        if (records.size() != fields.rowCount()) {
            throw new IOException(name + ": the capture has " + records.size() + " frames but "
                    + fields.source() + " has " + fields.rowCount() + " rows");
        }
        List<GoldenFrame> frames = new ArrayList<>(records.size());
        for (int index = 0; index < records.size(); index++) {
            int number = index + 1;
            PcapRecord record = records.get(index);
            TsharkFields.Row row = fields.frame(number);
            if (!describesFrame(row, number, record)) {
                throw new IOException(name + ": frame " + number + " (" + record.originalLength()
                        + " bytes) does not match its row in " + fields.source() + ": frame.number '"
                        + row.text("frame.number") + "', frame.len '" + row.text("frame.len") + "'");
            }
            frames.add(new GoldenFrame(number, record, row));
        }
        return new GoldenFrames(name, capture.linkType(), frames);
    }

    private static boolean describesFrame(TsharkFields.Row row, int number, PcapRecord record) {
        try {
            return row.intValue("frame.number") == number && row.intValue("frame.len") == record.originalLength();
        } catch (IllegalArgumentException notANumber) {
            return false;
        }
    }

    private static InputStream open(String file) throws IOException {
        InputStream in = GoldenFrames.class.getResourceAsStream(RESOURCE_DIRECTORY + file);
        if (in == null) {
            throw new FileNotFoundException("no golden capture file " + RESOURCE_DIRECTORY + file
                    + " on the classpath");
        }
        return in;
    }

    public String name() {
        return name;
    }

    public int linkType() {
        return linkType;
    }

    public List<GoldenFrame> frames() {
        return frames;
    }

    public int size() {
        return frames.size();
    }

    /** The frame with this 1-based number, as tshark numbers them. */
    public GoldenFrame frame(int number) {
        if (number < 1 || number > frames.size()) {
            throw new IllegalArgumentException(name + " has frames 1.." + frames.size() + ", not " + number);
        }
        return frames.get(number - 1);
    }
}
