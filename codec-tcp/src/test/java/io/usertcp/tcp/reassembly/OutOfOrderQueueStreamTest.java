package io.usertcp.tcp.reassembly;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.usertcp.tcp.reassembly.Segments.NEAR_WRAP;
import static io.usertcp.tcp.reassembly.Segments.assertConsistent;
import static io.usertcp.tcp.reassembly.Segments.frame;
import static io.usertcp.tcp.reassembly.Segments.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded end-to-end runs: a random 1 MiB stream starting near 2^32, cut into random segments that are
 * shuffled, duplicated and overlapped, reaches a simple receiver that delivers data at RCV.NXT directly,
 * queues the rest and drains the queue after every arrival. The delivered stream must equal the original
 * byte for byte.
 */
class OutOfOrderQueueStreamTest {
    private static final int STREAM_LENGTH = 1 << 20;
    private static final int ISN = NEAR_WRAP;

    /** One segment: [offset, offset + length) of the stream. */
    private record Segment(int offset, int length) {
    }

    /** The receiving end of a connection, with the queue under test. */
    private static final class Receiver {
        final OutOfOrderQueue queue;
        final byte[] received = new byte[STREAM_LENGTH];
        int rcvNxt = ISN;
        int delivered;

        Receiver(OutOfOrderQueue queue) {
            this.queue = queue;
        }

        void arrive(int seq, ByteBuf payload) {
            int offset = seq - rcvNxt;
            int length = payload.readableBytes();
            if (offset <= 0 && offset + length > 0) {
                deliver(payload, -offset);
            } else if (offset > 0) {
                OfferOutcome outcome = queue.offer(rcvNxt, seq, payload);
                if (outcome == OfferOutcome.STORED || outcome == OfferOutcome.PARTLY_STORED) {
                    assertNotEquals(-1, queue.rangeOfLastOffer(), "the newest segment is in a range");
                }
            }
            for (ByteBuf piece; (piece = queue.poll(rcvNxt)) != null; ) {
                try {
                    deliver(piece, 0);
                } finally {
                    piece.release();
                }
            }
            assertConsistent(queue, rcvNxt);
        }

        private void deliver(ByteBuf data, int skip) {
            int length = data.readableBytes() - skip;
            data.getBytes(data.readerIndex() + skip, received, rcvNxt - ISN, length);
            rcvNxt += length;
            delivered += length;
        }

        boolean complete() {
            return rcvNxt == ISN + STREAM_LENGTH;
        }
    }

    private static byte[] randomStream(Random random) {
        byte[] stream = new byte[STREAM_LENGTH];
        random.nextBytes(stream);
        return stream;
    }

    /**
     * Cuts [from, to) into segments of random size (some tiny), then adds overlapping segments at random
     * places and duplicates of some segments, and shuffles them all.
     */
    private static List<Segment> segmentsOf(Random random, int from, int to) {
        List<Segment> segments = new ArrayList<>();
        for (int offset = from; offset < to; ) {
            int wanted = random.nextInt(10) == 0 ? 1 + random.nextInt(16) : 1 + random.nextInt(2000);
            int length = Math.min(to - offset, wanted);
            segments.add(new Segment(offset, length));
            offset += length;
        }
        int cuts = segments.size();
        for (int i = 0; i < cuts / 2; i++) {
            int offset = from + random.nextInt(to - from);
            segments.add(new Segment(offset, Math.min(to - offset, 1 + random.nextInt(4000))));
        }
        for (int i = 0; i < cuts / 10; i++) {
            segments.add(segments.get(random.nextInt(cuts)));
        }
        Collections.shuffle(segments, random);
        return segments;
    }

    private static void send(Receiver receiver, byte[] stream, Segment segment) {
        ByteBuf frame = frame(stream, segment.offset(), segment.length());
        try {
            receiver.arrive(ISN + segment.offset(), payload(frame));
        } finally {
            frame.release();
        }
    }

    @Test
    void shuffledOverlappingSegmentsOfAOneMebibyteStreamArriveExact() {
        Random random = new Random(9293);
        byte[] stream = randomStream(random);
        Receiver receiver = new Receiver(new OutOfOrderQueue(4 * STREAM_LENGTH, 1 << 14));
        try {
            for (Segment segment : segmentsOf(random, 0, STREAM_LENGTH)) {
                send(receiver, stream, segment);
            }

            assertTrue(receiver.complete());
            assertEquals(STREAM_LENGTH, receiver.delivered);
            assertArrayEquals(stream, receiver.received);
            assertEquals(0, receiver.queue.refusedOffers());
            assertTrue(receiver.queue.isEmpty());
        } finally {
            receiver.queue.clear();
        }
    }

    @Test
    void smallCapsWithRetransmissionStillDeliverTheExactStream() {
        Random random = new Random(2018);
        byte[] stream = randomStream(random);
        Receiver receiver = new Receiver(new OutOfOrderQueue(16 * 1024, 8));
        int window = 64 * 1024;
        int rounds = 0;
        try {
            // each round the sender sends its whole window again, reordered: the segment at RCV.NXT is
            // always among them, so every round makes progress
            while (!receiver.complete()) {
                assertTrue(++rounds <= STREAM_LENGTH / 16, "no progress");
                int from = receiver.rcvNxt - ISN;
                for (Segment segment : segmentsOf(random, from, Math.min(STREAM_LENGTH, from + window))) {
                    send(receiver, stream, segment);
                }
            }

            assertEquals(STREAM_LENGTH, receiver.delivered);
            assertArrayEquals(stream, receiver.received);
            assertTrue(receiver.queue.refusedOffers() > 0, "the caps were hit");
            assertTrue(receiver.queue.prunedPieces() > 0, "data was pruned");
            assertTrue(receiver.queue.isEmpty());
        } finally {
            receiver.queue.clear();
        }
    }

    @Test
    void hostileOffersNeverBreakTheQueue() {
        Random random = new Random(5961);
        OutOfOrderQueue queue = new OutOfOrderQueue(3000, 16);
        int rcvNxt = ISN;
        try {
            for (int i = 0; i < 20_000; i++) {
                int choice = random.nextInt(10);
                if (choice == 0) {
                    rcvNxt = random.nextInt();
                } else if (choice < 3) {
                    rcvNxt += random.nextInt(200);
                }
                int seq = random.nextBoolean() ? random.nextInt() : rcvNxt + random.nextInt(4000) - 500;
                int length = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(1500);
                ByteBuf frame = Segments.frame(seq, length, 0);
                try {
                    queue.offer(rcvNxt, seq, payload(frame));
                } finally {
                    frame.release();
                }
                assertConsistent(queue, rcvNxt);
                for (ByteBuf piece; (piece = queue.poll(rcvNxt)) != null; ) {
                    rcvNxt += piece.readableBytes();
                    piece.release();
                }
                assertConsistent(queue, rcvNxt);
            }
        } finally {
            queue.clear();
        }
    }
}
