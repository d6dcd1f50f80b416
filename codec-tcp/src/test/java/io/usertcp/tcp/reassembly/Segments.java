package io.usertcp.tcp.reassembly;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds received segments the way the stack sees them: payload at an offset inside a pooled direct
 * frame, behind header bytes, so stored slices really are slices of a bigger buffer. Content is a
 * function of the sequence number and a "copy" number, so a test can tell which copy of an overlapped
 * byte was delivered.
 */
final class Segments {
    /** Ethernet, IPv4 and TCP headers in front of the payload. */
    static final int HEADER_LENGTH = 14 + 20 + 20;
    /** lwIP's seed: the stream starts one MSS below 0xFFFFFF00, so it wraps 2^32 early. */
    static final int NEAR_WRAP = 0xFFFFFF00 - 1460;
    private static final byte[] HEADERS = new byte[HEADER_LENGTH];

    static {
        Arrays.fill(HEADERS, (byte) 0xEE);
    }

    private Segments() {
    }

    static byte contentAt(int seq, int copy) {
        return (byte) ((seq * 0x9E3779B1) >>> 24 ^ copy * 0x5B);
    }

    static byte[] content(int seq, int length, int copy) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = contentAt(seq + i, copy);
        }
        return bytes;
    }

    /** A frame with junk headers followed by {@code data[offset, offset + length)}. */
    static ByteBuf frame(byte[] data, int offset, int length) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(HEADER_LENGTH + length);
        return frame.writeBytes(HEADERS).writeBytes(data, offset, length);
    }

    static ByteBuf frame(int seq, int length, int copy) {
        return frame(content(seq, length, copy), 0, length);
    }

    /** The payload of a frame, a plain (not retained) slice: the frame keeps the only reference. */
    static ByteBuf payload(ByteBuf frame) {
        return frame.slice(HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH);
    }

    /** Offers copy {@code copy} of [seq, seq + length) and releases the test's own frame afterwards. */
    static OfferOutcome offer(OutOfOrderQueue queue, int rcvNxt, int seq, int length, int copy) {
        ByteBuf frame = frame(seq, length, copy);
        try {
            return queue.offer(rcvNxt, seq, payload(frame));
        } finally {
            frame.release();
        }
    }

    static OfferOutcome offer(OutOfOrderQueue queue, int rcvNxt, int seq, int length) {
        return offer(queue, rcvNxt, seq, length, 0);
    }

    /** Polls from {@code rcvNxt} until null and returns the delivered bytes, releasing every piece. */
    static byte[] drain(OutOfOrderQueue queue, int rcvNxt) {
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        for (ByteBuf piece; (piece = queue.poll(rcvNxt)) != null; ) {
            try {
                byte[] bytes = new byte[piece.readableBytes()];
                piece.getBytes(piece.readerIndex(), bytes);
                delivered.writeBytes(bytes);
                rcvNxt += bytes.length;
            } finally {
                piece.release();
            }
        }
        return delivered.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }

    /**
     * Checks what any observer may rely on: ranges in order, separated by holes, after RCV.NXT and within
     * reach, adding up to the held bytes, and the caps respected.
     */
    static void assertConsistent(OutOfOrderQueue queue, int rcvNxt) {
        assertTrue(queue.heldBytes() <= queue.maxBytes(), "byte cap");
        assertTrue(queue.heldPieces() <= queue.maxPieces(), "piece cap");
        long sum = 0;
        int previousEnd = rcvNxt;
        for (int i = 0; i < queue.rangeCount(); i++) {
            int start = queue.rangeStart(i);
            int end = queue.rangeEnd(i);
            assertTrue(i == 0 ? start - previousEnd >= 0 : start - previousEnd > 0, "range " + i + " order");
            assertTrue(end - start > 0, "range " + i + " empty");
            assertTrue(end - rcvNxt <= OutOfOrderQueue.MAX_REACH && end - rcvNxt > 0, "range " + i + " reach");
            sum += end - start;
            previousEnd = end;
        }
        assertEquals(queue.heldBytes(), sum, "ranges add up to the held bytes");
        assertEquals(queue.isEmpty(), queue.rangeCount() == 0);
    }
}
