package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.reassembly.OutOfOrderQueue;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SegmentSmack (CVE-2018-5390): a peer sends thousands of one-byte segments each leaving a hole before it, so
 * that every arrival lands in a long out-of-order queue. The queue holds at most {@code outOfOrderMaxSegments}
 * pieces and {@code outOfOrderMaxBytes} bytes; what a cap turns away is counted in
 * {@link TcpCounter#OUT_OF_ORDER_REFUSED}, held data pruned for lower data in
 * {@link TcpCounter#OUT_OF_ORDER_PRUNED}. The work per segment ({@link OutOfOrderQueue#slotSteps()}, segments
 * sent, heap bytes allocated) is the same at 1k and 10k segments, and once the holes fill the application gets
 * every byte exactly once. Our window is 65535 bytes (no window scaling), room for 10k holes two bytes apart.
 */
class OutOfOrderExhaustionTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int SEGMENT_CAP = TcpStackConfig.defaults().outOfOrderMaxSegments();

    private static TcpScript accepted(TcpStackConfig config) {
        TcpScript script = new TcpScript(config, OUR_ISS);
        Handshakes.acceptPlain(script);
        return script;
    }

    private static long counter(TcpScript script, TcpCounter counter) {
        return script.engine().counters().get(counter);
    }

    /** The byte of the peer's stream at {@code offset} from its first data byte. */
    private static byte streamByte(int offset) {
        return (byte) (offset * 31 + 7);
    }

    private static byte[] stream(int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int i = from; i < to; i++) {
            bytes[i - from] = streamByte(i);
        }
        return bytes;
    }

    /** One byte of the stream at {@code offset}; our ACK is consumed. */
    private static void receiveByte(TcpScript script, int offset) {
        script.receive(tcp().ack().seq(PEER + offset).ack(OURS).payload(new byte[] {streamByte(offset)}));
        while (script.pendingSent() > 0) {
            script.nextSent();
        }
    }

    /** {@code segments} one-byte segments at odd offsets, lowest first: each leaves a hole below it. */
    private static void ascendingHoles(TcpScript script, int segments) {
        for (int k = 0; k < segments; k++) {
            receiveByte(script, 2 * k + 1);
        }
    }

    /** {@code segments} one-byte segments at odd offsets, highest first: each lands below everything held. */
    private static void descendingHoles(TcpScript script, int segments) {
        for (int k = segments - 1; k >= 0; k--) {
            receiveByte(script, 2 * k + 1);
        }
    }

    @Test
    void oneByteHolesStayUnderTheSegmentCap() {
        try (TcpScript script = accepted(TcpStackConfig.defaults())) {
            ascendingHoles(script, 2_000);
            OutOfOrderQueue queue = script.connection().outOfOrderQueue();
            assertEquals(SEGMENT_CAP, queue.heldPieces());
            assertEquals(SEGMENT_CAP, queue.heldBytes());
            assertEquals(SEGMENT_CAP, counter(script, TcpCounter.OUT_OF_ORDER_SEGMENTS));
            assertEquals(2_000 - SEGMENT_CAP, counter(script, TcpCounter.OUT_OF_ORDER_REFUSED));
            assertEquals(0, script.application().receivedBytes().length);
        }
    }

    @Test
    void lowerHolesPruneTheHighestHeldDataAndCountIt() {
        try (TcpScript script = accepted(TcpStackConfig.defaults())) {
            descendingHoles(script, 1_000);
            OutOfOrderQueue queue = script.connection().outOfOrderQueue();
            assertEquals(SEGMENT_CAP, queue.heldPieces());
            // The lowest data is the nearest to delivery: it is what is kept
            assertEquals(PEER + 1, queue.rangeStart(0));
            assertEquals(1_000 - SEGMENT_CAP, counter(script, TcpCounter.OUT_OF_ORDER_PRUNED));
            assertEquals(0, counter(script, TcpCounter.OUT_OF_ORDER_REFUSED));
        }
    }

    @Test
    void outOfOrderByteCapHoldsAndCountsTheRest() {
        TcpStackConfig config = TcpStackConfig.builder().outOfOrderMaxBytes(1_000).build();
        try (TcpScript script = accepted(config)) {
            for (int k = 0; k < 50; k++) {
                int offset = 1 + 200 * k;
                script.receive(tcp().ack().seq(PEER + offset).ack(OURS).payload(stream(offset, offset + 100)));
            }
            assertEquals(1_000, script.connection().outOfOrderQueue().heldBytes());
            assertEquals(40, counter(script, TcpCounter.OUT_OF_ORDER_REFUSED));
        }
    }

    @Test
    void everyHoleFloodSegmentDrawsOneAckAndNoMore() {
        try (TcpScript script = accepted(TcpStackConfig.defaults())) {
            long sentBefore = counter(script, TcpCounter.SEGMENTS_SENT);
            ascendingHoles(script, 1_000);
            assertEquals(1_000, counter(script, TcpCounter.SEGMENTS_SENT) - sentBefore);
        }
    }

    @Test
    void filledHolesDeliverTheDataExactlyOnce() {
        int length = 4 * SEGMENT_CAP;
        try (TcpScript script = accepted(TcpStackConfig.defaults())) {
            // Odd bytes first, beyond the cap; then the even ones, one by one; then the whole stream again
            ascendingHoles(script, length / 2);
            for (int offset = 0; offset < length; offset += 2) {
                receiveByte(script, offset);
            }
            for (int offset = 0; offset < length; offset += 100) {
                int end = Math.min(length, offset + 100);
                script.receive(tcp().ack().seq(PEER + offset).ack(OURS).payload(stream(offset, end)));
            }
            assertArrayEquals(stream(0, length), script.application().receivedBytes());
            assertEquals(PEER + length, script.connection().controlBlock().rcvNxt);
            assertTrue(script.connection().outOfOrderQueue().isEmpty());
        }
    }

    @Test
    void holeFloodCostsFlatWorkPerSegment() {
        measure(1_000, true);
        Work ascendingSmall = measure(1_000, true);
        Work ascendingLarge = measure(10_000, true);
        Work descendingSmall = measure(1_000, false);
        Work descendingLarge = measure(10_000, false);
        for (Work[] pair : new Work[][] {{ascendingSmall, ascendingLarge}, {descendingSmall, descendingLarge}}) {
            Work small = pair[0];
            Work large = pair[1];
            String both = small + " then " + large;
            // Bounded by the cap, never by the attack: a few passes over at most SEGMENT_CAP slots per segment
            assertTrue(large.stepsPerSegment <= 4 * SEGMENT_CAP, both);
            assertTrue(large.stepsPerSegment <= 1.25 * small.stepsPerSegment + 1, both);
            assertEquals(1.0, large.segmentsSentPerSegment, both);
            assertTrue(large.bytesPerSegment <= 1.25 * small.bytesPerSegment, both);
        }
    }

    /** What a flood of {@code segments} one-byte holes cost, per segment, on a fresh connection. */
    private static Work measure(int segments, boolean ascending) {
        try (TcpScript script = accepted(TcpStackConfig.defaults())) {
            OutOfOrderQueue queue = script.connection().outOfOrderQueue();
            long stepsBefore = queue.slotSteps();
            long sentBefore = counter(script, TcpCounter.SEGMENTS_SENT);
            double bytesPerSegment = ThreadAllocations.measure(() -> {
                if (ascending) {
                    ascendingHoles(script, segments);
                } else {
                    descendingHoles(script, segments);
                }
                return segments;
            });
            assertTrue(queue.heldPieces() <= SEGMENT_CAP);
            return new Work(ascending ? "ascending" : "descending", (queue.slotSteps() - stepsBefore) / (double) segments,
                    (counter(script, TcpCounter.SEGMENTS_SENT) - sentBefore) / (double) segments,
                    bytesPerSegment);
        }
    }

    private record Work(String pattern, double stepsPerSegment, double segmentsSentPerSegment,
                        double bytesPerSegment) {
    }
}
