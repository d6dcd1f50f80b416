package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;

/**
 * Prepends an Ethernet II header to the frame being built in a {@link FrameBuffers} buffer. No padding
 * to the 60-byte minimum and no FCS: a TAP device takes frames as the kernel would hand them to a NIC
 * driver, and short frames are padded, if at all, by the hardware that puts them on a wire.
 */
public final class EthernetHeaderWriter {
    private EthernetHeaderWriter() {
    }

    /**
     * Moves the reader index back by {@link EthernetFrame#HEADER_LENGTH} and writes the header there.
     *
     * @throws IllegalStateException if the buffer has no headroom left
     */
    public static void prepend(ByteBuf buf, long destinationMac, long sourceMac, int etherType) {
        int start = FrameBuffers.prepend(buf, EthernetFrame.HEADER_LENGTH);
        MacAddress.write(buf, start, destinationMac);
        MacAddress.write(buf, start + EthernetFrame.SOURCE_OFFSET, sourceMac);
        buf.setShort(start + EthernetFrame.ETHERTYPE_OFFSET, etherType);
    }
}
