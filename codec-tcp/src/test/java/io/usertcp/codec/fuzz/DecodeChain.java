package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;

/**
 * Feeds frames through the codec's views the way the stack's inbound path will (Ethernet, then ARP or
 * IPv4 by EtherType, then ICMP or TCP by protocol) and, after each view accepts, reads every accessor, so
 * an accessor that reads outside the buffer throws here. It also checks what the views promise about the
 * regions they describe: a view that accepted input must only point inside the bytes it was given, its
 * lengths must add up, and no view may move the buffer's indexes. {@link #feed} drives each decoder on
 * its own at any region, so inner decoders meet mutated input even where an outer layer would drop it.
 *
 * <p>Every broken promise is an {@link AssertionError} naming it; the fuzz test adds the input and how to
 * reproduce it. One instance per test, reused for every input as the stack reuses its views.
 */
final class DecodeChain {
    private final OutcomeTally tally;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final IcmpMessage icmp = new IcmpMessage();
    private final TcpSegment tcp = new TcpSegment();
    private final TcpOptions options = new TcpOptions();

    /** A fold of every field read, printed with the distribution: the same seed must give the same value. */
    private long fieldFold;

    DecodeChain(OutcomeTally tally) {
        this.tally = tally;
    }

    long fieldFold() {
        return fieldFold;
    }

    /**
     * Decodes the frame in {@code length} bytes at {@code offset} through every layer and counts the
     * outcome. Returns null when the frame reached a layer that accepts it, else why it was dropped.
     */
    DropReason decode(ByteBuf buf, int offset, int length) {
        int readerIndex = buf.readerIndex();
        int writerIndex = buf.writerIndex();
        DropReason reason = decodeLayers(buf, offset, length);
        check(buf.readerIndex() == readerIndex && buf.writerIndex() == writerIndex, "a view moved the indexes");
        if (reason != null) {
            tally.countChainDrop(reason);
        }
        return reason;
    }

    private DropReason decodeLayers(ByteBuf buf, int offset, int length) {
        DropReason reason = wrapEthernet(buf, offset, length);
        if (reason != null) {
            return reason;
        }
        int etherType = ethernet.etherType();
        if (etherType == EthernetFrame.ETHERTYPE_ARP) {
            reason = wrapArp(buf, ethernet.payloadOffset(), ethernet.payloadLength());
            if (reason == null) {
                tally.countChainDecoded(DecodedAs.ARP);
            }
            return reason;
        }
        if (etherType != EthernetFrame.ETHERTYPE_IPV4) {
            return DropReason.UNSUPPORTED_ETHERTYPE;
        }
        // Fragments are decoded like whole datagrams: reassembly is not the codec's, and a reassembled
        // datagram may hold anything a fragment does.
        reason = wrapIpv4(buf, ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason != null) {
            return reason;
        }
        int protocol = ipv4.protocol();
        if (protocol == Ipv4Packet.PROTOCOL_ICMP) {
            reason = wrapIcmp(buf, ipv4.payloadOffset(), ipv4.payloadLength());
            if (reason == null) {
                tally.countChainDecoded(icmp.carriesQuote() ? DecodedAs.ICMP_QUOTE : DecodedAs.ICMP);
            }
            return reason;
        }
        if (protocol == Ipv4Packet.PROTOCOL_TCP) {
            reason = wrapTcp(buf, ipv4.payloadOffset(), ipv4.payloadLength(), ipv4.sourceAddress(),
                    ipv4.destinationAddress());
            if (reason == null) {
                tally.countChainDecoded(tcp.headerLength() > TcpSegment.MIN_HEADER_LENGTH
                        ? DecodedAs.TCP_OPTIONS : DecodedAs.TCP);
            }
            return reason;
        }
        tally.countChainDecoded(DecodedAs.OTHER_IP_PROTOCOL);
        return null;
    }

    /**
     * Hands {@code length} bytes at {@code offset} straight to one decoder, with these addresses for the
     * TCP pseudo-header, reads everything it accepted and counts the outcome.
     */
    DropReason feed(Decoder decoder, ByteBuf buf, int offset, int length, int sourceAddress,
                    int destinationAddress) {
        int readerIndex = buf.readerIndex();
        int writerIndex = buf.writerIndex();
        DropReason reason = switch (decoder) {
            case ETHERNET -> wrapEthernet(buf, offset, length);
            case ARP -> wrapArp(buf, offset, length);
            case IPV4 -> wrapIpv4(buf, offset, length);
            case IPV4_QUOTED -> wrapQuoted(buf, offset, length);
            case ICMP -> wrapIcmp(buf, offset, length);
            case TCP -> wrapTcp(buf, offset, length, sourceAddress, destinationAddress);
            case TCP_OPTIONS -> parseOptions(buf, offset, length);
        };
        check(buf.readerIndex() == readerIndex && buf.writerIndex() == writerIndex, "a view moved the indexes");
        tally.countDirect(decoder, reason);
        return reason;
    }

