package io.usertcp.stack;

import io.netty.buffer.ByteBuf;

/**
 * An ICMP echo reply (RFC 792) received for a request sent with {@link IcmpHandler#sendEchoRequest}, fired by
 * the {@link IcmpHandler} with {@code ctx.fireUserEventTriggered} for whoever pings (a diagnostic, a test). One
 * reusable instance per ICMP handler; it and its data are valid only during the event call.
 */
public final class IcmpEchoReplyEvent {
    private int source;
    private int identifier;
    private int sequenceNumber;
    private ByteBuf buffer;
    private int dataOffset;
    private int dataLength;

    IcmpEchoReplyEvent set(int source, int identifier, int sequenceNumber, ByteBuf buffer, int dataOffset,
                           int dataLength) {
        this.source = source;
        this.identifier = identifier;
        this.sequenceNumber = sequenceNumber;
        this.buffer = buffer;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
        return this;
    }

    /** The host that answered. */
    public int source() {
        return source;
    }

    public int identifier() {
        return identifier;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** The buffer holding the echoed data; read it, never retain or release it. */
    public ByteBuf buffer() {
        return buffer;
    }

    /** Absolute index of the echoed data in {@link #buffer()}. */
    public int dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }
}
