package io.usertcp.stack;

import io.netty.buffer.ByteBuf;

/**
 * What a transport layer (TCP, ICMP) writes toward the network layer: a {@code FrameBuffers} buffer whose
 * readable bytes are the transport header and payload, with headroom left for the IPv4 and Ethernet
 * headers, plus the IPv4 fields the network layer needs to prepend its header. One reusable instance per
 * event loop: it is written with {@code ctx.write(datagram, ctx.voidPromise())}, and the pipeline's
 * outbound path runs synchronously on the loop, so the network layer has taken the buffer before the
 * write returns. The network layer takes ownership of {@link #payload()}.
 */
public final class OutboundDatagram {
    private ByteBuf payload;
    private int sourceAddress;
    private int destinationAddress;
    private int protocol;
    private int typeOfService;
    private boolean dontFragment;

    /** Fills the datagram for one write; ownership of {@code payload} passes with the write. */
    public OutboundDatagram set(ByteBuf payload, int sourceAddress, int destinationAddress, int protocol,
                                int typeOfService, boolean dontFragment) {
        this.payload = payload;
        this.sourceAddress = sourceAddress;
        this.destinationAddress = destinationAddress;
        this.protocol = protocol;
        this.typeOfService = typeOfService;
        this.dontFragment = dontFragment;
        return this;
    }

    /** Hands the payload over to the caller (the network layer) and clears it here. */
    public ByteBuf takePayload() {
        ByteBuf taken = payload;
        payload = null;
        return taken;
    }

    public ByteBuf payload() {
        return payload;
    }

    public int sourceAddress() {
        return sourceAddress;
    }

    public int destinationAddress() {
        return destinationAddress;
    }

    public int protocol() {
        return protocol;
    }

    public int typeOfService() {
        return typeOfService;
    }

    /** RFC 1191: TCP sets DF so path MTU discovery works. */
    public boolean dontFragment() {
        return dontFragment;
    }
}
