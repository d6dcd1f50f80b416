package io.usertcp.testing.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.time.Instant;

/**
 * One record of a classic pcap file: when it was captured, how long the frame was on the wire, and the
 * bytes that were kept ({@code frame.length} is the captured length, at most the original length).
 */
public record PcapRecord(Instant timestamp, int originalLength, byte[] frame) {

    public int capturedLength() {
        return frame.length;
    }

    /** True when the capture kept fewer bytes than the frame had (snap length). */
    public boolean truncated() {
        return frame.length < originalLength;
    }

    /**
     * Copies the frame into a new direct buffer from {@code allocator}, as the device would hand it to the
     * stack; the caller releases it.
     */
    public ByteBuf copyToDirectBuffer(ByteBufAllocator allocator) {
        ByteBuf buf = allocator.directBuffer(frame.length);
        buf.writeBytes(frame);
        return buf;
    }
}
