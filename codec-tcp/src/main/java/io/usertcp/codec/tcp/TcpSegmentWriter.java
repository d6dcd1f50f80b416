package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Prepends a TCP header (RFC 9293 3.1) to the payload between a buffer's reader and writer index, as
 * {@link FrameBuffers} lays out outbound frames, and fills in the checksum over the pseudo-header, the
 * header and the payload.
 */
public final class TcpSegmentWriter {
    private TcpSegmentWriter() {
    }

    /**
     * Writes the header in front of the readable payload, moving the reader index back to its start, and
     * returns that index. {@code flags} holds the 12 bits of {@link TcpFlags}; ports, window and urgent
     * pointer are 16-bit values; {@code options} may be empty and is only read.
     *
     * @throws IllegalArgumentException if the options do not fit in 40 bytes, a bug in the caller
     * @throws IllegalStateException if the buffer lacks headroom for the header, a bug in the caller
     */
    public static int prepend(ByteBuf buf, int sourceAddress, int destinationAddress, int sourcePort,
                              int destinationPort, int sequenceNumber, int acknowledgmentNumber, int flags,
                              int window, int urgentPointer, TcpOptions options) {
        int optionsLength = options.encodedLength();
        if (optionsLength > TcpOptions.MAX_LENGTH) {
            throw new IllegalArgumentException("TCP options need " + optionsLength + " bytes, more than "
                    + TcpOptions.MAX_LENGTH + ": " + options);
        }
        int headerLength = TcpSegment.MIN_HEADER_LENGTH + optionsLength;
        int start = FrameBuffers.prepend(buf, headerLength);
        buf.setShort(start + TcpSegment.SOURCE_PORT, sourcePort);
        buf.setShort(start + TcpSegment.DESTINATION_PORT, destinationPort);
        buf.setInt(start + TcpSegment.SEQUENCE_NUMBER, sequenceNumber);
        buf.setInt(start + TcpSegment.ACKNOWLEDGMENT_NUMBER, acknowledgmentNumber);
        // RFC 9293 3.1: data offset in 32-bit words above the 12 flag bits
        buf.setShort(start + TcpSegment.DATA_OFFSET_AND_FLAGS, (headerLength / 4) << 12 | (flags & TcpFlags.ALL));
        buf.setShort(start + TcpSegment.WINDOW, window);
        buf.setShort(start + TcpSegment.CHECKSUM, 0);
        buf.setShort(start + TcpSegment.URGENT_POINTER, urgentPointer);
        options.write(buf, start + TcpSegment.MIN_HEADER_LENGTH);
        int segmentLength = buf.writerIndex() - start;
        long pseudoHeader = InternetChecksum.pseudoHeader(sourceAddress, destinationAddress,
                Ipv4Packet.PROTOCOL_TCP, segmentLength);
        buf.setShort(start + TcpSegment.CHECKSUM, InternetChecksum.finish(
                InternetChecksum.add(buf, start, segmentLength, pseudoHeader)));
        return start;
    }
}
