package io.usertcp.codec.ipv4;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;

import java.util.Objects;

/**
 * A reusable view of an IPv4 datagram (RFC 791, RFC 1122 3.2.1). Fields are read in place from the
 * buffer; the view never retains, releases or modifies it and never moves its indexes. Options are
 * skipped by the header length, not parsed. One instance per event loop, not thread-safe.
 *
 * <p>{@link #wrap} is for received datagrams. {@link #wrapQuoted} is for the datagram an ICMP error
 * quotes, which is cut short on purpose.
 */
public final class Ipv4Packet {
    public static final int VERSION = 4;
    /** RFC 791 3.1: IHL 5, no options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The 16-bit total length field's limit. */
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;

    /** IANA protocol numbers. */
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    /** RFC 791 3.1: bits of the 16-bit flags and fragment offset field. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    static final int VERSION_AND_IHL_OFFSET = 0;
    static final int TYPE_OF_SERVICE_OFFSET = 1;
    static final int TOTAL_LENGTH_OFFSET = 2;
    static final int IDENTIFICATION_OFFSET = 4;
    static final int FLAGS_AND_FRAGMENT_OFFSET_OFFSET = 6;
    static final int TTL_OFFSET = 8;
    static final int PROTOCOL_OFFSET = 9;
    static final int CHECKSUM_OFFSET = 10;
    static final int SOURCE_OFFSET = 12;
    static final int DESTINATION_OFFSET = 16;

    private ByteBuf buf;
    private int offset;
    private int headerLength;
    private int length;

    /**
     * Points this view at a received datagram of up to {@code length} bytes at {@code offset} (an
     * Ethernet payload) and validates version, header length, total length and header checksum. Bytes
     * past the total length are Ethernet padding and are excluded from {@link #length()} and the payload.
     *
     * @return null when the datagram is usable, otherwise why it must be dropped
     * @throws IndexOutOfBoundsException if the region lies outside the buffer's written bytes, a bug in
     *                                   the caller rather than bad input
     */
    public DropReason wrap(ByteBuf buf, int offset, int length) {
        return decode(buf, offset, length, false);
    }

    /**
     * Points this view at the datagram quoted in an ICMP error (RFC 792, RFC 1122 3.2.2): its header and
     * as much of its payload as the sender quoted. Version and header length are validated as in
     * {@link #wrap}; the total length must cover the header but may exceed the quote, and the checksum is
     * not verified (the ICMP checksum covers the quote, and routers and NATs are not careful with the
     * quoted header). {@link #length()} and {@link #payloadLength()} then count only the bytes present,
     * never past the quoted total length: enough for the stack to read the quoted ports and sequence
     * number once {@code payloadLength() >= 8}. {@code IcmpMessage.quotedDatagram()} is this view,
     * already wrapped and checked for those 8 bytes.
     *
     * @return null when the quote is usable, otherwise why it must be dropped
     * @throws IndexOutOfBoundsException if the region lies outside the buffer's written bytes, a bug in
     *                                   the caller rather than bad input
     */
    public DropReason wrapQuoted(ByteBuf buf, int offset, int length) {
        return decode(buf, offset, length, true);
    }

    private DropReason decode(ByteBuf buf, int offset, int length, boolean quoted) {
        Objects.checkFromIndexSize(offset, length, buf.writerIndex());
        this.buf = null;
        if (length < MIN_HEADER_LENGTH) {
            return DropReason.TRUNCATED;
        }
        int versionAndIhl = buf.getUnsignedByte(offset + VERSION_AND_IHL_OFFSET);
        if (versionAndIhl >>> 4 != VERSION) {
            return DropReason.BAD_IP_VERSION;
        }
        // RFC 791 3.1: IHL counts 32-bit words, minimum 5
        int headerLength = (versionAndIhl & 0x0F) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return DropReason.BAD_IP_HEADER_LENGTH;
        }
        int totalLength = buf.getUnsignedShort(offset + TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength || (!quoted && totalLength > length)) {
            return DropReason.BAD_IP_TOTAL_LENGTH;
        }
        // RFC 1122 3.2.1.2: a host MUST verify the header checksum and silently discard on failure
        if (!quoted && !InternetChecksum.verifies(buf, offset, headerLength, 0)) {
            return DropReason.BAD_IP_CHECKSUM;
        }
        this.buf = buf;
        this.offset = offset;
        this.headerLength = headerLength;
        this.length = Math.min(totalLength, length);
        return null;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first header byte. */
    public int offset() {
        return offset;
    }

    /** The datagram's bytes in the buffer: the total length, or for a quote the part of it present. */
    public int length() {
        return length;
    }

    public int version() {
        return buf.getUnsignedByte(offset + VERSION_AND_IHL_OFFSET) >>> 4;
    }

    /** In bytes, options included. */
    public int headerLength() {
        return headerLength;
    }

    /** The whole second octet: DSCP and ECN. */
    public int typeOfService() {
        return buf.getUnsignedByte(offset + TYPE_OF_SERVICE_OFFSET);
    }

    /** RFC 2474: the upper six bits of the second octet. */
    public int dscp() {
        return typeOfService() >>> 2;
    }

    /** RFC 3168: the lower two bits of the second octet. */
    public int ecn() {
        return typeOfService() & 0x3;
    }

    /** The field as sent; see {@link #length()} for the bytes actually present. */
    public int totalLength() {
        return buf.getUnsignedShort(offset + TOTAL_LENGTH_OFFSET);
    }

    public int identification() {
        return buf.getUnsignedShort(offset + IDENTIFICATION_OFFSET);
    }

    /** The raw 16-bit field: reserved bit, DF, MF and the offset in 8-byte units. */
    public int flagsAndFragmentOffset() {
        return buf.getUnsignedShort(offset + FLAGS_AND_FRAGMENT_OFFSET_OFFSET);
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** In bytes: RFC 791 3.1 counts the field in 8-octet units. */
    public int fragmentOffset() {
        return (flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** True for any fragment, first or later: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return buf.getUnsignedByte(offset + TTL_OFFSET);
    }

    public int protocol() {
        return buf.getUnsignedByte(offset + PROTOCOL_OFFSET);
    }

    public int headerChecksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    public int sourceAddress() {
        return buf.getInt(offset + SOURCE_OFFSET);
    }

    public int destinationAddress() {
        return buf.getInt(offset + DESTINATION_OFFSET);
    }

    /** Absolute index of the options, which run to the end of the header. */
    public int optionsOffset() {
        return offset + MIN_HEADER_LENGTH;
    }

    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }

    /** Absolute index of the first byte after the header. */
    public int payloadOffset() {
        return offset + headerLength;
    }

    /** Total length minus header length (for a quote, the payload bytes present). */
    public int payloadLength() {
        return length - headerLength;
    }
}
