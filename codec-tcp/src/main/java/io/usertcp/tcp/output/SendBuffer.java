package io.usertcp.tcp.output;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;

/**
 * The data of one connection from SND.UNA on: sent but unacknowledged, then not yet sent. Holds the
 * application's buffers as written (ownership passes on {@link #append}) in a ring, and copies from them
 * into outbound frames, so a byte is copied once per transmission. Acknowledged buffers are released.
 *
 * <p>The ring keeps its own start index and length for each buffer and never moves a buffer's reader index, so
 * the same buffer written twice (each write with its own reference, as Netty's ownership rule asks) is simply
 * sent twice, as a socket would, and the two writes cannot disturb each other's bookkeeping. A release that
 * finds the buffer already freed (one reference passed for two writes) is logged, not thrown, as Netty's own
 * outbound buffer does, so acknowledgment processing never fails on the application's mistake; a copy from
 * such a buffer fails with a clear {@link IllegalReferenceCountException}.
 *
 * <p>Copies mostly move forward (new data, then retransmissions from the lowest hole up), so the ring
 * remembers where the last copy ended and starts the next search there when it lies beyond: sending a window
 * costs the buffers it touches, not a walk from SND.UNA over every small write per segment.
 *
 * <p>Allocates only when the ring grows (it doubles); owned by the connection's event loop.
 */
public final class SendBuffer {
    private static final int INITIAL_SLOTS = 8;

    private ByteBuf[] ring = new ByteBuf[INITIAL_SLOTS];
    /** Index in each buffer of its first byte still held, and how many of its bytes are held. */
    private int[] starts = new int[INITIAL_SLOTS];
    private int[] lengths = new int[INITIAL_SLOTS];
    private int head;
    private int count;
    private int bytes;

    /** A buffer position to resume searches from: buffer {@code cursorIndex} (from the head) starts at byte {@code cursorOffset}. */
    private int cursorIndex;
    private int cursorOffset;

    /** Takes ownership of {@code data}'s readable bytes; an empty buffer is released at once. */
    public void append(ByteBuf data) {
        if (!data.isReadable()) {
            data.release();
            return;
        }
        if (count == ring.length) {
            grow();
        }
        int slot = (head + count) & (ring.length - 1);
        ring[slot] = data;
        starts[slot] = data.readerIndex();
        lengths[slot] = data.readableBytes();
        count++;
        bytes += data.readableBytes();
    }

    /** Bytes held, unacknowledged and unsent together. */
    public int size() {
        return bytes;
    }

    public boolean isEmpty() {
        return bytes == 0;
    }

    /** Buffers held: one per write not yet wholly acknowledged. */
    public int bufferCount() {
        return count;
    }

    /**
     * Copies {@code length} bytes starting {@code offset} bytes after SND.UNA to {@code target}'s writer
     * index. The range must lie within {@link #size()}.
     */
    public void copyTo(int offset, int length, ByteBuf target) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + bytes);
        }
        int index = 0;
        int chunkOffset = 0;
        if (offset >= cursorOffset && cursorIndex < count) {
            index = cursorIndex;
            chunkOffset = cursorOffset;
        }
        int left = length;
        while (index < count) {
            int slot = (head + index) & (ring.length - 1);
            int held = lengths[slot];
            if (offset < chunkOffset + held) {
                if (left == 0) {
                    break;
                }
                ByteBuf chunk = ring[slot];
                if (chunk.refCnt() == 0) {
                    throw new IllegalReferenceCountException("a buffer written to the connection was freed before it "
                            + "was acknowledged (written twice with one reference?)");
                }
                int skip = Math.max(0, offset - chunkOffset);
                int take = Math.min(held - skip, left);
                target.writeBytes(chunk, starts[slot] + skip, take);
                left -= take;
                offset += take;
                if (left == 0 && offset < chunkOffset + held) {
                    break;
                }
            }
            chunkOffset += held;
            index++;
        }
        cursorIndex = index;
        cursorOffset = chunkOffset;
    }

    /** Drops the first {@code acknowledged} bytes (SND.UNA moved), releasing buffers wholly acknowledged. */
    public void acknowledge(int acknowledged) {
        int left = Math.min(acknowledged, bytes);
        bytes -= left;
        while (left > 0) {
            int held = lengths[head];
            if (held > left) {
                starts[head] += left;
                lengths[head] = held - left;
                moveCursorBack(0, left);
                return;
            }
            left -= held;
            moveCursorBack(1, held);
            release(head);
            head = (head + 1) & (ring.length - 1);
            count--;
        }
    }

    /** The head moved on by {@code buffers} buffers and {@code acknowledgedBytes} bytes: the cursor follows. */
    private void moveCursorBack(int buffers, int acknowledgedBytes) {
        if (cursorIndex >= buffers && cursorOffset >= acknowledgedBytes) {
            cursorIndex -= buffers;
            cursorOffset -= acknowledgedBytes;
        } else {
            cursorIndex = 0;
            cursorOffset = 0;
        }
    }

    /** Releases everything held. */
    public void clear() {
        while (count > 0) {
            release(head);
            head = (head + 1) & (ring.length - 1);
            count--;
        }
        bytes = 0;
        cursorIndex = 0;
        cursorOffset = 0;
    }

    private void release(int slot) {
        ReferenceCountUtil.safeRelease(ring[slot]);
        ring[slot] = null;
    }

    private void grow() {
        int slots = ring.length * 2;
        ByteBuf[] largerRing = new ByteBuf[slots];
        int[] largerStarts = new int[slots];
        int[] largerLengths = new int[slots];
        for (int i = 0; i < count; i++) {
            int slot = (head + i) & (ring.length - 1);
            largerRing[i] = ring[slot];
            largerStarts[i] = starts[slot];
            largerLengths[i] = lengths[slot];
        }
        ring = largerRing;
        starts = largerStarts;
        lengths = largerLengths;
        head = 0;
    }
}
