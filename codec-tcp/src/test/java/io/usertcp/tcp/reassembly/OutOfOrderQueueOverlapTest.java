package io.usertcp.tcp.reassembly;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.reassembly.Segments.NEAR_WRAP;
import static io.usertcp.tcp.reassembly.Segments.concat;
import static io.usertcp.tcp.reassembly.Segments.content;
import static io.usertcp.tcp.reassembly.Segments.drain;
import static io.usertcp.tcp.reassembly.Segments.offer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every overlap shape between a new segment and held data. Copy 1 is held first and copy 2 offered
 * second, with different contents, so the delivered bytes show which copy of each byte was kept: held
 * data wins only against a segment that brings nothing new; otherwise the new segment is kept whole.
 */
class OutOfOrderQueueOverlapTest {
    private static final int BASE = NEAR_WRAP;
    private static final int OLD = 1;
    private static final int NEW = 2;

    private final OutOfOrderQueue queue = new OutOfOrderQueue(1 << 20, 64);

    @AfterEach
    void releaseHeldPieces() {
        queue.clear();
    }

    @Test
    void exactDuplicateKeepsTheHeldCopy() {
        offer(queue, BASE, BASE + 10, 20, OLD);

        assertEquals(OfferOutcome.DUPLICATE, offer(queue, BASE, BASE + 10, 20, NEW));

        assertEquals(1, queue.heldPieces());
        assertArrayEquals(content(BASE + 10, 20, OLD), drain(queue, BASE + 10));
    }

    @Test
    void segmentInsideAHeldPieceIsDuplicate() {
        offer(queue, BASE, BASE + 10, 20, OLD);

        assertEquals(OfferOutcome.DUPLICATE, offer(queue, BASE, BASE + 15, 5, NEW));

        assertEquals(20, queue.heldBytes());
        assertArrayEquals(content(BASE + 10, 20, OLD), drain(queue, BASE + 10));
    }

    @Test
    void segmentAcrossTwoContiguousPiecesIsDuplicate() {
        offer(queue, BASE, BASE + 10, 10, OLD);
        offer(queue, BASE, BASE + 20, 10, OLD);

        assertEquals(OfferOutcome.DUPLICATE, offer(queue, BASE, BASE + 15, 10, NEW));

        assertEquals(2, queue.heldPieces());
        assertArrayEquals(content(BASE + 10, 20, OLD), drain(queue, BASE + 10));
    }

    @Test
    void segmentCoveringAHeldPieceReplacesIt() {
        offer(queue, BASE, BASE + 20, 10, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, BASE, BASE + 10, 30, NEW));

        assertEquals(1, queue.heldPieces());
        assertEquals(30, queue.heldBytes());
        assertArrayEquals(content(BASE + 10, 30, NEW), drain(queue, BASE + 10));
    }

    @Test
    void segmentWithTheSameStartAndALongerEndReplacesTheHeldPiece() {
        offer(queue, BASE, BASE + 10, 10, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, BASE, BASE + 10, 15, NEW));

        assertEquals(1, queue.heldPieces());
        assertArrayEquals(content(BASE + 10, 15, NEW), drain(queue, BASE + 10));
    }

    @Test
    void segmentOverlappingTheRightOfAHeldPieceTrimsItsTail() {
        offer(queue, BASE, BASE + 10, 20, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, BASE, BASE + 20, 20, NEW));

        assertEquals(2, queue.heldPieces());
        assertEquals(30, queue.heldBytes());
        assertArrayEquals(concat(content(BASE + 10, 10, OLD), content(BASE + 20, 20, NEW)),
                drain(queue, BASE + 10));
    }

    @Test
    void segmentOverlappingTheLeftOfAHeldPieceTrimsItsHead() {
        offer(queue, BASE, BASE + 20, 20, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, BASE, BASE + 10, 20, NEW));

        assertEquals(2, queue.heldPieces());
        assertEquals(30, queue.heldBytes());
        assertArrayEquals(concat(content(BASE + 10, 20, NEW), content(BASE + 30, 10, OLD)),
                drain(queue, BASE + 10));
    }

    @Test
    void segmentFillingTheHoleBetweenTwoPiecesTouchesBoth() {
        offer(queue, BASE, BASE + 10, 10, OLD);
        offer(queue, BASE, BASE + 30, 10, OLD);

        assertEquals(OfferOutcome.STORED, offer(queue, BASE, BASE + 20, 10, NEW));

        assertEquals(3, queue.heldPieces());
        assertEquals(1, queue.rangeCount());
        assertArrayEquals(concat(content(BASE + 10, 10, OLD), content(BASE + 20, 10, NEW), content(BASE + 30, 10, OLD)),
                drain(queue, BASE + 10));
    }

    @Test
    void segmentSpanningPiecesAndHolesKeepsEachByteOnce() {
        offer(queue, BASE, BASE + 10, 2, OLD);
        offer(queue, BASE, BASE + 14, 2, OLD);
        offer(queue, BASE, BASE + 18, 2, OLD);
        offer(queue, BASE, BASE + 30, 10, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, BASE, BASE + 11, 24, NEW));

        assertEquals(3, queue.heldPieces());
        assertEquals(30, queue.heldBytes());
        assertArrayEquals(concat(content(BASE + 10, 1, OLD), content(BASE + 11, 24, NEW), content(BASE + 35, 5, OLD)),
                drain(queue, BASE + 10));
    }

    @Test
    void overlapsAcrossTheWrapKeepEachByteOnce() {
        int rcvNxt = 0xFFFFFF00;
        offer(queue, rcvNxt, 0xFFFFFFF0, 0x20, OLD);
        offer(queue, rcvNxt, 0x00000020, 0x10, OLD);

        assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, rcvNxt, 0xFFFFFFF8, 0x30, NEW));

        assertEquals(0x40, queue.heldBytes());
        assertArrayEquals(concat(content(0xFFFFFFF0, 8, OLD), content(0xFFFFFFF8, 0x30, NEW), content(0x28, 8, OLD)),
                drain(queue, 0xFFFFFFF0));
    }

    @Test
    void everyOverlapShapeOfOneStreamDeliversItExactlyOnce() {
        int rcvNxt = BASE;
        int[][] segments = {{100, 50}, {120, 10}, {90, 70}, {150, 40}, {170, 5}, {60, 20}, {40, 30},
                            {185, 15}, {10, 190}, {200, 1}, {1, 9}, {1, 9}};
        for (int[] segment : segments) {
            offer(queue, rcvNxt, BASE + segment[0], segment[1], OLD);
        }

        assertEquals(1, queue.rangeCount());
        assertEquals(200, queue.heldBytes());
        assertArrayEquals(content(BASE + 1, 200, OLD), drain(queue, BASE + 1));
    }
}
