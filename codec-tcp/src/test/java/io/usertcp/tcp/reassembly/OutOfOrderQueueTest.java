package io.usertcp.tcp.reassembly;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.reassembly.Segments.NEAR_WRAP;
import static io.usertcp.tcp.reassembly.Segments.concat;
import static io.usertcp.tcp.reassembly.Segments.content;
import static io.usertcp.tcp.reassembly.Segments.drain;
import static io.usertcp.tcp.reassembly.Segments.frame;
import static io.usertcp.tcp.reassembly.Segments.offer;
import static io.usertcp.tcp.reassembly.Segments.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery, ownership and memory of the out-of-order queue. */
class OutOfOrderQueueTest {
    private static final int RCV_NXT = NEAR_WRAP;

    private final OutOfOrderQueue queue = new OutOfOrderQueue(1 << 20, 64);

    @AfterEach
    void releaseHeldPieces() {
        queue.clear();
    }

    @Test
    void dataBeyondRcvNxtIsHeldUntilTheHoleFills() {
        assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 20));

        assertNull(queue.poll(RCV_NXT));
        assertEquals(20, queue.heldBytes());
        assertEquals(1, queue.heldPieces());
    }

    @Test
    void inOrderFillAfterHolesDeliversExactBytesOnce() {
        assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 1300, 1200));
        assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 100, 1000));
        assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 1100, 200));
        assertNull(queue.poll(RCV_NXT));

        // the caller delivers [RCV_NXT, +100) straight from the segment that fills the first hole
        byte[] delivered = drain(queue, RCV_NXT + 100);

        assertArrayEquals(content(RCV_NXT + 100, 2400, 0), delivered);
        assertTrue(queue.isEmpty());
        assertNull(queue.poll(RCV_NXT + 2500));
    }

    @Test
    void deliveryStopsAtTheNextHole() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 10);
        offer(queue, RCV_NXT, RCV_NXT + 30, 10);

        byte[] delivered = drain(queue, RCV_NXT + 10);

        assertArrayEquals(content(RCV_NXT + 10, 10, 0), delivered);
        assertEquals(10, queue.heldBytes());
        assertEquals(RCV_NXT + 30, queue.rangeStart(0));
    }

    @Test
    void segmentsAcrossTheWrapAreOrderedAndDelivered() {
        int rcvNxt = 0xFFFFFFF0;
        offer(queue, rcvNxt, 0x00000010, 16);
        offer(queue, rcvNxt, 0xFFFFFFF8, 16);
        offer(queue, rcvNxt, 0x00000008, 8);

        assertEquals(1, queue.rangeCount());
        assertEquals(0xFFFFFFF8, queue.rangeStart(0));
        assertEquals(0x00000020, queue.rangeEnd(0));
        assertArrayEquals(content(0xFFFFFFF8, 40, 0), drain(queue, 0xFFFFFFF8));
    }

    @Test
    void pollHandsOverTheStoredSliceWithoutCopying() {
        ByteBuf frame = frame(RCV_NXT + 10, 4, 0);
        try {
            queue.offer(RCV_NXT, RCV_NXT + 10, payload(frame));
            frame.setByte(Segments.HEADER_LENGTH, 0x42);

            ByteBuf piece = queue.poll(RCV_NXT + 10);
            try {
                assertEquals(0x42, piece.getByte(piece.readerIndex()));
            } finally {
                piece.release();
            }
        } finally {
            frame.release();
        }
    }

    @Test
    void offerTakesOneReferenceAndLeavesThePayloadAlone() {
        ByteBuf frame = frame(RCV_NXT + 10, 100, 0);
        try {
            ByteBuf payload = payload(frame);
            queue.offer(RCV_NXT, RCV_NXT + 10, payload);

            assertEquals(2, frame.refCnt());
            assertEquals(0, payload.readerIndex());
            assertEquals(100, payload.readableBytes());
        } finally {
            frame.release();
        }
    }

    @Test
    void deliveredPieceHoldsTheOnlyReferenceTheQueueTook() {
        ByteBuf frame = frame(RCV_NXT + 10, 100, 0);
        ByteBuf piece;
        try {
            queue.offer(RCV_NXT, RCV_NXT + 10, payload(frame));
            piece = queue.poll(RCV_NXT + 10);
        } finally {
            frame.release();
        }
        assertEquals(1, piece.refCnt());
        assertTrue(piece.release());
    }

    @Test
    void emptySegmentChangesNothing() {
        assertEquals(OfferOutcome.DUPLICATE, offer(queue, RCV_NXT, RCV_NXT + 10, 0));

        assertTrue(queue.isEmpty());
        assertEquals(0, queue.allocatedSlots());
    }

    @Test
    void dataWhollyBeforeRcvNxtIsDuplicate() {
        assertEquals(OfferOutcome.DUPLICATE, offer(queue, RCV_NXT, RCV_NXT - 100, 100));

        assertTrue(queue.isEmpty());
    }

    @Test
    void dataStraddlingRcvNxtKeepsOnlyTheBytesFromRcvNxt() {
        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, RCV_NXT, RCV_NXT - 10, 30));

        assertArrayEquals(content(RCV_NXT, 20, 0), drain(queue, RCV_NXT));
    }

    @Test
    void pollTrimsHeldBytesThatRcvNxtHasPassed() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 20);

        // the caller got [RCV_NXT, +20) from a segment it delivered directly
        assertArrayEquals(content(RCV_NXT + 20, 10, 0), drain(queue, RCV_NXT + 20));
    }

    @Test
    void pollReleasesHeldPiecesThatRcvNxtHasPassed() {
        ByteBuf frame = frame(RCV_NXT + 10, 20, 0);
        try {
            queue.offer(RCV_NXT, RCV_NXT + 10, payload(frame));

            assertNull(queue.poll(RCV_NXT + 30));
            assertEquals(1, frame.refCnt());
            assertTrue(queue.isEmpty());
        } finally {
            frame.release();
        }
    }

    @Test
    void offerReleasesHeldDataThatRcvNxtHasPassed() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 20);

        offer(queue, RCV_NXT + 40, RCV_NXT + 50, 5);

        assertEquals(5, queue.heldBytes());
        assertEquals(1, queue.rangeCount());
        assertEquals(RCV_NXT + 50, queue.rangeStart(0));
    }

    @Test
    void clearReleasesEverythingAndKeepsTheCounters() {
        OutOfOrderQueue small = new OutOfOrderQueue(10, 64);
        ByteBuf first = frame(RCV_NXT + 10, 5, 0);
        ByteBuf second = frame(RCV_NXT + 20, 5, 0);
        try {
            small.offer(RCV_NXT, RCV_NXT + 10, payload(first));
            small.offer(RCV_NXT, RCV_NXT + 20, payload(second));
            offer(small, RCV_NXT, RCV_NXT + 40, 5);

            small.clear();

            assertEquals(1, first.refCnt());
            assertEquals(1, second.refCnt());
            assertTrue(small.isEmpty());
            assertEquals(0, small.heldBytes());
            assertEquals(0, small.rangeCount());
            assertEquals(0, small.allocatedSlots());
            assertEquals(1, small.refusedOffers());
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void queueStaysUsableAfterClear() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 5);
        queue.clear();

        offer(queue, RCV_NXT, RCV_NXT + 30, 5);

        assertArrayEquals(content(RCV_NXT + 30, 5, 0), drain(queue, RCV_NXT + 30));
    }

    @Test
    void idleQueueHoldsNoArrays() {
        assertEquals(0, queue.allocatedSlots());

        offer(queue, RCV_NXT, RCV_NXT + 10, 5);
        assertEquals(8, queue.allocatedSlots());

        drain(queue, RCV_NXT + 10);
        assertEquals(0, queue.allocatedSlots());
    }

    @Test
    void arraysDoubleUpToThePieceCap() {
        OutOfOrderQueue capped = new OutOfOrderQueue(1 << 20, 20);
        for (int piece = 0; piece < 9; piece++) {
            offer(capped, RCV_NXT, RCV_NXT + 1 + 2 * piece, 1);
        }
        assertEquals(16, capped.allocatedSlots());

        for (int piece = 9; piece < 20; piece++) {
            offer(capped, RCV_NXT, RCV_NXT + 1 + 2 * piece, 1);
        }
        assertEquals(20, capped.allocatedSlots());
        assertEquals(20, capped.heldPieces());
        capped.clear();
    }

    @Test
    void piecesInsertedAtTheFrontAfterDeliveryKeepTheirOrder() {
        // deliveries free slots at the front of the arrays; a lower piece then goes there
        for (int piece = 0; piece < 8; piece++) {
            offer(queue, RCV_NXT, RCV_NXT + 10 * piece, 5);
        }
        drain(queue, RCV_NXT);
        int rcvNxt = RCV_NXT + 5;

        offer(queue, rcvNxt, RCV_NXT + 7, 2);

        assertArrayEquals(concat(content(RCV_NXT + 7, 2, 0), content(RCV_NXT + 10, 5, 0)),
                concat(drain(queue, RCV_NXT + 7), drain(queue, RCV_NXT + 10)));
    }

    @Test
    void pieceInsertedInTheMiddleAfterDeliveryKeepsTheOrder() {
        for (int piece = 0; piece < 8; piece++) {
            offer(queue, RCV_NXT, RCV_NXT + 10 * piece, 5);
        }
        drain(queue, RCV_NXT);
        int rcvNxt = RCV_NXT + 5;

        offer(queue, rcvNxt, RCV_NXT + 27, 3);

        assertEquals(8, queue.heldPieces());
        assertEquals(7, queue.rangeCount());
        assertEquals(RCV_NXT + 20, queue.rangeStart(1));
        assertEquals(RCV_NXT + 27, queue.rangeStart(2));
        assertEquals(RCV_NXT + 35, queue.rangeEnd(2));
        assertEquals(RCV_NXT + 75, queue.rangeEnd(6));
        assertArrayEquals(content(RCV_NXT + 27, 8, 0), drain(queue, RCV_NXT + 27));
    }

    @Test
    void rangeIndexOutsideTheRangesIsAProgrammingError() {
        offer(queue, RCV_NXT, RCV_NXT + 10, 5);

        assertThrows(IndexOutOfBoundsException.class, () -> queue.rangeStart(1));
        assertThrows(IndexOutOfBoundsException.class, () -> queue.rangeEnd(-1));
    }

    @Test
    void nonPositiveCapsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new OutOfOrderQueue(0, 8));
        assertThrows(IllegalArgumentException.class, () -> new OutOfOrderQueue(8, 0));
    }

    @Test
    void queueIsEmptyWhenNew() {
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.rangeCount());
        assertNull(queue.poll(RCV_NXT));
    }
}
