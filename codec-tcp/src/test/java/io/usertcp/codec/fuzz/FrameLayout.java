package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpSegment;

/**
 * Where each layer of a frame starts, read leniently: no field is validated, only bounds, so it also
 * describes frames a mutation broke. The mutator aims at header fields and layer boundaries through it,
 * and {@link ChecksumRepair} finds the checksums to fill in. Offsets are relative to the frame start;
 * {@link #ABSENT} where a layer is not there.
 */
final class FrameLayout {
    static final int ABSENT = -1;
    /** Room {@link #boundaries} needs. */
    static final int MAX_BOUNDARIES = 16;

    static final int IP = EthernetFrame.HEADER_LENGTH;
    static final int ARP = EthernetFrame.HEADER_LENGTH;

    int length;
    int etherType;
    int ipHeaderLength;
    int ipTotalLength;
    int protocol;
    /** Start of the IPv4 payload (TCP or ICMP header), or ABSENT. */
    int transport;
    /** Payload bytes the IPv4 view will hand on: the total length capped by the frame, minus the header. */
    int transportLength;
    int tcpHeaderLength;
    int icmpType;
    /** Start of the datagram an ICMP error quotes, or ABSENT. */
    int quote;
    int quotedHeaderLength;

    FrameLayout read(ByteBuf buf, int offset, int length) {
        this.length = length;
        etherType = ABSENT;
        ipHeaderLength = ABSENT;
        ipTotalLength = ABSENT;
        protocol = ABSENT;
        transport = ABSENT;
        transportLength = 0;
        tcpHeaderLength = ABSENT;
        icmpType = ABSENT;
        quote = ABSENT;
        quotedHeaderLength = ABSENT;
        if (length < EthernetFrame.HEADER_LENGTH) {
            return this;
        }
        etherType = buf.getUnsignedShort(offset + 12);
        if (etherType != EthernetFrame.ETHERTYPE_IPV4 || length < IP + Ipv4Packet.MIN_HEADER_LENGTH) {
            return this;
        }
        ipHeaderLength = (buf.getUnsignedByte(offset + IP) & 0x0F) * 4;
        ipTotalLength = buf.getUnsignedShort(offset + IP + 2);
        protocol = buf.getUnsignedByte(offset + IP + 9);
        int ipLength = Math.min(ipTotalLength, length - IP);
        if (ipHeaderLength < Ipv4Packet.MIN_HEADER_LENGTH || ipHeaderLength > ipLength) {
            return this;
        }
        transport = IP + ipHeaderLength;
        transportLength = ipLength - ipHeaderLength;
        if (protocol == Ipv4Packet.PROTOCOL_TCP && transportLength >= TcpSegment.MIN_HEADER_LENGTH) {
            tcpHeaderLength = (buf.getUnsignedByte(offset + transport + 12) >>> 4) * 4;
        } else if (protocol == Ipv4Packet.PROTOCOL_ICMP && transportLength >= IcmpMessage.HEADER_LENGTH) {
            icmpType = buf.getUnsignedByte(offset + transport);
            boolean error = icmpType == IcmpMessage.TYPE_DESTINATION_UNREACHABLE
                    || icmpType == IcmpMessage.TYPE_TIME_EXCEEDED;
            if (error && transportLength > IcmpMessage.HEADER_LENGTH) {
                quote = transport + IcmpMessage.HEADER_LENGTH;
                quotedHeaderLength = (buf.getUnsignedByte(offset + quote) & 0x0F) * 4;
            }
        }
        return this;
    }

    boolean hasTcpOptions() {
        return tcpHeaderLength > TcpSegment.MIN_HEADER_LENGTH && transportLength > TcpSegment.MIN_HEADER_LENGTH;
    }

    /** Start of the TCP option space; meaningful when {@link #hasTcpOptions()}. */
    int tcpOptions() {
        return transport + TcpSegment.MIN_HEADER_LENGTH;
    }

    /** End of the TCP option space present in the frame. */
    int tcpOptionsEnd() {
        return transport + Math.min(tcpHeaderLength, transportLength);
    }

    /**
     * Fills {@code into} with the offsets where one layer ends and the next begins, and returns how many;
     * truncating or splicing there exercises each decoder's length checks exactly at its edges.
     */
    int boundaries(int[] into) {
        int count = 0;
        into[count++] = 0;
        into[count++] = Math.min(length, EthernetFrame.HEADER_LENGTH);
        if (etherType == EthernetFrame.ETHERTYPE_ARP) {
            into[count++] = ARP + 8;
            into[count++] = ARP + 28;
        }
        if (ipHeaderLength != ABSENT) {
            into[count++] = IP + Ipv4Packet.MIN_HEADER_LENGTH;
            into[count++] = IP + ipHeaderLength;
            into[count++] = IP + ipTotalLength;
        }
        if (transport != ABSENT) {
            into[count++] = transport + IcmpMessage.HEADER_LENGTH;
            into[count++] = transport + TcpSegment.MIN_HEADER_LENGTH;
        }
        if (tcpHeaderLength != ABSENT) {
            into[count++] = transport + tcpHeaderLength;
        }
        if (quote != ABSENT) {
            into[count++] = quote + Ipv4Packet.MIN_HEADER_LENGTH;
            into[count++] = quote + quotedHeaderLength;
            into[count++] = quote + quotedHeaderLength + IcmpMessage.MIN_QUOTED_PAYLOAD;
        }
        into[count++] = length;
        return count;
    }
}