    private DropReason wrapEthernet(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.ETHERNET, ethernet.wrap(buf, offset, length));
        if (reason == null) {
            readEthernet(buf, offset, length);
        }
        return reason;
    }

    private DropReason wrapArp(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.ARP, arp.wrap(buf, offset, length));
        if (reason == null) {
            readArp(buf, offset, length);
        }
        return reason;
    }

    private DropReason wrapIpv4(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.IPV4, ipv4.wrap(buf, offset, length));
        if (reason == null) {
            readIpv4(ipv4, buf, offset, length, false);
        }
        return reason;
    }

    private DropReason wrapQuoted(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.IPV4_QUOTED, ipv4.wrapQuoted(buf, offset, length));
        if (reason == null) {
            readIpv4(ipv4, buf, offset, length, true);
        }
        return reason;
    }

    private DropReason wrapIcmp(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.ICMP, icmp.wrap(buf, offset, length));
        if (reason == null) {
            readIcmp(buf, offset, length);
        }
        return reason;
    }

    private DropReason wrapTcp(ByteBuf buf, int offset, int length, int sourceAddress,
                               int destinationAddress) {
        DropReason reason = expect(Decoder.TCP, tcp.wrap(buf, offset, length, sourceAddress,
                destinationAddress));
        if (reason == null) {
            readTcp(buf, offset, length);
        } else if (reason == DropReason.BAD_OPTION_LENGTH) {
            checkEmpty(tcp.options());
        }
        return reason;
    }

    private DropReason parseOptions(ByteBuf buf, int offset, int length) {
        DropReason reason = expect(Decoder.TCP_OPTIONS, options.parse(buf, offset, length));
        if (reason == null) {
            readOptions(options);
        } else {
            checkEmpty(options);
        }
        return reason;
    }

    private void readEthernet(ByteBuf buf, int offset, int length) {
        check(ethernet.buffer() == buf && ethernet.offset() == offset && ethernet.length() == length,
                "Ethernet view does not describe the region it accepted");
        check(ethernet.payloadOffset() == offset + EthernetFrame.HEADER_LENGTH
                && ethernet.payloadLength() == length - EthernetFrame.HEADER_LENGTH,
                "Ethernet payload is not the rest of the frame");
        fieldFold += ethernet.destination() + ethernet.source() + ethernet.etherType();
    }

    private void readArp(ByteBuf buf, int offset, int length) {
        check(arp.buffer() == buf && arp.offset() == offset && arp.length() == ArpPacket.LENGTH
                && length >= ArpPacket.LENGTH, "ARP view accepted fewer bytes than a packet");
        int operation = arp.operation();
        check(operation == ArpPacket.OPERATION_REQUEST || operation == ArpPacket.OPERATION_REPLY,
                "ARP view accepted an operation other than request or reply");
        fieldFold += operation + arp.senderMac() + arp.senderIp() + arp.targetMac() + arp.targetIp();
    }

    private void readIpv4(Ipv4Packet packet, ByteBuf buf, int offset, int length, boolean quoted) {
        int headerLength = packet.headerLength();
        int totalLength = packet.totalLength();
        check(packet.buffer() == buf && packet.offset() == offset, "IPv4 view does not start where it was put");
        check(packet.version() == Ipv4Packet.VERSION, "IPv4 view accepted a version other than 4");
        check(headerLength >= Ipv4Packet.MIN_HEADER_LENGTH && headerLength <= 60 && headerLength % 4 == 0
                && headerLength <= packet.length(), "IPv4 header length outside 20..60 or past the datagram");
        check(totalLength >= headerLength, "IPv4 view accepted a total length below the header length");
        check(packet.length() == Math.min(totalLength, length) && (quoted || totalLength <= length),
                "IPv4 length is not the total length within the region");
        check(packet.optionsOffset() == offset + Ipv4Packet.MIN_HEADER_LENGTH
                && packet.optionsLength() == headerLength - Ipv4Packet.MIN_HEADER_LENGTH,
                "IPv4 options are not the rest of the header");
        check(packet.payloadOffset() == offset + headerLength
                && packet.payloadLength() == packet.length() - headerLength,
                "IPv4 payload is not the rest of the datagram");
        fieldFold += packet.typeOfService() + packet.dscp() + packet.ecn() + packet.identification()
                + packet.flagsAndFragmentOffset() + (packet.dontFragment() ? 1 : 0) + (packet.moreFragments() ? 2 : 0)
                + packet.fragmentOffset() + (packet.isFragment() ? 4 : 0) + packet.ttl() + packet.protocol()
                + packet.headerChecksum() + packet.sourceAddress() + packet.destinationAddress();
    }

    private void readIcmp(ByteBuf buf, int offset, int length) {
        check(icmp.buffer() == buf && icmp.offset() == offset && icmp.length() == length,
                "ICMP view does not describe the region it accepted");
        check(icmp.payloadOffset() == offset + IcmpMessage.HEADER_LENGTH
                && icmp.payloadLength() == length - IcmpMessage.HEADER_LENGTH
                && icmp.quotedOffset() == icmp.payloadOffset()
                && icmp.quotedLength() == icmp.payloadLength(), "ICMP body is not the rest of the message");
        fieldFold += icmp.type() + icmp.code() + icmp.checksum() + icmp.restOfHeader()
                + icmp.identifier() + icmp.sequenceNumber() + icmp.nextHopMtu();
        if (icmp.carriesQuote()) {
            Ipv4Packet quoted = icmp.quotedDatagram();
            readIpv4(quoted, buf, icmp.quotedOffset(), icmp.quotedLength(), true);
            check(quoted.payloadLength() >= IcmpMessage.MIN_QUOTED_PAYLOAD,
                    "ICMP error accepted with less than 8 quoted payload bytes");
            // What the stack reads next to find the connection: the quoted ports and sequence number.
            int quotedTransport = quoted.payloadOffset();
            fieldFold += buf.getUnsignedShort(quotedTransport) + buf.getUnsignedShort(quotedTransport + 2)
                    + buf.getInt(quotedTransport + 4);
        }
    }

    private void readTcp(ByteBuf buf, int offset, int length) {
        int headerLength = tcp.headerLength();
        check(tcp.buffer() == buf && tcp.offset() == offset && tcp.length() == length,
                "TCP view does not describe the region it accepted");
        check(headerLength >= TcpSegment.MIN_HEADER_LENGTH && headerLength <= TcpSegment.MAX_HEADER_LENGTH
                && headerLength % 4 == 0 && headerLength <= length,
                "TCP header length outside 20..60 or past the segment");
        check(tcp.payloadOffset() == offset + headerLength && tcp.payloadLength() == length - headerLength,
                "TCP payload is not the rest of the segment");
        int flags = tcp.flags();
        check((flags & ~TcpFlags.ALL) == 0 && tcp.hasFlags(flags), "TCP flags beyond 12 bits");
        fieldFold += tcp.sourcePort() + tcp.destinationPort() + tcp.sequenceNumber()
                + tcp.acknowledgmentNumber() + flags + tcp.window() + tcp.checksum()
                + tcp.urgentPointer();
        readOptions(tcp.options());
    }

    private void readOptions(TcpOptions parsed) {
        int mss = parsed.mss();
        int windowScale = parsed.windowScale();
        int blocks = parsed.sackBlockCount();
        check(mss >= -1 && mss <= 0xFFFF, "MSS outside -1..65535");
        check(windowScale >= -1 && windowScale <= 0xFF, "window scale outside -1..255");
        check(blocks >= 0 && blocks <= TcpOptions.MAX_SACK_BLOCKS, "SACK block count outside 0..4");
        for (int block = 0; block < blocks; block++) {
            fieldFold += parsed.sackLeftEdge(block) + parsed.sackRightEdge(block);
        }
        fieldFold += mss + windowScale + (parsed.sackPermitted() ? 1 : 0) + (parsed.hasTimestamps() ? 2 : 0)
                + parsed.tsVal() + parsed.tsEcr();
    }

    /** TcpOptions.parse promises an empty holder after rejecting, so no half-parsed option leaks out. */
    private static void checkEmpty(TcpOptions rejected) {
        if (rejected.mss() != -1 || rejected.windowScale() != -1 || rejected.sackPermitted()
                || rejected.hasTimestamps() || rejected.sackBlockCount() != 0) {
            throw new AssertionError("broken promise: rejected options left values behind: " + rejected);
        }
    }

    private static DropReason expect(Decoder decoder, DropReason reason) {
        if (!decoder.mayReturn(reason)) {
            throw new AssertionError(decoder + " returned " + reason + ", not one of its reasons " + decoder.reasons());
        }
        return reason;
    }

    private static void check(boolean promiseKept, String promise) {
        if (!promiseKept) {
            throw new AssertionError("broken promise: " + promise);
        }
    }
}
