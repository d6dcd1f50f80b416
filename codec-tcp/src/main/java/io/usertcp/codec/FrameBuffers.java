package io.usertcp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Allocates outbound frame buffers with headroom, so one pooled direct buffer carries a segment from
 * TCP down to the device: payload is written at the reader index, then each layer prepends its header
 * by moving the reader index back ({@code TcpSegmentWriter}, then IPv4, then Ethernet). Nothing is
 * copied on the way down.
 */
public final class FrameBuffers {
    /** virtio_net_hdr (10 bytes, with IFF_VNET_HDR) rounded up to keep the Ethernet header 2-byte aligned. */
    public static final int DEVICE_HEADROOM = 12;
    /** Ethernet II header without FCS. */
    public static final int ETHERNET_HEADER = 14;
    /** Largest IPv4 header (IHL 15). */
    public static final int MAX_IPV4_HEADER = 60;
    /** Largest TCP header (data offset 15). */
    public static final int MAX_TCP_HEADER = 60;
    /** Room reserved in front of the payload of every outbound frame. */
    public static final int HEADROOM = DEVICE_HEADROOM + ETHERNET_HEADER + MAX_IPV4_HEADER + MAX_TCP_HEADER;

    private final ByteBufAllocator allocator;

    public FrameBuffers(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * A direct buffer with {@link #HEADROOM} reserved and room for {@code payloadCapacity} bytes;
     * reader and writer index both stand at the end of the headroom.
     */
    public ByteBuf allocate(int payloadCapacity) {
        ByteBuf buf = allocator.directBuffer(HEADROOM + payloadCapacity);
        buf.setIndex(HEADROOM, HEADROOM);
        return buf;
    }

    /**
     * Moves the reader index back by {@code headerLength} to make room for a header and returns the index
     * where it starts.
     *
     * @throws IllegalStateException if the headroom is used up, a programming error in the caller
     */
    public static int prepend(ByteBuf buf, int headerLength) {
        int start = buf.readerIndex() - headerLength;
        if (start < 0) {
            throw new IllegalStateException("no headroom for a " + headerLength + "-byte header: reader index "
                    + buf.readerIndex());
        }
        buf.readerIndex(start);
        return start;
    }
}
