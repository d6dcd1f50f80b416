package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * A reusable flyweight view of one TCP segment (RFC 9293 3.1) inside an IPv4 payload. {@link #wrap}
 * validates the segment; after it succeeds the accessors read header fields in place. The view never
 * retains, releases or modifies the buffer and never moves its indexes.
 *
 * <p>The checksum is verified here rather than in the engine because no field of a corrupted segment may
 * be trusted: a segment that reaches the engine is known intact, so no state-machine path has to think
 * about corruption. (A later receive-offload path may skip verification for frames the device marks
 * NEEDS_CSUM, whose checksum was never computed because they never left the host.)
 *
 * <p>Checks run cheapest first where that is safe: the fixed header length and the data offset first,
 * since the rest depends on them. The checksum comes before the options even though the options are
 * cheaper to read: a valid segment pays for every check whatever the order, and for a corrupted one
 * checking the checksum first makes the drop counter name the real cause instead of, say, a bit error
 * in an option length.
 */
public final class TcpSegment {
    /** RFC 9293 3.1: a header without options, and the least a data offset may say (5 words). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** RFC 9293 3.1: data offset 15, so at most 40 bytes of options. */
    public static final int MAX_HEADER_LENGTH = 60;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int SEQUENCE_NUMBER = 4;
    static final int ACKNOWLEDGMENT_NUMBER = 8;
    /** The 16-bit word holding the data offset (top 4 bits) and the 12 flag bits. */
    static final int DATA_OFFSET_AND_FLAGS = 12;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT_POINTER = 18;

    private final TcpOptions options = new TcpOptions();
    private ByteBuf buf;
    private int offset;
    private int length;
    private int headerLength;

    /**
     * Wraps the segment in {@code length} bytes at absolute index {@code offset} (the IPv4 payload), with
     * the IPv4 addresses that enter the pseudo-header. Returns null when the segment is valid, else why it
     * must be dropped ({@link DropReason#TRUNCATED} also when the region is not within the buffer's written
     * bytes); after a failure the accessors must not be used.
     */
    public DropReason wrap(ByteBuf buf, int offset, int length, int sourceAddress, int destinationAddress) {
        if (length < MIN_HEADER_LENGTH || offset < 0 || offset > buf.writerIndex() - length) {
            return DropReason.TRUNCATED;
        }
        // RFC 9293 3.1: data offset counts 32-bit words, minimum 5, and the header must fit the segment
        int headerLength = (buf.getUnsignedByte(offset + DATA_OFFSET_AND_FLAGS) >>> 4) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return DropReason.BAD_TCP_DATA_OFFSET;
        }
        // RFC 9293 3.1: the checksum covers the pseudo-header, the header and the data
        long pseudoHeader = InternetChecksum.pseudoHeader(sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_TCP, length);
        if (!InternetChecksum.verifies(buf, offset, length, pseudoHeader)) {
            return DropReason.BAD_TCP_CHECKSUM;
        }
        DropReason optionsDrop = options.parse(buf, offset + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
        if (optionsDrop != null) {
            return optionsDrop;
        }
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.headerLength = headerLength;
        return null;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first header byte. */
    public int offset() {
        return offset;
    }

    /** Header plus payload, in bytes. */
    public int length() {
        return length;
    }

    public int sourcePort() {
        return buf.getUnsignedShort(offset + SOURCE_PORT);
    }

    public int destinationPort() {
        return buf.getUnsignedShort(offset + DESTINATION_PORT);
    }

    public int sequenceNumber() {
        return buf.getInt(offset + SEQUENCE_NUMBER);
    }

    public int acknowledgmentNumber() {
        return buf.getInt(offset + ACKNOWLEDGMENT_NUMBER);
    }

    /** Header length in bytes, options included (data offset times 4). */
    public int headerLength() {
        return headerLength;
    }

    /** All 12 flag bits: the {@link TcpFlags} control bits, AE and the reserved bits. */
    public int flags() {
        return buf.getUnsignedShort(offset + DATA_OFFSET_AND_FLAGS) & TcpFlags.ALL;
    }

    /** True when every bit of {@code mask} is set. */
    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    /** The raw, unscaled window field (unsigned 16 bits). */
    public int window() {
        return buf.getUnsignedShort(offset + WINDOW);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM);
    }

    public int urgentPointer() {
        return buf.getUnsignedShort(offset + URGENT_POINTER);
    }

    /** The options of the wrapped segment; owned by this view and refilled by the next {@link #wrap}. */
    public TcpOptions options() {
        return options;
    }

    /** Absolute index of the first payload byte. */
    public int payloadOffset() {
        return offset + headerLength;
    }

    public int payloadLength() {
        return length - headerLength;
    }
}
