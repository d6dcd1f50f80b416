package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.util.SplittableRandom;

/**
 * A fuzz input copied into a buffer of one of the kinds the decoders may meet: pooled direct (what the
 * TAP read path uses), pooled heap, a slice starting at an odd address, or a region inside a larger
 * buffer with unrelated bytes around it. The exact-size kinds and the slice end where the frame ends,
 * so a read past the frame throws; inside a larger buffer, the decode chain's region checks catch it.
 * Closing releases the buffer.
 */
final class PlacedFrame implements AutoCloseable {
    enum Kind {
        DIRECT, HEAP, ODD_OFFSET_SLICE, INSIDE_LARGER_BUFFER
    }

    private static final int MAX_SURROUNDING = 40;

    private final ByteBuf tracked;
    private final Kind kind;
    /** The buffer the decoders read. */
    final ByteBuf buf;
    /** Where the frame starts in {@link #buf}. */
    final int offset;
    final int length;

    private PlacedFrame(ByteBuf tracked, Kind kind, ByteBuf buf, int offset, int length) {
        this.tracked = tracked;
        this.kind = kind;
        this.buf = buf;
        this.offset = offset;
        this.length = length;
    }

    /** Copies the first {@code length} bytes of {@code frame} into a freshly allocated buffer of a random kind. */
    static PlacedFrame place(ByteBuf frame, int length, SplittableRandom random) {
        PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        int choice = random.nextInt(5);
        if (choice < 3) {
            ByteBuf tracked = choice < 2
                    ? allocator.directBuffer(length, length) : allocator.heapBuffer(length, length);
            ByteBuf buf = beneathLeakTracking(tracked).writeBytes(frame, 0, length);
            return new PlacedFrame(tracked, choice < 2 ? Kind.DIRECT : Kind.HEAP, buf, 0, length);
        }
        int before = choice == 3 ? 1 + 2 * random.nextInt(MAX_SURROUNDING / 2) : random.nextInt(MAX_SURROUNDING);
        int after = random.nextInt(MAX_SURROUNDING);
        ByteBuf tracked = allocator.directBuffer(before + length + after);
        ByteBuf buf = beneathLeakTracking(tracked);
        fill(buf, before, random);
        buf.writeBytes(frame, 0, length);
        fill(buf, after, random);
        if (choice == 3) {
            return new PlacedFrame(tracked, Kind.ODD_OFFSET_SLICE, buf.slice(before, length), 0, length);
        }
        return new PlacedFrame(tracked, Kind.INSIDE_LARGER_BUFFER, buf, before, length);
    }

    /**
     * At PARANOID, Netty records a stack trace on every access through the leak-tracking wrapper; a fuzz
     * run reads millions of fields, which would take minutes. The input is written and the decoders read
     * through the buffer beneath it, while allocation and release still go through the wrapper, so a
     * leak still fails the test.
     */
    private static ByteBuf beneathLeakTracking(ByteBuf tracked) {
        ByteBuf inner = tracked.unwrap();
        return inner != null ? inner : tracked;
    }

    private static void fill(ByteBuf buf, int count, SplittableRandom random) {
        for (int i = 0; i < count; i++) {
            buf.writeByte(random.nextInt(0x100));
        }
    }

    /** The frame's bytes as they are now (after any in-place repair), with the buffer kind and position. */
    String describe() {
        return kind + " buffer, frame at " + offset + ", " + length + " bytes: "
                + ByteBufUtil.hexDump(buf, offset, length);
    }

    @Override
    public void close() {
        tracked.release();
    }
}
