package io.usertcp.codec.golden;

import io.netty.buffer.ByteBufUtil;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.testing.pcap.GoldenFrame;
import io.usertcp.testing.pcap.TsharkFields;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every frame of golden/arp.pcap decoded through the Ethernet and ARP views and compared with tshark. */
@ExtendWith(FrameNameOnFailure.class)
class GoldenArpFramesTest {
    /** RFC 826 ar$hln and ar$pln for Ethernet and IPv4, the only sizes ArpPacket.wrap accepts. */
    private static final int MAC_LENGTH = 6;
    private static final int IPV4_LENGTH = 4;

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "arpFrames")
    void ethernetHeaderMatchesTshark(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            EthernetFrame ethernet = decoded.ethernet();

            EthernetColumns.assertMatches(frame.fields(), ethernet);
            assertEquals(EthernetFrame.ETHERTYPE_ARP, ethernet.etherType());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "arpFrames")
    void arpPacketMatchesTshark(GoldenFrame frame) {
        TsharkFields.Row row = frame.fields();
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            ArpPacket arp = decoded.arp();

            // The view exposes no hardware or protocol type and size: wrap accepted the packet, so they are
            // the Ethernet/IPv4 values it requires, which tshark must show too.
            assertAll("ARP packet",
                    () -> assertEquals(ArpPacket.HARDWARE_TYPE_ETHERNET, row.intValue("arp.hw.type"), "arp.hw.type"),
                    () -> assertEquals(EthernetFrame.ETHERTYPE_IPV4, row.intValue("arp.proto.type"), "arp.proto.type"),
                    () -> assertEquals(MAC_LENGTH, row.intValue("arp.hw.size"), "arp.hw.size"),
                    () -> assertEquals(IPV4_LENGTH, row.intValue("arp.proto.size"), "arp.proto.size"),
                    () -> assertEquals(row.intValue("arp.opcode"), arp.operation(), "arp.opcode"),
                    () -> assertEquals(ByteBufUtil.hexDump(row.bytes("arp.src.hw_mac")),
                            String.format("%012x", arp.senderMac()), "arp.src.hw_mac"),
                    () -> assertEquals(row.ipv4("arp.src.proto_ipv4"), arp.senderIp(), "arp.src.proto_ipv4"),
                    () -> assertEquals(ByteBufUtil.hexDump(row.bytes("arp.dst.hw_mac")),
                            String.format("%012x", arp.targetMac()), "arp.dst.hw_mac"),
                    () -> assertEquals(row.ipv4("arp.dst.proto_ipv4"), arp.targetIp(), "arp.dst.proto_ipv4"));
        }
    }

    /** arping's requests carry a 16-byte trailer (eth.trailer) that is no part of the ARP packet. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(GoldenFrameSource.CLASS + "arpFrames")
    void bytesAfterTheArpPacketAreTsharksPaddingOrTrailer(GoldenFrame frame) {
        try (DecodedFrame decoded = new DecodedFrame(frame)) {
            ArpPacket arp = decoded.arp();

            EthernetColumns.assertBytesAfter(frame.fields(), decoded.ethernet(), arp.offset() + arp.length());
        }
    }
}
