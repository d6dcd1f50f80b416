package io.usertcp.tcp.reassembly;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.usertcp.tcp.reassembly.Segments.NEAR_WRAP;
import static io.usertcp.tcp.reassembly.Segments.assertConsistent;
import static io.usertcp.tcp.reassembly.Segments.content;
import static io.usertcp.tcp.reassembly.Segments.drain;
import static io.usertcp.tcp.reassembly.Segments.frame;
import static io.usertcp.tcp.reassembly.Segments.offer;
import static io.usertcp.tcp.reassembly.Segments.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte and piece caps, pruning from the right, the reach limit, and floods of one-byte holes. */
class OutOfOrderQueueCapsTest {
    private static final int RCV_NXT = NEAR_WRAP;
    private static final int ATTACK_SEGMENTS = 10_000;

    private static OutOfOrderQueue queue(int maxBytes, int maxPieces) {
        return new OutOfOrderQueue(maxBytes, maxPieces);
    }

    @Test
    void byteCapRefusesDataAboveAFullQueue() {
        OutOfOrderQueue queue = queue(100, 64);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 10, 100);

            assertEquals(OfferOutcome.REFUSED, offer(queue, RCV_NXT, RCV_NXT + 200, 10));

            assertEquals(1, queue.refusedOffers());
            assertEquals(10, queue.refusedBytes());
            assertEquals(0, queue.prunedBytes());
            assertEquals(100, queue.heldBytes());
        } finally {
            queue.clear();
        }
    }

    @Test
    void pieceCapRefusesDataAboveAFullQueue() {
        OutOfOrderQueue queue = queue(1000, 2);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 10, 1);
            offer(queue, RCV_NXT, RCV_NXT + 20, 1);

            assertEquals(OfferOutcome.REFUSED, offer(queue, RCV_NXT, RCV_NXT + 30, 1));

            assertEquals(1, queue.refusedOffers());
            assertEquals(2, queue.heldPieces());
        } finally {
            queue.clear();
        }
    }

    @Test
    void lowerDataPrunesTheHighestPiece() {
        OutOfOrderQueue queue = queue(1000, 2);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 100, 10);
            offer(queue, RCV_NXT, RCV_NXT + 200, 10);

            assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 10));

            assertEquals(1, queue.prunedPieces());
            assertEquals(10, queue.prunedBytes());
            assertEquals(0, queue.refusedOffers());
            assertEquals(2, queue.rangeCount());
            assertEquals(RCV_NXT + 10, queue.rangeStart(0));
            assertEquals(RCV_NXT + 110, queue.rangeEnd(1));
        } finally {
            queue.clear();
        }
    }

    @Test
    void pruningTakesOnlyWhatTheLowerSegmentNeeds() {
        OutOfOrderQueue queue = queue(30, 64);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 100, 10);
            offer(queue, RCV_NXT, RCV_NXT + 200, 10);
            offer(queue, RCV_NXT, RCV_NXT + 300, 10);

            assertEquals(OfferOutcome.STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 10));

            assertEquals(1, queue.prunedPieces());
            assertEquals(30, queue.heldBytes());
            assertEquals(RCV_NXT + 210, queue.rangeEnd(queue.rangeCount() - 1));
        } finally {
            queue.clear();
        }
    }

    @Test
    void prefixThatFitsTheByteCapIsStored() {
        OutOfOrderQueue queue = queue(50, 64);
        try {
            assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 100));

            assertEquals(50, queue.heldBytes());
            assertEquals(50, queue.refusedBytes());
            assertEquals(1, queue.refusedOffers());
            assertEquals(RCV_NXT + 60, queue.rangeEnd(0));
            assertArrayEquals(content(RCV_NXT + 10, 50, 0), drain(queue, RCV_NXT + 10));
        } finally {
            queue.clear();
        }
    }

    @Test
    void prefixCountsOnlyNewBytesAgainstTheByteCap() {
        OutOfOrderQueue queue = queue(30, 64);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 20, 10);

            // 40 bytes of which 10 are held: room for 20 new ones reaches to +40
            assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 40));

            assertEquals(30, queue.heldBytes());
            assertEquals(10, queue.refusedBytes());
            assertEquals(RCV_NXT + 10, queue.rangeStart(0));
            assertEquals(RCV_NXT + 40, queue.rangeEnd(0));
        } finally {
            queue.clear();
        }
    }

    @Test
    void lowerSegmentLargerThanTheRoomPrunesAboveAndKeepsAPrefix() {
        OutOfOrderQueue queue = queue(30, 64);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 100, 30);

            assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 40));

            assertEquals(30, queue.prunedBytes());
            assertEquals(10, queue.refusedBytes());
            assertEquals(1, queue.rangeCount());
            assertEquals(RCV_NXT + 40, queue.rangeEnd(0));
        } finally {
            queue.clear();
        }
    }

    @Test
    void coveringSegmentFitsAFullPieceCapByReplacing() {
        OutOfOrderQueue queue = queue(1000, 2);
        try {
            offer(queue, RCV_NXT, RCV_NXT + 10, 1);
            offer(queue, RCV_NXT, RCV_NXT + 12, 1);

            assertEquals(OfferOutcome.PARTLY_STORED, offer(queue, RCV_NXT, RCV_NXT + 10, 10));

            assertEquals(1, queue.heldPieces());
            assertEquals(0, queue.refusedOffers());
            assertEquals(0, queue.prunedPieces());
        } finally {
            queue.clear();
        }
    }

    @Test
    void dataBeyondReachIsRefused() {
        OutOfOrderQueue queue = queue(1000, 64);

        assertEquals(OfferOutcome.REFUSED, offer(queue, RCV_NXT, RCV_NXT + OutOfOrderQueue.MAX_REACH, 10));

        assertEquals(10, queue.refusedBytes());
        assertTrue(queue.isEmpty());
    }

    @Test
    void dataStraddlingTheReachKeepsThePartWithin() {
        OutOfOrderQueue queue = queue(1000, 64);
        try {
            assertEquals(OfferOutcome.PARTLY_STORED,
                    offer(queue, RCV_NXT, RCV_NXT + OutOfOrderQueue.MAX_REACH - 4, 10));

            assertEquals(4, queue.heldBytes());
            assertEquals(6, queue.refusedBytes());
        } finally {
            queue.clear();
        }
    }

    @Test
    void rcvNxtJumpingFarAheadReleasesHeldDataInsteadOfMisorderingIt() {
        OutOfOrderQueue queue = queue(1000, 64);
        ByteBuf held = frame(RCV_NXT + 10, 10, 0);
        try {
            queue.offer(RCV_NXT, RCV_NXT + 10, payload(held));
            int jumped = RCV_NXT + 0x80000010;

            assertEquals(OfferOutcome.STORED, offer(queue, jumped, jumped + 5, 5));

            assertEquals(1, held.refCnt());
            assertEquals(5, queue.heldBytes());
            assertConsistent(queue, jumped);
        } finally {
            held.release();
            queue.clear();
        }
    }

    @Test
    void rcvNxtMovingFarBackReleasesHeldDataInsteadOfMisorderingIt() {
        OutOfOrderQueue queue = queue(1000, 64);
        ByteBuf held = frame(RCV_NXT + 10, 10, 0);
        try {
            queue.offer(RCV_NXT, RCV_NXT + 10, payload(held));
            int moved = RCV_NXT - 0x50000000;

            assertEquals(OfferOutcome.STORED, offer(queue, moved, moved + 5, 5));

            assertEquals(1, held.refCnt());
            assertEquals(5, queue.heldBytes());
            assertConsistent(queue, moved);
        } finally {
            held.release();
            queue.clear();
        }
    }

    @Test
    void ascendingOneByteHolesStayUnderThePieceCapAndAreRefused() {
        OutOfOrderQueue queue = queue(4096, 64);
        try {
            for (int i = 0; i < ATTACK_SEGMENTS; i++) {
                offer(queue, RCV_NXT, RCV_NXT + 1 + 2 * i, 1);
                assertUnderCaps(queue);
            }

            assertEquals(64, queue.heldPieces());
            assertEquals(ATTACK_SEGMENTS - 64, queue.refusedOffers());
            assertEquals(0, queue.prunedPieces());
            assertEquals(RCV_NXT + 1 + 2 * 63, queue.rangeStart(63));
        } finally {
            queue.clear();
        }
    }

    @Test
    void descendingOneByteHolesStayUnderThePieceCapByPruning() {
        OutOfOrderQueue queue = queue(4096, 64);
        try {
            for (int i = ATTACK_SEGMENTS - 1; i >= 0; i--) {
                offer(queue, RCV_NXT, RCV_NXT + 1 + 2 * i, 1);
                assertUnderCaps(queue);
            }

            assertEquals(64, queue.heldPieces());
            assertEquals(ATTACK_SEGMENTS - 64, queue.prunedPieces());
            assertEquals(0, queue.refusedOffers());
            assertEquals(RCV_NXT + 1, queue.rangeStart(0));
            assertEquals(RCV_NXT + 1 + 2 * 63, queue.rangeStart(63));
        } finally {
            queue.clear();
        }
    }

    @Test
    void shuffledOneByteHolesKeepTheLowestDataUnderTheByteCap() {
        OutOfOrderQueue queue = queue(50, 64);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ATTACK_SEGMENTS; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(11477));
        try {
            for (int i : order) {
                offer(queue, RCV_NXT, RCV_NXT + 1 + 2 * i, 1);
                assertUnderCaps(queue);
            }

            // pruning from the right leaves exactly the 50 lowest pieces whatever the arrival order
            assertEquals(50, queue.heldBytes());
            assertEquals(RCV_NXT + 1, queue.rangeStart(0));
            assertEquals(RCV_NXT + 1 + 2 * 49, queue.rangeStart(49));
            assertEquals(ATTACK_SEGMENTS - 50, queue.refusedOffers() + queue.prunedPieces());
        } finally {
            queue.clear();
        }
    }

    @Test
    void streamIsExactOnceOneByteHolesFill() {
        OutOfOrderQueue queue = queue(4096, 64);
        int length = 2 * ATTACK_SEGMENTS + 1;
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        int rcvNxt = RCV_NXT;
        try {
            for (int i = 0; i < ATTACK_SEGMENTS; i++) {
                offer(queue, rcvNxt, RCV_NXT + 1 + 2 * i, 1);
            }
            // the holes arrive in order, then the sender retransmits everything in 500-byte segments
            for (int i = 0; i <= ATTACK_SEGMENTS; i++) {
                rcvNxt = arrive(queue, rcvNxt, RCV_NXT + 2 * i, 1, delivered);
            }
            for (int offset = 0; offset < length; offset += 500) {
                rcvNxt = arrive(queue, rcvNxt, RCV_NXT + offset, Math.min(500, length - offset), delivered);
            }

            assertEquals(RCV_NXT + length, rcvNxt);
            assertArrayEquals(content(RCV_NXT, length, 0), delivered.toByteArray());
            assertTrue(queue.isEmpty());
        } finally {
            queue.clear();
        }
    }

    /** A receiver: data at RCV.NXT is delivered directly, later data is queued, then the queue is drained. */
    private static int arrive(OutOfOrderQueue queue, int rcvNxt, int seq, int length, ByteArrayOutputStream delivered) {
        if (seq - rcvNxt <= 0 && seq + length - rcvNxt > 0) {
            int skip = rcvNxt - seq;
            delivered.writeBytes(content(rcvNxt, length - skip, 0));
            rcvNxt = seq + length;
        } else if (seq - rcvNxt > 0) {
            offer(queue, rcvNxt, seq, length);
        }
        byte[] queued = drain(queue, rcvNxt);
        delivered.writeBytes(queued);
        return rcvNxt + queued.length;
    }

    private static void assertUnderCaps(OutOfOrderQueue queue) {
        assertTrue(queue.heldPieces() <= queue.maxPieces(), "pieces");
        assertTrue(queue.heldBytes() <= queue.maxBytes(), "bytes");
        assertTrue(queue.allocatedSlots() <= queue.maxPieces(), "slots");
    }
}
