package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;

import java.util.Objects;

/**
 * A reusable view of an Ethernet II frame as a TAP device delivers it: destination, source and
 * EtherType, no preamble and no FCS. Fields are read in place from the buffer; the view never retains,
 * releases or modifies it and never moves its indexes. One instance per event loop, not thread-safe.
 *
 * <p>Which EtherTypes the stack accepts and whether the frame is addressed to us are decided by the
 * layer that uses this view; the view only rejects what it cannot describe (a VLAN tag shifts the
 * EtherType and every later offset).
 */
public final class EthernetFrame {
    /** Destination, source and EtherType. */
    public static final int HEADER_LENGTH = FrameBuffers.ETHERNET_HEADER;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    /** IEEE 802.1Q customer VLAN tag. */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** IEEE 802.1ad service VLAN tag (the outer tag of Q-in-Q). */
    public static final int ETHERTYPE_SERVICE_VLAN = 0x88A8;

    static final int SOURCE_OFFSET = 6;
    static final int ETHERTYPE_OFFSET = 12;

    private ByteBuf buf;
    private int offset;
    private int length;

    /**
     * Points this view at the {@code length} bytes at {@code offset} and validates them.
     *
     * @return null when the frame is usable, otherwise why it must be dropped
     * @throws IndexOutOfBoundsException if the region lies outside the buffer's written bytes, a bug in
     *                                   the caller rather than bad input
     */
    public DropReason wrap(ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.writerIndex());
        this.buf = null;
        if (length < HEADER_LENGTH) {
            return DropReason.TRUNCATED;
        }
        int etherType = buf.getUnsignedShort(offset + ETHERTYPE_OFFSET);
        if (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_SERVICE_VLAN) {
            return DropReason.VLAN_TAGGED;
        }
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        return null;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first header byte. */
    public int offset() {
        return offset;
    }

    /** Header plus payload, including any trailing padding the sender added. */
    public int length() {
        return length;
    }

    public long destination() {
        return MacAddress.read(buf, offset);
    }

    public long source() {
        return MacAddress.read(buf, offset + SOURCE_OFFSET);
    }

    public int etherType() {
        return buf.getUnsignedShort(offset + ETHERTYPE_OFFSET);
    }

    /** Absolute index of the first byte after the header. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Bytes after the header; the upper layer trims the minimum-frame padding by its own length field. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }
}
