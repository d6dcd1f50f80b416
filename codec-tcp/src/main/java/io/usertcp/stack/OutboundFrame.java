package io.usertcp.stack;

import io.netty.buffer.ByteBuf;

/**
 * What the network layer writes toward the link layer: a {@code FrameBuffers} buffer whose readable bytes
 * are a complete IPv4 datagram, with headroom left for the Ethernet header, plus the next hop whose MAC the
 * link layer resolves. One reusable instance per network-layer handler, written with
 * {@code ctx.write(frame, ctx.voidPromise())} on the event loop; the outbound path runs synchronously, so the
 * link layer has taken the buffer before the write returns. The link layer takes ownership of
 * {@link #takeDatagram()}.
 *
 * <p>A {@code ByteBuf} written toward the link layer is instead a finished frame (Ethernet header first, as
 * the ARP layer writes its replies) and goes to the device as it is.
 */
public final class OutboundFrame {
    private ByteBuf datagram;
    private int nextHop;

    /** Fills the frame for one write; ownership of {@code datagram} passes with the write. */
    public OutboundFrame set(ByteBuf datagram, int nextHop) {
        this.datagram = datagram;
        this.nextHop = nextHop;
        return this;
    }

    /** Hands the datagram over to the caller (the link layer) and clears it here. */
    public ByteBuf takeDatagram() {
        ByteBuf taken = datagram;
        datagram = null;
        return taken;
    }

    /** The IPv4 address to resolve: the destination when on-link, else the gateway; may be a broadcast. */
    public int nextHop() {
        return nextHop;
    }
}
