package io.usertcp.codec.ipv4;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.checksum.InternetChecksum;

/**
 * Prepends a 20-byte IPv4 header without options, as Linux sends it, in front of the payload already
 * readable in a {@link FrameBuffers} buffer.
 */
public final class Ipv4HeaderWriter {
    /** The TTL Linux uses by default (net.ipv4.ip_default_ttl), as RFC 1700 recommends. */
    public static final int DEFAULT_TTL = 64;

    private static final int VERSION_AND_IHL = Ipv4Packet.VERSION << 4 | Ipv4Packet.MIN_HEADER_LENGTH / 4;

    private Ipv4HeaderWriter() {
    }

    /**
     * Moves the reader index back by {@link Ipv4Packet#MIN_HEADER_LENGTH} and writes the header there,
     * with the total length covering header plus readable payload and the header checksum filled in.
     * Only the low bits that fit each field are written; {@code flagsAndFragmentOffset} is the raw 16-bit
     * field, e.g. {@link Ipv4Packet#FLAG_DONT_FRAGMENT}.
     *
     * @throws IllegalStateException if header plus payload exceed {@link Ipv4Packet#MAX_TOTAL_LENGTH} or
     *                               the buffer has no headroom left
     */
    public static void prepend(ByteBuf buf, int typeOfService, int identification, int flagsAndFragmentOffset,
                               int ttl, int protocol, int sourceAddress, int destinationAddress) {
        int totalLength = Ipv4Packet.MIN_HEADER_LENGTH + buf.readableBytes();
        if (totalLength > Ipv4Packet.MAX_TOTAL_LENGTH) {
            throw new IllegalStateException("IPv4 total length " + totalLength + " exceeds "
                    + Ipv4Packet.MAX_TOTAL_LENGTH);
        }
        int start = FrameBuffers.prepend(buf, Ipv4Packet.MIN_HEADER_LENGTH);
        buf.setByte(start + Ipv4Packet.VERSION_AND_IHL_OFFSET, VERSION_AND_IHL);
        buf.setByte(start + Ipv4Packet.TYPE_OF_SERVICE_OFFSET, typeOfService);
        buf.setShort(start + Ipv4Packet.TOTAL_LENGTH_OFFSET, totalLength);
        buf.setShort(start + Ipv4Packet.IDENTIFICATION_OFFSET, identification);
        buf.setShort(start + Ipv4Packet.FLAGS_AND_FRAGMENT_OFFSET_OFFSET, flagsAndFragmentOffset);
        buf.setByte(start + Ipv4Packet.TTL_OFFSET, ttl);
        buf.setByte(start + Ipv4Packet.PROTOCOL_OFFSET, protocol);
        buf.setShort(start + Ipv4Packet.CHECKSUM_OFFSET, 0);
        buf.setInt(start + Ipv4Packet.SOURCE_OFFSET, sourceAddress);
        buf.setInt(start + Ipv4Packet.DESTINATION_OFFSET, destinationAddress);
        buf.setShort(start + Ipv4Packet.CHECKSUM_OFFSET,
                InternetChecksum.compute(buf, start, Ipv4Packet.MIN_HEADER_LENGTH));
    }
}
