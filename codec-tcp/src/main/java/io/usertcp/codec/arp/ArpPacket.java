package io.usertcp.codec.arp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.MacAddress;

import java.util.Objects;

/**
 * A reusable view of an ARP packet (RFC 826) resolving IPv4 addresses to Ethernet addresses, the only
 * pairing the stack speaks. Fields are read in place from the buffer; the view never retains, releases
 * or modifies it and never moves its indexes. One instance per event loop, not thread-safe.
 */
public final class ArpPacket {
    /** The whole packet for Ethernet and IPv4: 8 fixed bytes, then two 6-byte and two 4-byte addresses. */
    public static final int LENGTH = 28;

    /** RFC 826 ar$hrd for Ethernet (IANA ARP hardware type 1). */
    public static final int HARDWARE_TYPE_ETHERNET = 1;
    public static final int OPERATION_REQUEST = 1;
    public static final int OPERATION_REPLY = 2;

    static final int FIXED_LENGTH = 8;
    static final int HARDWARE_TYPE_OFFSET = 0;
    static final int PROTOCOL_TYPE_OFFSET = 2;
    static final int HARDWARE_LENGTH_OFFSET = 4;
    static final int PROTOCOL_LENGTH_OFFSET = 5;
    static final int OPERATION_OFFSET = 6;
    static final int SENDER_MAC_OFFSET = 8;
    static final int SENDER_IP_OFFSET = 14;
    static final int TARGET_MAC_OFFSET = 18;
    static final int TARGET_IP_OFFSET = 24;
    static final int MAC_LENGTH = 6;
    static final int IPV4_LENGTH = 4;

    private ByteBuf buf;
    private int offset;

    /**
     * Points this view at the {@code length} bytes at {@code offset} (an Ethernet payload) and validates
     * them. Bytes after the 28 the packet needs are Ethernet padding and are ignored.
     *
     * @return null when the packet is usable, otherwise why it must be dropped
     * @throws IndexOutOfBoundsException if the region lies outside the buffer's written bytes, a bug in
     *                                   the caller rather than bad input
     */
    public DropReason wrap(ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.writerIndex());
        this.buf = null;
        // The address lengths in the fixed part decide how long the packet is, so check them first.
        if (length < FIXED_LENGTH) {
            return DropReason.TRUNCATED;
        }
        if (buf.getUnsignedShort(offset + HARDWARE_TYPE_OFFSET) != HARDWARE_TYPE_ETHERNET
                || buf.getUnsignedByte(offset + HARDWARE_LENGTH_OFFSET) != MAC_LENGTH) {
            return DropReason.ARP_UNSUPPORTED_HARDWARE;
        }
        if (buf.getUnsignedShort(offset + PROTOCOL_TYPE_OFFSET) != EthernetFrame.ETHERTYPE_IPV4
                || buf.getUnsignedByte(offset + PROTOCOL_LENGTH_OFFSET) != IPV4_LENGTH) {
            return DropReason.ARP_UNSUPPORTED_PROTOCOL;
        }
        int operation = buf.getUnsignedShort(offset + OPERATION_OFFSET);
        if (operation != OPERATION_REQUEST && operation != OPERATION_REPLY) {
            return DropReason.ARP_BAD_OPERATION;
        }
        if (length < LENGTH) {
            return DropReason.TRUNCATED;
        }
        this.buf = buf;
        this.offset = offset;
        return null;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first byte of the packet. */
    public int offset() {
        return offset;
    }

    /** Always {@link #LENGTH}: trailing Ethernet padding is not part of the packet. */
    public int length() {
        return LENGTH;
    }

    /** {@link #OPERATION_REQUEST} or {@link #OPERATION_REPLY}. */
    public int operation() {
        return buf.getUnsignedShort(offset + OPERATION_OFFSET);
    }

    public long senderMac() {
        return MacAddress.read(buf, offset + SENDER_MAC_OFFSET);
    }

    public int senderIp() {
        return buf.getInt(offset + SENDER_IP_OFFSET);
    }

    /** Zero in requests sent by Linux; RFC 826 leaves it unspecified in requests. */
    public long targetMac() {
        return MacAddress.read(buf, offset + TARGET_MAC_OFFSET);
    }

    public int targetIp() {
        return buf.getInt(offset + TARGET_IP_OFFSET);
    }
}
