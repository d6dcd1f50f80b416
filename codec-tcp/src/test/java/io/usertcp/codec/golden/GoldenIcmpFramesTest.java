package io.usertcp.codec.golden;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.GoldenFrames;
import io.usertcp.testing.pcap.TsharkFields;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every frame of golden/ping.pcap decoded through the Ethernet, IPv4 and ICMP views and compared with
 * tshark: echoes, a fragmented echo each way, and port unreachable, time exceeded and fragmentation needed
 * with the datagrams they quote. Every frame gets the Ethernet and IPv4 tests; above IPv4, whole ICMP
 * messages get the ICMP tests, each fragment's payload is checked as part of its reassembled datagram on
 * the last fragment, and the UDP probe gets the UDP test.
 */
@ExtendWith(FrameNameOnFailure.class)
class GoldenIcmpFramesTest {
    /** tshark's checksum status for a checksum it verified as good. */
    private static final int CHECKSUM_GOOD = 1;

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "pingFrames")
    void ethernetHeaderMatchesTshark(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            EthernetFrame ethernet = decoded.ethernet();

            EthernetColumns.assertMatches(frame.fields(), ethernet);
            assertEquals(EthernetFrame.ETHERTYPE_IPV4, ethernet.etherType());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "pingFrames")
    void ipv4HeaderMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet ip = decoded.ipv4();

            Ipv4Columns.assertMatches(row, 0, ip);
            boolean fragment = (row.intValue("ip.flags", 0) & 0x01) != 0 || row.intValue("ip.frag_offset", 0) != 0;
            assertEquals(fragment, ip.isFragment(), "isFragment: MF or a non-zero offset");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "pingFrames")
    void bytesAfterTheDatagramAreTsharksPaddingOrTrailer(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet ip = decoded.ipv4();

            EthernetColumns.assertBytesAfter(frame.fields(), decoded.ethernet(), ip.offset() + ip.length());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "icmpMessageFrames")
    void icmpHeaderMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            IcmpMessage icmp = decoded.icmp();

            // Occurrence 0 is this message; an error's row lists the quoted ICMP header, if any, next.
            assertAll("ICMP header",
                    () -> assertEquals(row.intValue("icmp.type", 0), icmp.type(), "icmp.type"),
                    () -> assertEquals(row.intValue("icmp.code", 0), icmp.code(), "icmp.code"),
                    () -> assertEquals(row.intValue("icmp.checksum", 0), icmp.checksum(), "icmp.checksum"),
                    () -> assertEquals(CHECKSUM_GOOD, row.intValue("icmp.checksum.status", 0),
                            "icmp.checksum.status of a message IcmpMessage.wrap verified"),
                    () -> assertEquals(GoldenFrameSource.isIcmpError(row.intValue("icmp.type", 0)),
                            icmp.carriesQuote(), "carriesQuote"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "icmpEchoFrames")
    void echoIdentifierAndSequenceMatchTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            IcmpMessage icmp = decoded.icmp();

            assertAll("ICMP echo",
                    () -> assertEquals(row.intValue("icmp.ident"), icmp.identifier(), "icmp.ident"),
                    () -> assertEquals(row.intValue("icmp.seq"), icmp.sequenceNumber(), "icmp.seq"));
        }
    }

    /** RFC 1191: only fragmentation needed carries a next-hop MTU. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "icmpMessageFrames")
    void nextHopMtuMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            IcmpMessage icmp = decoded.icmp();

            boolean fragmentationNeeded = icmp.type() == IcmpMessage.TYPE_DESTINATION_UNREACHABLE
                    && icmp.code() == IcmpMessage.CODE_FRAGMENTATION_NEEDED;
            assertEquals(fragmentationNeeded, row.has("icmp.mtu"), "icmp.mtu present");
            if (fragmentationNeeded) {
                assertEquals(row.intValue("icmp.mtu"), icmp.nextHopMtu(), "icmp.mtu");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "icmpErrorFrames")
    void quotedIpv4HeaderMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            IcmpMessage icmp = decoded.icmp();
            Ipv4Packet quote = icmp.quotedDatagram();

            Ipv4Columns.assertMatches(row, 1, quote);
            // The quote holds the quoted datagram up to its total length or the end of the message.
            assertEquals(Math.min(quote.totalLength(), icmp.quotedLength()), quote.length(), "quoted bytes present");
        }
    }

    /**
     * The quoted transport header's first 8 bytes, which RFC 1122 3.2.2 guarantees and IcmpMessage.wrap
     * checked: read from the quote's payload as the stack will read quoted ports, and compared with
     * tshark's decode of the quoted UDP or ICMP header (the stack has no UDP codec, and a quoted ICMP
     * message cut short cannot pass IcmpMessage.wrap's checksum, so these are read in place).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "icmpErrorFrames")
    void quotedTransportHeaderMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet quote = decoded.icmp().quotedDatagram();
            ByteBuf buf = quote.buffer();
            int at = quote.payloadOffset();

            switch (quote.protocol()) {
                case Ipv4Packet.PROTOCOL_UDP:
                    assertAll("quoted UDP header",
                            () -> assertEquals(row.intValue("udp.srcport"), buf.getUnsignedShort(at), "udp.srcport"),
                            () -> assertEquals(row.intValue("udp.dstport"), buf.getUnsignedShort(at + 2), "udp.dstport"),
                            () -> assertEquals(row.intValue("udp.length"), buf.getUnsignedShort(at + 4), "udp.length"),
                            () -> assertEquals(row.intValue("udp.checksum"), buf.getUnsignedShort(at + 6), "udp.checksum"));
                    break;
                case Ipv4Packet.PROTOCOL_ICMP:
                    assertAll("quoted ICMP echo header",
                            () -> assertEquals(row.intValue("icmp.type", 1), buf.getUnsignedByte(at), "icmp.type"),
                            () -> assertEquals(row.intValue("icmp.code", 1), buf.getUnsignedByte(at + 1), "icmp.code"),
                            () -> assertEquals(row.intValue("icmp.checksum", 1), buf.getUnsignedShort(at + 2),
                                    "icmp.checksum"),
                            () -> assertEquals(row.intValue("icmp.ident"), buf.getUnsignedShort(at + 4), "icmp.ident"),
                            () -> assertEquals(row.intValue("icmp.seq"), buf.getUnsignedShort(at + 6), "icmp.seq"));
                    break;
                default:
                    fail("no comparison for a quoted protocol " + quote.protocol());
            }
        }
    }

    /**
     * tshark shows the ICMP fields of the reassembled echo on the row of its last fragment, so the test
     * reassembles the datagram from the capture's fragments and decodes the ICMP message from that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "lastFragmentFrames")
    void reassembledEchoMatchesTsharkOnTheLastFragment(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        ByteBuf datagram = Ipv4Reassembly.payload(GoldenFrameSource.capture(GoldenFrames.PING), frame);
        try {
            IcmpMessage icmp = new IcmpMessage();
            assertNull(icmp.wrap(datagram, 0, datagram.readableBytes()), "IcmpMessage.wrap of the reassembled datagram");

            assertAll("reassembled ICMP echo",
                    () -> assertEquals(row.intValue("icmp.type"), icmp.type(), "icmp.type"),
                    () -> assertEquals(row.intValue("icmp.code"), icmp.code(), "icmp.code"),
                    () -> assertEquals(row.intValue("icmp.checksum"), icmp.checksum(), "icmp.checksum"),
                    () -> assertEquals(CHECKSUM_GOOD, row.intValue("icmp.checksum.status"), "icmp.checksum.status"),
                    () -> assertEquals(row.intValue("icmp.ident"), icmp.identifier(), "icmp.ident"),
                    () -> assertEquals(row.intValue("icmp.seq"), icmp.sequenceNumber(), "icmp.seq"),
                    () -> assertFalse(row.has("icmp.mtu"), "icmp.mtu on an echo"),
                    () -> assertFalse(icmp.carriesQuote(), "carriesQuote"));
        } finally {
            datagram.release();
        }
    }

    /**
     * The stack has no UDP codec: the UDP probe is checked down to IPv4 (the tests above) and here as an
     * IPv4 datagram of protocol 17 whose payload is as long as tshark's UDP length says.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "udpFrames")
    void udpDatagramIsIpv4Protocol17(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            Ipv4Packet ip = decoded.ipv4();

            assertEquals(Ipv4Packet.PROTOCOL_UDP, ip.protocol(), "ip.proto");
            assertEquals(row.intValue("udp.length"), ip.payloadLength(), "udp.length");
        }
    }
}
