package io.usertcp.testing.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards the committed fixtures: a regenerated capture must still hold every case the codec tests rely on.
 */
class GoldenCaptureContentsTest {
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;
    private static final int SERVER_PORT = 5001;
    private static final int CLOSED_PORT = 5002;

    @ParameterizedTest
    @ValueSource(strings = {GoldenFrames.ARP, GoldenFrames.PING, GoldenFrames.TCP})
    void noChecksumIsBadAndEveryOutermostOneWasVerified(String name) throws IOException {
        for (GoldenFrame frame : GoldenFrames.load(name).frames()) {
            for (String field : List.of("ip.checksum.status", "icmp.checksum.status", "udp.checksum.status",
                    "tcp.checksum.status")) {
                List<String> statuses = frame.fields().occurrences(field);
                // tshark: 0 bad, 1 good, 2 unverified (a message quoted in an ICMP error may be cut short).
                assertFalse(statuses.contains("0"), name + " frame " + frame.number() + " " + field);
                if (!statuses.isEmpty()) {
                    assertEquals("1", statuses.get(0), name + " frame " + frame.number() + " " + field);
                }
            }
        }
    }

    @Test
    void arpCaptureHasRequestsAndReplies() throws IOException {
        List<GoldenFrame> frames = GoldenFrames.load(GoldenFrames.ARP).frames();

        assertTrue(count(frames, row -> row.intValue("arp.opcode") == 1) >= 2);
        assertTrue(count(frames, row -> row.intValue("arp.opcode") == 2) >= 2);
    }

    @Test
    void arpCaptureHasFramesWithATrailerAfterTheArpBody() throws IOException {
        List<GoldenFrame> trailed = GoldenFrames.load(GoldenFrames.ARP).frames().stream()
                .filter(frame -> frame.fields().has("eth.trailer"))
                .toList();

        assertFalse(trailed.isEmpty());
        for (GoldenFrame frame : trailed) {
            // Ethernet header 14 + ARP for IPv4 over Ethernet 28, then the trailer.
            assertEquals(14 + 28 + frame.fields().bytes("eth.trailer").length, frame.bytes().length);
        }
    }

    @Test
    void pingCaptureHasEchoesFragmentsAndErrors() throws IOException {
        List<GoldenFrame> frames = GoldenFrames.load(GoldenFrames.PING).frames();

        assertTrue(count(frames, row -> icmp(row, 8, 0)) >= 4, "echo requests");
        assertTrue(count(frames, row -> icmp(row, 0, 0)) >= 4, "echo replies");
        assertTrue(count(frames, row -> (row.intValue("ip.flags", 0) & 0x01) != 0) >= 2, "more-fragments");
        assertEquals(1, count(frames, row -> icmp(row, 3, 3)), "port unreachable");
        assertEquals(1, count(frames, row -> icmp(row, 11, 0)), "time exceeded");
        assertEquals(1, count(frames, row -> icmp(row, 3, 4) && row.intValue("icmp.mtu") == 1280), "frag needed");
    }

    @Test
    void everySynCarriesTheLinuxDefaultOptions() throws IOException {
        List<GoldenFrame> syns = GoldenFrames.load(GoldenFrames.TCP).frames().stream()
                .filter(frame -> (flags(frame.fields()) & SYN) != 0)
                .toList();

        assertEquals(5, syns.size(), "three SYNs and two SYN|ACKs");
        for (GoldenFrame syn : syns) {
            TsharkFields.Row row = syn.fields();
            assertTrue(row.occurrences("tcp.option_kind").containsAll(List.of("2", "3", "4", "8")),
                    "frame " + syn.number() + " options " + row.text("tcp.option_kind"));
            assertEquals(1460, row.intValue("tcp.options.mss_val"));
            assertTrue(row.has("tcp.options.sack_perm"));
            assertTrue(row.has("tcp.options.wscale.shift"));
            assertTrue(row.has("tcp.options.timestamp.tsval"));
        }
    }

    @Test
    void sackEdgesAreAbsoluteAndBoundASegmentTheOtherSideSent() throws IOException {
        List<TsharkFields.Row> rows = rows(GoldenFrames.load(GoldenFrames.TCP).frames());
        List<TsharkFields.Row> sacks = rows.stream().filter(row -> row.has("tcp.options.sack_le")).toList();

        assertFalse(sacks.isEmpty());
        for (TsharkFields.Row sack : sacks) {
            long left = sack.longValue("tcp.options.sack_le");
            long right = sack.longValue("tcp.options.sack_re");
            assertTrue(rows.stream().anyMatch(row -> row.intValue("tcp.len") > 0
                    && row.intValue("tcp.srcport") == sack.intValue("tcp.dstport")
                    && row.longValue("tcp.seq_raw") == left
                    && row.longValue("tcp.seq_raw") + row.intValue("tcp.len") == right),
                    "no data segment spans SACK block " + left + "-" + right);
        }
    }

    @Test
    void tcpCaptureHasFinFromBothSidesAndTwoResets() throws IOException {
        List<GoldenFrame> frames = GoldenFrames.load(GoldenFrames.TCP).frames();

        assertEquals(1, count(frames, row -> (flags(row) & FIN) != 0 && row.intValue("tcp.srcport") == SERVER_PORT));
        assertEquals(1, count(frames, row -> (flags(row) & FIN) != 0 && row.intValue("tcp.dstport") == SERVER_PORT));
        assertEquals(1, count(frames, row -> flags(row) == (RST | ACK) && row.intValue("tcp.srcport") == CLOSED_PORT),
                "closed port answers RST|ACK");
        assertEquals(1, count(frames, row -> (flags(row) & RST) != 0 && row.intValue("tcp.dstport") == SERVER_PORT),
                "client aborts with a RST");
    }

    @Test
    void droppedSegmentIsRetransmitted() throws IOException {
        List<TsharkFields.Row> data = rows(GoldenFrames.load(GoldenFrames.TCP).frames()).stream()
                .filter(row -> row.intValue("tcp.dstport") == SERVER_PORT && row.intValue("tcp.len") > 0)
                .toList();

        long distinct = data.stream().mapToLong(row -> row.longValue("tcp.seq_raw")).distinct().count();
        assertNotEquals(data.size(), distinct, "one client segment must appear twice: dropped, then retransmitted");
    }

    private static boolean icmp(TsharkFields.Row row, int type, int code) {
        return row.has("icmp.type") && row.intValue("icmp.type", 0) == type && row.intValue("icmp.code", 0) == code;
    }

    private static int flags(TsharkFields.Row row) {
        return row.has("tcp.flags") ? row.intValue("tcp.flags") : 0;
    }

    private static long count(List<GoldenFrame> frames, Predicate<TsharkFields.Row> test) {
        return frames.stream().map(GoldenFrame::fields).filter(row -> row.has("eth.type")).filter(test).count();
    }

    private static List<TsharkFields.Row> rows(List<GoldenFrame> frames) {
        return frames.stream().map(GoldenFrame::fields).filter(row -> row.has("tcp.srcport")).toList();
    }
}
