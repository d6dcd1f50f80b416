package io.usertcp.tcp.reassembly;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.reassembly.Segments.NEAR_WRAP;
import static io.usertcp.tcp.reassembly.Segments.drain;
import static io.usertcp.tcp.reassembly.Segments.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The merged ranges offered to SACK generation (RFC 2018). */
class OutOfOrderQueueRangesTest {
    private static final int RCV_NXT = NEAR_WRAP;

    private final OutOfOrderQueue queue = new OutOfOrderQueue(1 << 20, 64);

    @AfterEach
    void releaseHeldPieces() {
        queue.clear();
    }

    private void assertRange(int index, int start, int end) {
        assertEquals(start, queue.rangeStart(index), "start of range " + index);
        assertEquals(end, queue.rangeEnd(index), "end of range " + index);
    }

    @Test
    void emptyQueueHasNoRanges() {
        assertEquals(0, queue.rangeCount());
        assertEquals(-1, queue.rangeOfLastOffer());
    }

    @Test
    void contiguousPiecesMergeIntoOneRange() {
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);
        offer(queue, RCV_NXT, RCV_NXT + 20, 10);

        assertEquals(3, queue.heldPieces());
        assertEquals(2, queue.rangeCount());
        assertRange(0, RCV_NXT + 10, RCV_NXT + 30);
        assertRange(1, RCV_NXT + 40, RCV_NXT + 50);
    }

    @Test
    void rangesSpanningTheWrapKeepSequenceOrder() {
        int rcvNxt = 0xFFFFFF00;
        offer(queue, rcvNxt, 0x00000100, 0x10);
        offer(queue, rcvNxt, 0xFFFFFFF8, 0x10);
        offer(queue, rcvNxt, 0xFFFFFF80, 0x10);

        assertEquals(3, queue.rangeCount());
        assertRange(0, 0xFFFFFF80, 0xFFFFFF90);
        assertRange(1, 0xFFFFFFF8, 0x00000008);
        assertRange(2, 0x00000100, 0x00000110);
    }

    @Test
    void rangeOfLastOfferIsTheRangeHoldingTheNewestSegment() {
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);
        assertEquals(0, queue.rangeOfLastOffer());

        offer(queue, RCV_NXT, RCV_NXT + 50, 10);
        assertEquals(1, queue.rangeOfLastOffer());
        assertRange(1, RCV_NXT + 40, RCV_NXT + 60);
    }

    @Test
    void rangeOfLastOfferIncludesADuplicate() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);

        assertEquals(OfferOutcome.DUPLICATE, offer(queue, RCV_NXT, RCV_NXT + 12, 5));

        assertEquals(0, queue.rangeOfLastOffer());
    }

    @Test
    void rangeOfLastOfferIsNoneAfterARefusal() {
        OutOfOrderQueue small = new OutOfOrderQueue(10, 64);
        try {
            offer(small, RCV_NXT, RCV_NXT + 10, 10);

            assertEquals(OfferOutcome.REFUSED, offer(small, RCV_NXT, RCV_NXT + 30, 10));

            assertEquals(-1, small.rangeOfLastOffer());
        } finally {
            small.clear();
        }
    }

    @Test
    void rangeOfLastOfferIsNoneOnceItsDataIsDelivered() {
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);

        drain(queue, RCV_NXT + 10);

        assertEquals(1, queue.rangeCount());
        assertEquals(-1, queue.rangeOfLastOffer());
    }

    @Test
    void rangeOfLastOfferIsNoneForDataAlreadyDelivered() {
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);

        offer(queue, RCV_NXT, RCV_NXT - 10, 10);

        assertEquals(-1, queue.rangeOfLastOffer());
    }

    @Test
    void rangeStartFollowsTrimmingByRcvNxt() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 20);
        offer(queue, RCV_NXT, RCV_NXT + 40, 10);

        offer(queue, RCV_NXT + 15, RCV_NXT + 40, 5);

        assertEquals(2, queue.rangeCount());
        assertRange(0, RCV_NXT + 15, RCV_NXT + 30);
        assertEquals(25, queue.heldBytes());
    }

    @Test
    void replacingPiecesKeepsTheMergedRange() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);
        offer(queue, RCV_NXT, RCV_NXT + 20, 10);
        assertEquals(1, queue.rangeCount());

        // a new covering copy of [15, 35) replaces the tail of the first piece and all of the second
        offer(queue, RCV_NXT, RCV_NXT + 15, 20);
        assertEquals(1, queue.rangeCount());
        assertRange(0, RCV_NXT + 10, RCV_NXT + 35);
        assertEquals(2, queue.heldPieces());
    }
}
