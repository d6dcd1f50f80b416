package io.usertcp.tcp.output;

import io.netty.buffer.ByteBuf;

/**
 * The data of one connection from SND.UNA on: sent but unacknowledged, then not yet sent. Holds the
 * application's buffers as written (ownership passes on {@link #append}) in a ring, and copies from them
 * into outbound frames, so a byte is copied once per transmission. Acknowledged buffers are released.
 *
 * <p>Allocates only when the ring grows (it doubles); owned by the connection's event loop.
 */
public final class SendBuffer {
    private static final int INITIAL_SLOTS = 8;

    private ByteBuf[] ring = new ByteBuf[INITIAL_SLOTS];
    private int head;
    private int count;
    private int bytes;

    /** Takes ownership of {@code data}'s readable bytes; an empty buffer is released at once. */
    public void append(ByteBuf data) {
        if (!data.isReadable()) {
            data.release();
            return;
        }
        if (count == ring.length) {
            grow();
        }
        ring[(head + count) & (ring.length - 1)] = data;
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

    /**
     * Copies {@code length} bytes starting {@code offset} bytes after SND.UNA to {@code target}'s writer
     * index. The range must lie within {@link #size()}.
     */
    public void copyTo(int offset, int length, ByteBuf target) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + bytes);
        }
        int skip = offset;
        int left = length;
        for (int i = 0; i < count && left > 0; i++) {
            ByteBuf chunk = ring[(head + i) & (ring.length - 1)];
            int readable = chunk.readableBytes();
            if (skip >= readable) {
                skip -= readable;
                continue;
            }
            int take = Math.min(readable - skip, left);
            target.writeBytes(chunk, chunk.readerIndex() + skip, take);
            left -= take;
            skip = 0;
        }
    }

    /** Drops the first {@code acknowledged} bytes (SND.UNA moved), releasing buffers wholly acknowledged. */
    public void acknowledge(int acknowledged) {
        int left = Math.min(acknowledged, bytes);
        bytes -= left;
        while (left > 0) {
            ByteBuf chunk = ring[head];
            int readable = chunk.readableBytes();
            if (readable > left) {
                chunk.skipBytes(left);
                return;
            }
            left -= readable;
            chunk.release();
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            count--;
        }
    }

    /** Releases everything held. */
    public void clear() {
        while (count > 0) {
            ring[head].release();
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            count--;
        }
        bytes = 0;
    }

    private void grow() {
        ByteBuf[] larger = new ByteBuf[ring.length * 2];
        for (int i = 0; i < count; i++) {
            larger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = larger;
        head = 0;
    }
}
