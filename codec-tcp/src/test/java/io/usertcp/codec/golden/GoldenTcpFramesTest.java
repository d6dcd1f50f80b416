package io.usertcp.codec.golden;

import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.TsharkFields;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every frame of golden/tcp.pcap (SYN options, data both ways, SACK after a drop, FINs, RSTs) decoded
 * through the Ethernet, IPv4 and TCP views, the TCP checksum verified with the frame's own addresses, and
 * compared with tshark.
 */
@ExtendWith(FrameNameOnFailure.class)
class GoldenTcpFramesTest {
    /** tshark's checksum status for a checksum it verified as good. */
    private static final int CHECKSUM_GOOD = 1;
    /** RFC 9293 3.2 option kinds: end of list and no-operation are layout, not options. */
    private static final int END_OF_OPTION_LIST = 0;
    private static final int NO_OPERATION = 1;
    private static final int MSS = 2;
    private static final int WINDOW_SCALE = 3;
    private static final int SACK_PERMITTED = 4;
    private static final int SACK = 5;
    private static final int TIMESTAMPS = 8;

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void ethernetHeaderMatchesTshark(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            EthernetFrame ethernet = decoded.ethernet();

            EthernetColumns.assertMatches(frame.fields(), ethernet);
            assertEquals(EthernetFrame.ETHERTYPE_IPV4, ethernet.etherType());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void ipv4HeaderMatchesTshark(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Columns.assertMatches(frame.fields(), 0, decoded.ipv4());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void bytesAfterTheDatagramAreTsharksPaddingOrTrailer(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet ip = decoded.ipv4();

            EthernetColumns.assertBytesAfter(frame.fields(), decoded.ethernet(), ip.offset() + ip.length());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void tcpHeaderMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            TcpSegment segment = decoded.tcp();

            int flags = row.intValue("tcp.flags");
            assertAll("TCP header",
                    () -> assertEquals(row.intValue("tcp.srcport"), segment.sourcePort(), "tcp.srcport"),
                    () -> assertEquals(row.intValue("tcp.dstport"), segment.destinationPort(), "tcp.dstport"),
                    () -> assertEquals(row.longValue("tcp.seq_raw"), Integer.toUnsignedLong(segment.sequenceNumber()),
                            "tcp.seq_raw"),
                    () -> assertEquals(row.longValue("tcp.ack_raw"),
                            Integer.toUnsignedLong(segment.acknowledgmentNumber()), "tcp.ack_raw"),
                    () -> assertEquals(row.intValue("tcp.hdr_len"), segment.headerLength(), "tcp.hdr_len"),
                    () -> assertEquals(flags, segment.flags(), () -> "tcp.flags: tshark " + TcpFlags.toString(flags)
                            + ", decoded " + TcpFlags.toString(segment.flags())),
                    () -> assertEquals(row.intValue("tcp.window_size_value"), segment.window(),
                            "tcp.window_size_value (raw, unscaled)"),
                    () -> assertEquals(row.intValue("tcp.checksum"), segment.checksum(), "tcp.checksum"),
                    () -> assertEquals(CHECKSUM_GOOD, row.intValue("tcp.checksum.status"),
                            "tcp.checksum.status of a segment TcpSegment.wrap verified"),
                    () -> assertEquals(row.intValue("tcp.urgent_pointer"), segment.urgentPointer(),
                            "tcp.urgent_pointer"),
                    () -> assertEquals(row.intValue("tcp.len"), segment.payloadLength(), "tcp.len"));
        }
    }

    /** An option tshark leaves empty must be absent from the decode (e.g. no MSS outside SYNs). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "tcpFrames")
    void tcpOptionsMatchTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            TcpOptions options = decoded.tcp().options();

            assertAll("TCP options " + options,
                    () -> assertEquals(row.has("tcp.options.mss_val") ? row.intValue("tcp.options.mss_val") : -1,
                            options.mss(), "tcp.options.mss_val"),
                    () -> assertEquals(row.has("tcp.options.wscale.shift")
                                    ? row.intValue("tcp.options.wscale.shift") : -1,
                            options.windowScale(), "tcp.options.wscale.shift"),
                    () -> assertEquals(row.has("tcp.options.sack_perm"), options.sackPermitted(),
                            "tcp.options.sack_perm"),
                    () -> assertEquals(row.has("tcp.options.timestamp.tsval"), options.hasTimestamps(),
                            "tcp.options.timestamp present"),
                    () -> assertEquals(unsignedValues(row, "tcp.options.timestamp.tsval"),
                            options.hasTimestamps() ? List.of(Integer.toUnsignedLong(options.tsVal())) : List.of(),
                            "tcp.options.timestamp.tsval"),
                    () -> assertEquals(unsignedValues(row, "tcp.options.timestamp.tsecr"),
                            options.hasTimestamps() ? List.of(Integer.toUnsignedLong(options.tsEcr())) : List.of(),
                            "tcp.options.timestamp.tsecr"),
                    () -> assertEquals(unsignedValues(row, "tcp.options.sack_le"), sackEdges(options, true),
                            "tcp.options.sack_le, in order"),
                    () -> assertEquals(unsignedValues(row, "tcp.options.sack_re"), sackEdges(options, false),
                            "tcp.options.sack_re, in order"),
                    () -> assertEquals(tsharkOptionKinds(row), decodedOptionKinds(options),
                            "tcp.option_kind without NOP and EOL: every option tshark saw was decoded"));
        }
    }

    private static List<Long> unsignedValues(TsharkFields.Row row, String field) {
        List<Long> values = new ArrayList<>();
        for (int occurrence = 0; occurrence < row.occurrences(field).size(); occurrence++) {
            values.add(row.longValue(field, occurrence));
        }
        return values;
    }

    private static List<Long> sackEdges(TcpOptions options, boolean left) {
        List<Long> edges = new ArrayList<>();
        for (int block = 0; block < options.sackBlockCount(); block++) {
            edges.add(Integer.toUnsignedLong(left ? options.sackLeftEdge(block) : options.sackRightEdge(block)));
        }
        return edges;
    }

    private static TreeSet<Integer> tsharkOptionKinds(TsharkFields.Row row) {
        TreeSet<Integer> kinds = new TreeSet<>();
        for (int occurrence = 0; occurrence < row.occurrences("tcp.option_kind").size(); occurrence++) {
            int kind = row.intValue("tcp.option_kind", occurrence);
            if (kind != END_OF_OPTION_LIST && kind != NO_OPERATION) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    private static TreeSet<Integer> decodedOptionKinds(TcpOptions options) {
        TreeSet<Integer> kinds = new TreeSet<>();
        if (options.mss() >= 0) {
            kinds.add(MSS);
        }
        if (options.windowScale() >= 0) {
            kinds.add(WINDOW_SCALE);
        }
        if (options.sackPermitted()) {
            kinds.add(SACK_PERMITTED);
        }
        if (options.sackBlockCount() > 0) {
            kinds.add(SACK);
        }
        if (options.hasTimestamps()) {
            kinds.add(TIMESTAMPS);
        }
        return kinds;
    }
}
