package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * The message the stack pipeline passes inbound, one reusable instance per event loop: each layer's
 * handler validates its header with the view it owns here and passes the same instance on, so nothing is
 * allocated per packet. Handlers run synchronously within one {@code channelRead}, so the instance is
 * never seen by two packets at once; a handler that keeps anything past its {@code channelRead} (a frame
 * parked for reassembly, payload slices for the application) retains what it keeps.
 *
 * <p>Ownership: the packet holds one reference to {@link #frame()}. The handler that consumes the packet
 * (drops it, answers it, or delivers its payload) calls {@link #release()} exactly once. The transport
 * region may live in another buffer than the frame (a reassembled datagram); {@link #release()} frees both.
 */
public final class InboundPacket implements ReferenceCounted {
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ipv4 = new Ipv4Packet();

    private ByteBuf frame;
    private ByteBuf reassembled;
    private int sourceAddress;
    private int destinationAddress;
    private int protocol;
    private ByteBuf transportBuffer;
    private int transportOffset;
    private int transportLength;
    private Object connection;

    /** Starts a new packet: takes ownership of {@code frame} and forgets everything about the last one. */
    public InboundPacket reset(ByteBuf frame) {
        this.frame = frame;
        this.reassembled = null;
        this.transportBuffer = null;
        this.connection = null;
        return this;
    }

    /** The received frame, Ethernet header first. */
    public ByteBuf frame() {
        return frame;
    }

    /** The Ethernet view, wrapped by the link layer. */
    public EthernetFrame ethernet() {
        return ethernet;
    }

    /**
     * The IPv4 view, wrapped by the network layer (for a reassembled datagram: the whole datagram, under its
     * first fragment's header).
     */
    public Ipv4Packet ipv4() {
        return ipv4;
    }

    /**
     * Set by the network layer once the datagram is for us and whole: the addresses and protocol of the
     * datagram, and where its payload (the ICMP message or TCP segment) lies. {@code reassembledPayload} is
     * the buffer a reassembly produced (owned by this packet from now on), or null when the payload lies in
     * the frame.
     */
    public void setTransport(int sourceAddress, int destinationAddress, int protocol,
                             ByteBuf buffer, int offset, int length, ByteBuf reassembledPayload) {
        this.sourceAddress = sourceAddress;
        this.destinationAddress = destinationAddress;
        this.protocol = protocol;
        this.transportBuffer = buffer;
        this.transportOffset = offset;
        this.transportLength = length;
        this.reassembled = reassembledPayload;
    }

    public int sourceAddress() {
        return sourceAddress;
    }

    public int destinationAddress() {
        return destinationAddress;
    }

    /** The IPv4 protocol number of the payload. */
    public int protocol() {
        return protocol;
    }

    /** The buffer holding the transport payload: the frame, or a reassembled datagram. */
    public ByteBuf transportBuffer() {
        return transportBuffer;
    }

    /** Absolute index of the transport header in {@link #transportBuffer()}. */
    public int transportOffset() {
        return transportOffset;
    }

    public int transportLength() {
        return transportLength;
    }

    /** The connection the TCP demultiplexer found for this segment, or null. */
    public Object connection() {
        return connection;
    }

    public void setConnection(Object connection) {
        this.connection = connection;
    }

    @Override
    public int refCnt() {
        return frame == null ? 0 : frame.refCnt();
    }

    @Override
    public InboundPacket retain() {
        throw new UnsupportedOperationException("an InboundPacket is reused per loop: retain the buffers you keep");
    }

    @Override
    public InboundPacket retain(int increment) {
        return retain();
    }

    @Override
    public InboundPacket touch() {
        return this;
    }

    @Override
    public InboundPacket touch(Object hint) {
        return this;
    }

    /** Releases the frame and any reassembled payload: the packet is consumed. */
    @Override
    public boolean release() {
        if (reassembled != null) {
            reassembled.release();
            reassembled = null;
        }
        ByteBuf consumed = frame;
        frame = null;
        transportBuffer = null;
        connection = null;
        return consumed != null && consumed.release();
    }

    @Override
    public boolean release(int decrement) {
        if (decrement != 1) {
            throw new IllegalArgumentException("an InboundPacket is released once, not by " + decrement);
        }
        return release();
    }
}
