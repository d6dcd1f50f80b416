package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.OUR_MAC;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static io.usertcp.stack.StackFrames.PEER_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EthernetHandlerTest {
    private static final byte[] TCP_BYTES = StackFrames.pattern(20);

    @Test
    void gratuitousArpAnnouncesOurAddressOnStart() {
        try (TestStack stack = new TestStack(StackFrames.config().build())) {
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                ByteBuf frame = sent.get(0);
                assertEquals(MacAddress.BROADCAST, MacAddress.read(frame, frame.readerIndex()));
                ArpPacket arp = StackFrames.arpOf(frame);
                assertEquals(ArpPacket.OPERATION_REQUEST, arp.operation());
                assertEquals(OUR_MAC, arp.senderMac());
                assertEquals(OUR_IP, arp.senderIp());
                assertEquals(OUR_IP, arp.targetIp());
                assertEquals(0L, arp.targetMac());
            } finally {
                StackFrames.releaseAll(sent);
            }
        }
    }

    @Test
    void frameForAnotherMacIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(withDestination(MacAddress.parse("02:00:00:00:00:99")));
            assertEquals(1, stack.drops(DropReason.NOT_FOR_US));
            assertEquals(0, stack.delivered.size());
        }
    }

    @Test
    void multicastFrameIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(withDestination(MacAddress.parse("01:00:5e:00:00:01")));
            assertEquals(1, stack.drops(DropReason.NOT_FOR_US));
        }
    }

    @Test
    void broadcastFrameIsAccepted() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.arp(ArpPacket.OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, OUR_IP,
                    MacAddress.BROADCAST));
            StackFrames.releaseAll(stack.sent());
            assertEquals(1, stack.counters().arpRequestsIn());
            assertEquals(0, stack.counters().drops().total());
        }
    }

    @Test
    void unicastDatagramInABroadcastFrameIsDropped() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(withDestination(MacAddress.BROADCAST));
            assertEquals(1, stack.drops(DropReason.UNICAST_IN_LINK_BROADCAST));
            assertEquals(0, stack.delivered.size());
        }
    }

    @Test
    void vlanTaggedFrameIsDroppedAndCounted() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(withEtherType(EthernetFrame.ETHERTYPE_VLAN));
            assertEquals(1, stack.drops(DropReason.VLAN_TAGGED));
        }
    }

    @Test
    void ipv6FrameIsDroppedAsUnsupportedEtherType() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(withEtherType(0x86DD));
            assertEquals(1, stack.drops(DropReason.UNSUPPORTED_ETHERTYPE));
        }
    }

    @Test
    void frameShorterThanTheHeaderIsDroppedAsTruncated() {
        try (TestStack stack = TestStack.started()) {
            ByteBuf frame = StackFrames.BUFFERS.allocate(10);
            frame.writeZero(10);
            stack.receive(frame);
            assertEquals(1, stack.drops(DropReason.TRUNCATED));
            assertEquals(1, stack.counters().framesIn());
        }
    }

    private static ByteBuf withDestination(long destinationMac) {
        ByteBuf frame = StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, TCP_BYTES);
        frame.readerIndex(frame.readerIndex() + EthernetFrame.HEADER_LENGTH);
        EthernetHeaderWriter.prepend(frame, destinationMac, PEER_MAC, EthernetFrame.ETHERTYPE_IPV4);
        return frame;
    }

    private static ByteBuf withEtherType(int etherType) {
        ByteBuf frame = StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, TCP_BYTES);
        frame.readerIndex(frame.readerIndex() + EthernetFrame.HEADER_LENGTH);
        EthernetHeaderWriter.prepend(frame, OUR_MAC, PEER_MAC, etherType);
        return frame;
    }
}
