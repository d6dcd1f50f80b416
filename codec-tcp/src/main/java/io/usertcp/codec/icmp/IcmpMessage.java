package io.usertcp.codec.icmp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;

import java.util.Objects;

/**
 * A reusable view of an ICMP message (RFC 792): the 8-byte header (type, code, checksum, four bytes
 * whose meaning depends on the type) and a body. Fields are read in place from the buffer; the view
 * never retains, releases or modifies it and never moves its indexes. One instance per event loop, not
 * thread-safe.
 *
 * <p>Destination unreachable and time exceeded quote the datagram that caused them. For those,
 * {@link #wrap} also wraps the quote with {@link Ipv4Packet#wrapQuoted} (lenient: the quote is cut short
 * on purpose and its checksum is not ours to judge) and requires 8 quoted payload bytes, so
 * {@link #quotedDatagram()} hands the stack a ready view from which the quoted TCP ports and sequence
 * number can be read safely. Other types are decoded as header and body only.
 */
public final class IcmpMessage {
    public static final int HEADER_LENGTH = 8;
    /** RFC 1122 3.2.2: an error quotes the IP header plus at least the first 8 bytes of its payload. */
    public static final int MIN_QUOTED_PAYLOAD = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;

    /** Destination unreachable codes, RFC 792 and RFC 1812 5.2.7.1. */
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** RFC 1191: the datagram needed fragmenting but had DF set; the header carries the next-hop MTU. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_ADMINISTRATIVELY_PROHIBITED = 13;

    /** Time exceeded codes, RFC 792. */
    public static final int CODE_TTL_EXCEEDED = 0;
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    static final int TYPE_OFFSET = 0;
    static final int CODE_OFFSET = 1;
    static final int CHECKSUM_OFFSET = 2;
    static final int REST_OF_HEADER_OFFSET = 4;
    static final int IDENTIFIER_OFFSET = 4;
    static final int SEQUENCE_NUMBER_OFFSET = 6;
    private static final int NEXT_HOP_MTU_OFFSET = 6;

    private final Ipv4Packet quote = new Ipv4Packet();
    private ByteBuf buf;
    private int offset;
    private int length;

    /**
     * Points this view at the message in the {@code length} bytes at {@code offset} (the IPv4 payload,
     * padding already excluded) and validates its checksum and, for errors, its quote.
     *
     * @return null when the message is usable, otherwise why it must be dropped
     * @throws IndexOutOfBoundsException if the region lies outside the buffer's written bytes, a bug in
     *                                   the caller rather than bad input
     */
    public DropReason wrap(ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.writerIndex());
        this.buf = null;
        if (length < HEADER_LENGTH) {
            return DropReason.TRUNCATED;
        }
        // RFC 792: the checksum covers the whole message, header and body
        if (!InternetChecksum.verifies(buf, offset, length, 0)) {
            return DropReason.BAD_ICMP_CHECKSUM;
        }
        // RFC 1122 3.2.2: an error quotes the offending IP header and at least 8 bytes of its payload
        if (quotesDatagram(buf.getUnsignedByte(offset + TYPE_OFFSET))
                && (quote.wrapQuoted(buf, offset + HEADER_LENGTH, length - HEADER_LENGTH) != null
                || quote.payloadLength() < MIN_QUOTED_PAYLOAD)) {
            return DropReason.BAD_ICMP_QUOTE;
        }
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        return null;
    }

    private static boolean quotesDatagram(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_TIME_EXCEEDED;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first header byte. */
    public int offset() {
        return offset;
    }

    /** Header plus body. */
    public int length() {
        return length;
    }

    public int type() {
        return buf.getUnsignedByte(offset + TYPE_OFFSET);
    }

    public int code() {
        return buf.getUnsignedByte(offset + CODE_OFFSET);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    /** The four type-dependent header bytes as one big-endian int. */
    public int restOfHeader() {
        return buf.getInt(offset + REST_OF_HEADER_OFFSET);
    }

    /** True for destination unreachable and time exceeded, whose quote {@link #wrap} validated. */
    public boolean carriesQuote() {
        return quotesDatagram(type());
    }

    /** Echo request or reply: the identifier the sender chose. */
    public int identifier() {
        return buf.getUnsignedShort(offset + IDENTIFIER_OFFSET);
    }

    /** Echo request or reply: the sequence number. */
    public int sequenceNumber() {
        return buf.getUnsignedShort(offset + SEQUENCE_NUMBER_OFFSET);
    }

    /**
     * Destination unreachable, fragmentation needed (RFC 1191): the MTU of the next hop, in the low 16
     * bits of the header's last four bytes; 0 from routers that predate RFC 1191.
     */
    public int nextHopMtu() {
        return buf.getUnsignedShort(offset + NEXT_HOP_MTU_OFFSET);
    }

    /** Absolute index of the body: echo data, or an error's quoted datagram. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Absolute index of the quoted datagram when {@link #carriesQuote()}: the payload, by its meaning. */
    public int quotedOffset() {
        return payloadOffset();
    }

    /**
     * Bytes of the quote when {@link #carriesQuote()}, including any RFC 4884 extension after it; the
     * quoted datagram itself is {@link #quotedDatagram()}.
     */
    public int quotedLength() {
        return payloadLength();
    }

    /**
     * The quoted datagram as a view, wrapped by {@link #wrap} with {@link Ipv4Packet#wrapQuoted}: its
     * header fields, and at least 8 payload bytes (the quoted transport header's start) from its
     * {@code payloadOffset()}. Owned by this message view and rewrapped by its next {@link #wrap}.
     *
     * @throws IllegalStateException if this message type carries no quote
     */
    public Ipv4Packet quotedDatagram() {
        if (!carriesQuote()) {
            throw new IllegalStateException("ICMP type " + type() + " quotes no datagram");
        }
        return quote;
    }
}
