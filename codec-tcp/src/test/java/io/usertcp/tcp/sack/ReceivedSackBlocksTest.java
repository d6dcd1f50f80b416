package io.usertcp.tcp.sack;

import io.usertcp.codec.tcp.TcpOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceivedSackBlocksTest {
    private static final int MSS = 1000;
    /** RCV.NXT where lwIP's tests start: out-of-order segments from the second on lie past 2^32. */
    private static final int BASE = 0xFFFFFF00 - MSS;
    private static final int WITH_TIMESTAMPS = 3;
    private static final int WITHOUT_TIMESTAMPS = 4;

    private final ReceivedSackBlocks blocks = new ReceivedSackBlocks();
    private final TcpOptions options = new TcpOptions();

    /** First sequence number of segment {@code n} after RCV.NXT. */
    private static int seg(int n) {
        return BASE + n * MSS;
    }

    /** The SACK blocks of an ACK of {@code rcvNxt}, as left, right edge pairs in wire order. */
    private int[] ackBlocks(int rcvNxt, int maxBlocks) {
        options.clear();
        int added = blocks.fill(options, rcvNxt, maxBlocks);
        assertEquals(options.sackBlockCount(), added);
        int[] edges = new int[2 * added];
        for (int block = 0; block < added; block++) {
            edges[2 * block] = options.sackLeftEdge(block);
            edges[2 * block + 1] = options.sackRightEdge(block);
        }
        return edges;
    }

    private static int[] edges(int... edges) {
        return edges;
    }

    @Test
    void noBlocksWhenNothingIsOutOfOrder() {
        assertArrayEquals(edges(), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void newestBlockIsReportedFirst() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(5), seg(6));
        assertArrayEquals(edges(seg(5), seg(6), seg(2), seg(3)), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void blockGrownByANewSegmentMovesToTheFront() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(5), seg(6));
        blocks.received(seg(2), seg(4));
        assertArrayEquals(edges(seg(2), seg(4), seg(5), seg(6)), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void segmentFillingTheGapBetweenTwoBlocksMergesThem() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(4), seg(5));
        blocks.received(seg(3), seg(4));
        assertArrayEquals(edges(seg(2), seg(5)), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void olderBlocksFollowInOrderOfTheirLastReport() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(4), seg(5));
        blocks.received(seg(6), seg(7));
        blocks.received(seg(2), seg(3) + 500);
        assertArrayEquals(edges(seg(2), seg(3) + 500, seg(6), seg(7), seg(4), seg(5)), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void atMostThreeBlocksWithTimestamps() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(4), seg(5));
        blocks.received(seg(6), seg(7));
        blocks.received(seg(8), seg(9));
        assertArrayEquals(edges(seg(8), seg(9), seg(6), seg(7), seg(4), seg(5)), ackBlocks(BASE, WITH_TIMESTAMPS));
    }

    @Test
    void fifthBlockPushesOutTheLeastRecentlyReported() {
        for (int segment = 2; segment <= 10; segment += 2) {
            blocks.received(seg(segment), seg(segment + 1));
        }
        assertEquals(TcpOptions.MAX_SACK_BLOCKS, blocks.blockCount());
        assertArrayEquals(edges(seg(10), seg(11), seg(8), seg(9), seg(6), seg(7), seg(4), seg(5)),
                ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void blocksCoveredByRcvNxtVanish() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(5), seg(6));
        assertArrayEquals(edges(seg(5), seg(6)), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
        assertEquals(1, blocks.blockCount());
    }

    @Test
    void blockPartlyBelowRcvNxtIsTrimmed() {
        blocks.received(seg(2), seg(5));
        assertArrayEquals(edges(seg(3), seg(5)), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
    }

    @Test
    void emptyBlockIsIgnored() {
        blocks.received(seg(3), seg(3));
        blocks.received(seg(4), seg(3));
        assertEquals(0, blocks.blockCount());
    }

    @Test
    void fillAddsNoMoreBlocksThanTheOptionsHaveRoomFor() {
        blocks.received(seg(2), seg(3));
        blocks.received(seg(4), seg(5));
        blocks.received(seg(6), seg(7));
        options.clear().addSackBlock(seg(20), seg(21)).addSackBlock(seg(22), seg(23));
        assertEquals(2, blocks.fill(options, BASE, WITHOUT_TIMESTAMPS));
        assertEquals(seg(6), options.sackLeftEdge(2));
        assertEquals(seg(4), options.sackLeftEdge(3));
    }

    // ---- D-SACK (RFC 2883)

    @Test
    void duplicateSegmentIsReportedFirstAsADuplicateSack() {
        blocks.received(seg(5), seg(6));
        blocks.duplicateReceived(seg(1), seg(2));
        assertArrayEquals(edges(seg(1), seg(2), seg(5), seg(6)), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
    }

    @Test
    void duplicateSackIsFollowedByTheBlockContainingTheDuplicate() {
        blocks.received(seg(8), seg(10));
        blocks.received(seg(5), seg(7));
        blocks.duplicateReceived(seg(8), seg(9));
        assertArrayEquals(edges(seg(8), seg(9), seg(8), seg(10), seg(5), seg(7)), ackBlocks(BASE, WITHOUT_TIMESTAMPS));
    }

    @Test
    void duplicateSackIsReportedInOneAckOnly() {
        blocks.received(seg(5), seg(6));
        blocks.duplicateReceived(seg(1), seg(2));
        ackBlocks(seg(3), WITHOUT_TIMESTAMPS);
        assertArrayEquals(edges(seg(5), seg(6)), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
    }

    @Test
    void duplicateSackWaitsForAnAckWithRoom() {
        blocks.duplicateReceived(seg(1), seg(2));
        options.clear();
        for (int block = 0; block < TcpOptions.MAX_SACK_BLOCKS; block++) {
            options.addSackBlock(seg(20 + 2 * block), seg(21 + 2 * block));
        }
        assertEquals(0, blocks.fill(options, seg(3), WITHOUT_TIMESTAMPS));
        assertArrayEquals(edges(seg(1), seg(2)), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
    }

    @Test
    void clearForgetsBlocksAndAPendingDuplicateSack() {
        blocks.received(seg(5), seg(6));
        blocks.duplicateReceived(seg(1), seg(2));
        blocks.clear();
        assertArrayEquals(edges(), ackBlocks(seg(3), WITHOUT_TIMESTAMPS));
    }

    // ---- Allocation

    /** Out-of-order arrivals, duplicates and ACKs on a window sliding across 2^32. */
    private long ackStream(int firstAck, int acks) {
        long checksum = 0;
        for (int ack = firstAck; ack < firstAck + acks; ack++) {
            int rcvNxt = BASE + ack * 100;
            int hole = rcvNxt + MSS * (1 + ack % 6);
            blocks.received(hole, hole + MSS * (1 + ack % 3));
            if (ack % 9 == 0) {
                blocks.duplicateReceived(rcvNxt - MSS, rcvNxt);
            }
            options.clear();
            checksum += blocks.fill(options, rcvNxt, ack % 2 == 0 ? WITH_TIMESTAMPS : WITHOUT_TIMESTAMPS);
        }
        return checksum;
    }

    @Test
    void acksAllocateNothingAfterWarmUp() {
        long checksum = ackStream(0, 100_000);
        long before = AllocatedBytes.sinceThreadStart();
        checksum += ackStream(100_000, 1_000_000);
        long allocated = AllocatedBytes.sinceThreadStart() - before;
        assertTrue(checksum > 0);
        assertTrue(allocated < 1024, "1,000,000 ACKs allocated " + allocated + " bytes");
    }
}
