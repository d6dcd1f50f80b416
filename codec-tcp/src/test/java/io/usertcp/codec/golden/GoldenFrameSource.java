package io.usertcp.codec.golden;

import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;
import io.usertcp.testing.pcap.TsharkFields;
import org.junit.jupiter.api.Named;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The golden captures as arguments of parameterized tests, each named by capture, frame number and what
 * tshark saw in it, so a failure names its frame. Frames are selected by tshark's columns, never by the
 * codec under test, and a selection that matches nothing makes JUnit fail the test for want of arguments.
 */
final class GoldenFrameSource {
    /** Prefix for {@code @MethodSource} references to the factories below. */
    static final String CLASS = "io.usertcp.codec.golden.GoldenFrameSource#";

    private static final int IP_FLAG_MORE_FRAGMENTS = 0x01;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_UDP = 17;
    private static final int ICMP_ECHO_REPLY = 0;
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;
    private static final int ICMP_ECHO_REQUEST = 8;
    private static final int ICMP_TIME_EXCEEDED = 11;

    private static final Map<String, GoldenFrames> CAPTURES = new ConcurrentHashMap<>();

    private GoldenFrameSource() {
    }

    /** The capture, loaded once per test run. */
    static GoldenFrames capture(String name) {
        return CAPTURES.computeIfAbsent(name, GoldenFrameSource::load);
    }

    private static GoldenFrames load(String name) {
        try {
            return GoldenFrames.load(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load golden capture " + name, e);
        }
    }

    static Stream<Named<GoldenFrame>> arpFrames() {
        return select(GoldenFrames.ARP, row -> true);
    }

    static Stream<Named<GoldenFrame>> pingFrames() {
        return select(GoldenFrames.PING, row -> true);
    }

    /** Whole ICMP messages: echoes and errors, not fragments. */
    static Stream<Named<GoldenFrame>> icmpMessageFrames() {
        return select(GoldenFrames.PING, row -> ipProtocol(row) == PROTOCOL_ICMP && !isFragment(row));
    }

    /** Whole echo requests and replies. */
    static Stream<Named<GoldenFrame>> icmpEchoFrames() {
        return select(GoldenFrames.PING, row -> ipProtocol(row) == PROTOCOL_ICMP && !isFragment(row)
                && isEcho(row.intValue("icmp.type", 0)));
    }

    /** ICMP errors, which quote the datagram that caused them. */
    static Stream<Named<GoldenFrame>> icmpErrorFrames() {
        return select(GoldenFrames.PING, row -> ipProtocol(row) == PROTOCOL_ICMP && !isFragment(row)
                && isIcmpError(row.intValue("icmp.type", 0)));
    }

    /** Last fragments, on whose rows tshark shows the fields of the reassembled datagram. */
    static Stream<Named<GoldenFrame>> lastFragmentFrames() {
        return select(GoldenFrames.PING, row -> isFragment(row) && !moreFragments(row));
    }

    static Stream<Named<GoldenFrame>> udpFrames() {
        return select(GoldenFrames.PING, row -> ipProtocol(row) == PROTOCOL_UDP);
    }

    static Stream<Named<GoldenFrame>> tcpFrames() {
        return select(GoldenFrames.TCP, row -> true);
    }

    private static Stream<Named<GoldenFrame>> select(String captureName, Predicate<TsharkFields.Row> wanted) {
        return capture(captureName).frames().stream()
                .filter(frame -> wanted.test(frame.fields()))
                .map(frame -> Named.of(captureName + " #" + frame.number() + " " + summary(captureName, frame.fields()),
                        frame));
    }

    private static String summary(String captureName, TsharkFields.Row row) {
        switch (captureName) {
            case GoldenFrames.ARP:
                return arpSummary(row);
            case GoldenFrames.PING:
                return pingSummary(row);
            case GoldenFrames.TCP:
                return tcpSummary(row);
            default:
                throw new IllegalArgumentException("no summary for capture " + captureName);
        }
    }

    private static String arpSummary(TsharkFields.Row row) {
        String summary = row.intValue("arp.opcode") == 1
                ? "ARP request: who has " + row.single("arp.dst.proto_ipv4") + "?"
                : "ARP reply: " + row.single("arp.src.proto_ipv4") + " is at " + row.single("arp.src.hw_mac");
        return row.has("eth.trailer") ? summary + " (+" + row.bytes("eth.trailer").length + "-byte trailer)" : summary;
    }

    private static String pingSummary(TsharkFields.Row row) {
        if (ipProtocol(row) == PROTOCOL_UDP) {
            return "UDP to port " + row.single("udp.dstport");
        }
        if (moreFragments(row)) {
            return "IPv4 fragment at offset " + fragmentOffsetBytes(row) + ", more follow";
        }
        String icmp = icmpSummary(row);
        return isFragment(row) ? "last IPv4 fragment at offset " + fragmentOffsetBytes(row) + ", completes " + icmp : icmp;
    }

    private static String icmpSummary(TsharkFields.Row row) {
        int type = row.intValue("icmp.type", 0);
        int code = row.intValue("icmp.code", 0);
        if (isEcho(type)) {
            return (type == ICMP_ECHO_REQUEST ? "echo request" : "echo reply") + " id " + row.single("icmp.ident")
                    + " seq " + row.single("icmp.seq");
        }
        if (type == ICMP_DESTINATION_UNREACHABLE && code == 3) {
            return "port unreachable";
        }
        if (type == ICMP_DESTINATION_UNREACHABLE && code == 4) {
            return "fragmentation needed, next-hop MTU " + row.single("icmp.mtu");
        }
        if (type == ICMP_TIME_EXCEEDED) {
            return "time exceeded";
        }
        return "ICMP type " + type + " code " + code;
    }

    private static String tcpSummary(TsharkFields.Row row) {
        String summary = row.single("tcp.srcport") + " > " + row.single("tcp.dstport") + " "
                + tcpFlagNames(row.intValue("tcp.flags")) + ", " + row.single("tcp.len") + " bytes";
        return row.has("tcp.options.sack_le") ? summary + ", SACK" : summary;
    }

    /** Spelled out here rather than by the codec's TcpFlags, so a name never depends on the code under test. */
    private static String tcpFlagNames(int flags) {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                text.append(text.length() == 0 ? "" : "|").append(names[bit]);
            }
        }
        return text.toString();
    }

    private static boolean isEcho(int type) {
        return type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY;
    }

    static boolean isIcmpError(int type) {
        return type == ICMP_DESTINATION_UNREACHABLE || type == ICMP_TIME_EXCEEDED;
    }

    private static int ipProtocol(TsharkFields.Row row) {
        return row.intValue("ip.proto", 0);
    }

    private static boolean moreFragments(TsharkFields.Row row) {
        return (row.intValue("ip.flags", 0) & IP_FLAG_MORE_FRAGMENTS) != 0;
    }

    /** tshark prints ip.frag_offset in 8-byte units. */
    private static int fragmentOffsetBytes(TsharkFields.Row row) {
        return row.intValue("ip.frag_offset", 0) * 8;
    }

    private static boolean isFragment(TsharkFields.Row row) {
        return moreFragments(row) || fragmentOffsetBytes(row) != 0;
    }
}
