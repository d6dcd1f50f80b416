package io.usertcp.ip.reassembly;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Builds the IPv4 fragments of one datagram, each in its own pooled direct buffer whose capacity is exactly
 * the fragment's length (so the reassembler charges that length), starting with the IPv4 header.
 */
final class FragmentFrames {
    static final int SOURCE = Ipv4Address.parse("198.18.0.1");
    static final int DESTINATION = Ipv4Address.parse("198.18.0.2");

    private final int identification;
    private int source = SOURCE;
    private int destination = DESTINATION;
    private int protocol = Ipv4Packet.PROTOCOL_UDP;
    private int extraFlags;
    private byte[] firstFragmentOptions = new byte[0];

    FragmentFrames(int identification) {
        this.identification = identification;
    }

    FragmentFrames source(int address) {
        source = address;
        return this;
    }

    FragmentFrames protocol(int number) {
        protocol = number;
        return this;
    }

    FragmentFrames dontFragment() {
        extraFlags = Ipv4Packet.FLAG_DONT_FRAGMENT;
        return this;
    }

    /** Options carried by the fragment at offset 0 only, as RFC 791 3.2 allows for options not copied. */
    FragmentFrames firstFragmentOptions(byte[] options) {
        firstFragmentOptions = options.clone();
        return this;
    }

    /** The fragment carrying {@code payload[offset, offset + length)} at {@code offset}. */
    ByteBuf slice(byte[] payload, int offset, int length, boolean moreFragments) {
        return frame(offset, payload, offset, length, moreFragments);
    }

    /** A fragment at {@code fragmentOffset} (a multiple of 8) carrying {@code data}. */
    ByteBuf frame(int fragmentOffset, byte[] data, boolean moreFragments) {
        return frame(fragmentOffset, data, 0, data.length, moreFragments);
    }

    private ByteBuf frame(int fragmentOffset, byte[] data, int from, int length, boolean moreFragments) {
        if ((fragmentOffset & 7) != 0) {
            throw new IllegalArgumentException("the offset field counts 8-byte units: " + fragmentOffset);
        }
        byte[] options = fragmentOffset == 0 ? firstFragmentOptions : new byte[0];
        int headerLength = Ipv4Packet.MIN_HEADER_LENGTH + options.length;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(headerLength + length);
        buf.writeByte(Ipv4Packet.VERSION << 4 | headerLength / 4);
        buf.writeByte(0);
        buf.writeShort(headerLength + length);
        buf.writeShort(identification);
        buf.writeShort(extraFlags | (moreFragments ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | fragmentOffset >>> 3);
        buf.writeByte(64);
        buf.writeByte(protocol);
        buf.writeShort(0);
        buf.writeInt(source);
        buf.writeInt(destination);
        buf.writeBytes(options);
        buf.setShort(10, InternetChecksum.compute(buf, 0, headerLength));
        buf.writeBytes(data, from, length);
        return buf;
    }
}
