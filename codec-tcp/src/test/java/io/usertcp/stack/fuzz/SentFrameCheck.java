package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.stack.StackConfig;

/**
 * Judges every frame the stack under fuzz sends: it must decode through the codec's own views with every
 * checksum right, come from our MAC and address, and never go to an address no reply may go to (RFC 1122
 * 3.2.2 and 4.2.3.10: no broadcast, multicast, loopback or martian destination, and not ourselves). It also
 * sorts the frames into reply kinds for the behaviour signature: the TCP flag sets sent, and the other kinds
 * as bits.
 */
final class SentFrameCheck {
    static final int ARP_REQUEST = 0;
    static final int ARP_REPLY = 1;
    static final int ICMP_ECHO_REPLY = 2;
    static final int ICMP_UNREACHABLE = 3;
    static final int ICMP_TIME_EXCEEDED = 4;
    static final int IP_FRAGMENT = 5;

    private final StackConfig config;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv4Packet quoted = new Ipv4Packet();
    private final IcmpMessage icmp = new IcmpMessage();
    private final TcpSegment tcp = new TcpSegment();
    /** Reply kinds other than TCP seen since {@link #resetKinds}, as bits. */
    long otherKinds;
    /** TCP flag sets (the low six flags) seen since {@link #resetKinds}, as bits by value. */
    long tcpFlagSets;

    SentFrameCheck(StackConfig config) {
        this.config = config;
    }

    void resetKinds() {
        otherKinds = 0;
        tcpFlagSets = 0;
    }

    /** Null when {@code frame} is a well-formed frame we may send, else what is wrong with it. */
    String problem(ByteBuf frame) {
        DropReason reason = ethernet.wrap(frame, frame.readerIndex(), frame.readableBytes());
        if (reason != null) {
            return "undecodable Ethernet header: " + reason;
        }
        if (ethernet.source() != config.mac()) {
            return "source MAC is not ours";
        }
        if (ethernet.etherType() == EthernetFrame.ETHERTYPE_ARP) {
            return arpProblem();
        }
        if (ethernet.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
            return "EtherType 0x" + Integer.toHexString(ethernet.etherType());
        }
        reason = ipv4.wrap(frame, ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason != null) {
            return "undecodable IPv4 datagram: " + reason;
        }
        int destination = ipv4.destinationAddress();
        if (ipv4.sourceAddress() != config.localAddress()) {
            return "source address " + Ipv4Address.format(ipv4.sourceAddress()) + " is not ours";
        }
        if (destination == config.localAddress() || config.isBroadcast(destination)
                || Ipv4Address.isMulticast(destination) || Ipv4Address.isLoopback(destination)
                || Ipv4Address.isThisNetwork(destination) || Ipv4Address.isReserved(destination)) {
            return "sent to " + Ipv4Address.format(destination);
        }
        if (ipv4.isFragment()) {
            // A reply larger than the MTU (an echo reply to a reassembled request) leaves in fragments, whose
            // transport checksum covers the whole datagram.
            otherKinds |= 1L << IP_FRAGMENT;
            return null;
        }
        if (ipv4.protocol() == Ipv4Packet.PROTOCOL_TCP) {
            reason = tcp.wrap(frame, ipv4.payloadOffset(), ipv4.payloadLength(), ipv4.sourceAddress(), destination);
            if (reason != null) {
                return "undecodable TCP segment: " + reason;
            }
            tcpFlagSets |= 1L << (tcp.flags() & 0x3F);
            return null;
        }
        if (ipv4.protocol() == Ipv4Packet.PROTOCOL_ICMP) {
            return icmpProblem();
        }
        return "IP protocol " + ipv4.protocol();
    }

    private String arpProblem() {
        DropReason reason = arp.wrap(ethernet.buffer(), ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason != null) {
            return "undecodable ARP packet: " + reason;
        }
        if (arp.senderMac() != config.mac() || arp.senderIp() != config.localAddress()) {
            return "ARP sender is not us";
        }
        otherKinds |= 1L << (arp.operation() == ArpPacket.OPERATION_REQUEST ? ARP_REQUEST : ARP_REPLY);
        return null;
    }

    private String icmpProblem() {
        DropReason reason = icmp.wrap(ipv4.buffer(), ipv4.payloadOffset(), ipv4.payloadLength());
        if (reason == DropReason.BAD_ICMP_QUOTE && quotesAWholeShortDatagram()) {
            // RFC 1812 4.3.2.3: an error quotes as much of the datagram as fits; one with under 8 bytes of
            // payload is quoted whole, which receivers such as ours and Linux's may ignore, but is not wrong.
            reason = null;
        }
        if (reason != null) {
            return "undecodable ICMP message: " + reason;
        }
        int type = ipv4.buffer().getUnsignedByte(ipv4.payloadOffset());
        switch (type) {
            case IcmpMessage.TYPE_ECHO_REPLY -> otherKinds |= 1L << ICMP_ECHO_REPLY;
            case IcmpMessage.TYPE_DESTINATION_UNREACHABLE -> otherKinds |= 1L << ICMP_UNREACHABLE;
            case IcmpMessage.TYPE_TIME_EXCEEDED -> otherKinds |= 1L << ICMP_TIME_EXCEEDED;
            default -> {
                return "ICMP type " + type;
            }
        }
        return null;
    }

    /** Whether the ICMP error in the current datagram quotes a whole datagram of under 8 payload bytes. */
    private boolean quotesAWholeShortDatagram() {
        int quoteOffset = ipv4.payloadOffset() + IcmpMessage.HEADER_LENGTH;
        int quoteLength = ipv4.payloadLength() - IcmpMessage.HEADER_LENGTH;
        return quoted.wrapQuoted(ipv4.buffer(), quoteOffset, quoteLength) == null
                && quoted.totalLength() == quoteLength
                && quoted.payloadLength() < IcmpMessage.MIN_QUOTED_PAYLOAD;
    }
}
