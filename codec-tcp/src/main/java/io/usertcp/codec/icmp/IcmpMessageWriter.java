package io.usertcp.codec.icmp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Builds ICMP messages (RFC 792) in a {@link FrameBuffers} buffer: the body (echo data, or a quote
 * appended with {@link #appendQuote}) is readable first, then a {@code prepend} method puts the header
 * in front and computes the checksum over the whole message.
 */
public final class IcmpMessageWriter {
    /**
     * RFC 1812 4.3.2.3: an ICMP error quotes as much as fits without the datagram exceeding 576 bytes,
     * the size every host accepts (RFC 791 3.1).
     */
    public static final int MAX_ERROR_DATAGRAM_LENGTH = 576;
    /** What fits of the offending datagram behind a 20-byte IPv4 header and the 8-byte ICMP header. */
    public static final int MAX_QUOTE_LENGTH =
            MAX_ERROR_DATAGRAM_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH - IcmpMessage.HEADER_LENGTH;

    private IcmpMessageWriter() {
    }

    /**
     * Prepends an echo request or reply header (code 0) in front of the echo data already readable.
     *
     * @throws IllegalStateException if the buffer has no headroom left
     */
    public static void prependEcho(ByteBuf buf, int type, int identifier, int sequence) {
        int start = FrameBuffers.prepend(buf, IcmpMessage.HEADER_LENGTH);
        buf.setByte(start + IcmpMessage.TYPE_OFFSET, type);
        buf.setByte(start + IcmpMessage.CODE_OFFSET, 0);
        buf.setShort(start + IcmpMessage.IDENTIFIER_OFFSET, identifier);
        buf.setShort(start + IcmpMessage.SEQUENCE_NUMBER_OFFSET, sequence);
        writeChecksum(buf, start);
    }

    /**
     * Prepends an error header in front of the quote already readable (see {@link #appendQuote}). For
     * fragmentation needed, {@code restOfHeader} carries the next-hop MTU in its low 16 bits (RFC 1191);
     * otherwise it is 0 (unused).
     *
     * @throws IllegalStateException if the buffer has no headroom left
     */
    public static void prependError(ByteBuf buf, int type, int code, int restOfHeader) {
        int start = FrameBuffers.prepend(buf, IcmpMessage.HEADER_LENGTH);
        buf.setByte(start + IcmpMessage.TYPE_OFFSET, type);
        buf.setByte(start + IcmpMessage.CODE_OFFSET, code);
        buf.setInt(start + IcmpMessage.REST_OF_HEADER_OFFSET, restOfHeader);
        writeChecksum(buf, start);
    }

    private static void writeChecksum(ByteBuf buf, int start) {
        buf.setShort(start + IcmpMessage.CHECKSUM_OFFSET, 0);
        buf.setShort(start + IcmpMessage.CHECKSUM_OFFSET,
                InternetChecksum.compute(buf, start, buf.writerIndex() - start));
    }

    /**
     * Appends the quote for an error about {@code offending} at the writer index: its header and as much
     * of its payload as keeps the error within {@link #MAX_ERROR_DATAGRAM_LENGTH}, as Linux does; RFC 1122
     * 3.2.2 requires at least the first 8 payload bytes, which every datagram of 28 bytes or more gets.
     * The error path's one copy. Allocate the frame with room for {@link #MAX_QUOTE_LENGTH} so the buffer
     * need not grow.
     *
     * @return the number of bytes appended
     */
    public static int appendQuote(ByteBuf buf, Ipv4Packet offending) {
        int quoteLength = Math.min(offending.length(), MAX_QUOTE_LENGTH);
        buf.writeBytes(offending.buffer(), offending.offset(), quoteLength);
        return quoteLength;
    }
}
