package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.usertcp.stack.StackFrames.GATEWAY_IP;
import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static io.usertcp.stack.StackFrames.REMOTE_IP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4HandlerTest {
    private static final int TCP = Ipv4Packet.PROTOCOL_TCP;
    private static final byte[] SEGMENT = StackFrames.pattern(40);

    @Test
    void tcpSegmentIsDeliveredWithItsTransportRegion() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, SEGMENT));
            assertEquals(1, stack.delivered.size());
            TestStack.Delivered packet = stack.delivered.get(0);
            assertEquals(PEER_IP, packet.source());
            assertEquals(OUR_IP, packet.destination());
            assertEquals(TCP, packet.protocol());
            assertArrayEquals(SEGMENT, packet.transport());
            assertEquals(1, stack.counters().datagramsIn());
        }
    }

    @Test
    void badHeaderChecksumIsDroppedAndCounted() {
        try (TestStack stack = TestStack.started()) {
            ByteBuf frame = StackFrames.ipv4(PEER_IP, OUR_IP, TCP, SEGMENT);
            int checksum = frame.readerIndex() + EthernetFrame.HEADER_LENGTH + 10;
            frame.setShort(checksum, frame.getUnsignedShort(checksum) ^ 0x0101);
            stack.receive(frame);
            assertEquals(1, stack.drops(DropReason.BAD_IP_CHECKSUM));
            assertTrue(stack.delivered.isEmpty());
        }
    }

    @Test
    void datagramForAnotherAddressIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, Ipv4Address.parse("198.18.0.3"), TCP, SEGMENT));
            assertEquals(1, stack.drops(DropReason.IP_NOT_FOR_US));
            assertTrue(stack.delivered.isEmpty());
        }
    }

    @Test
    void tcpToBroadcastIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, Ipv4Address.parse("198.18.0.255"), TCP, SEGMENT));
            assertEquals(1, stack.drops(DropReason.IP_NOT_FOR_US));
        }
    }

    @Test
    void loopbackSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.parse("127.0.0.1"));
    }

    @Test
    void ourOwnSourceAddressIsDroppedAsMartian() {
        assertMartian(OUR_IP);
    }

    @Test
    void multicastSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.parse("224.0.0.1"));
    }

    @Test
    void subnetBroadcastSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.parse("198.18.0.255"));
    }

    @Test
    void thisNetworkSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.UNSPECIFIED);
    }

    @Test
    void limitedBroadcastSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.parse("255.255.255.255"));
    }

    @Test
    void reservedSourceIsDroppedAsMartian() {
        assertMartian(Ipv4Address.parse("240.0.0.1"));
    }

    @Test
    void tcpToMulticastIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, Ipv4Address.parse("224.0.0.1"), TCP, SEGMENT));
            assertEquals(1, stack.drops(DropReason.IP_NOT_FOR_US));
            assertTrue(stack.delivered.isEmpty());
        }
    }

    @Test
    void tcpToLimitedBroadcastIsDroppedAsNotForUs() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, Ipv4Address.parse("255.255.255.255"), TCP, SEGMENT));
            assertEquals(1, stack.drops(DropReason.IP_NOT_FOR_US));
            assertTrue(stack.delivered.isEmpty());
        }
    }

    private static void assertMartian(int source) {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(source, OUR_IP, TCP, SEGMENT));
            assertEquals(1, stack.drops(DropReason.MARTIAN_SOURCE));
            assertTrue(stack.delivered.isEmpty());
        }
    }

    @Test
    void ttlZeroIsStillDeliveredLocally() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 9, 0, 0, SEGMENT));
            assertEquals(1, stack.delivered.size());
        }
    }

    @Test
    void fragmentsAreReassembledAndDeliveredOnce() {
        try (TestStack stack = TestStack.started()) {
            byte[] first = Arrays.copyOfRange(SEGMENT, 0, 16);
            byte[] second = Arrays.copyOfRange(SEGMENT, 16, SEGMENT.length);
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 4242, 2, 64, second));
            assertTrue(stack.delivered.isEmpty());
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 4242, Ipv4Packet.FLAG_MORE_FRAGMENTS, 64, first));
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 4242, 2, 64, second));
            assertEquals(1, stack.delivered.size());
            assertArrayEquals(SEGMENT, stack.delivered.get(0).transport());
            assertEquals(1, stack.counters().reassembled());
            assertEquals(3, stack.counters().fragmentsIn());
        }
    }

    @Test
    void offLinkDatagramGoesToTheGateway() {
        try (TestStack stack = TestStack.started(StackFrames.config().gateway(GATEWAY_IP).build())) {
            send(stack, REMOTE_IP, SEGMENT, true);
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                assertEquals(GATEWAY_IP, StackFrames.arpOf(sent.get(0)).targetIp());
            } finally {
                StackFrames.releaseAll(sent);
            }
        }
    }

    @Test
    void offLinkDatagramWithoutGatewayIsCountedAsNoRoute() {
        try (TestStack stack = TestStack.started()) {
            send(stack, REMOTE_IP, SEGMENT, true);
            List<ByteBuf> sent = stack.sent();
            StackFrames.releaseAll(sent);
            assertTrue(sent.isEmpty());
            assertEquals(1, stack.counters().noRoute());
        }
    }

    @Test
    void outboundDatagramGetsAValidHeader() {
        try (TestStack stack = resolvedPeer()) {
            send(stack, PEER_IP, SEGMENT, true);
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                Ipv4Packet datagram = StackFrames.ipv4Of(sent.get(0));
                assertEquals(OUR_IP, datagram.sourceAddress());
                assertEquals(PEER_IP, datagram.destinationAddress());
                assertEquals(TCP, datagram.protocol());
                assertEquals(64, datagram.ttl());
                assertTrue(datagram.dontFragment());
                assertFalse(datagram.isFragment());
                assertEquals(SEGMENT.length, datagram.payloadLength());
            } finally {
                StackFrames.releaseAll(sent);
            }
        }
    }

    @Test
    void datagramAboveTheMtuWithoutDontFragmentIsFragmented() {
        try (TestStack stack = resolvedPeer(StackFrames.config().mtu(100).build())) {
            byte[] payload = StackFrames.pattern(250);
            send(stack, PEER_IP, payload, false);
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(4, sent.size(), "80 + 80 + 80 + 10 payload bytes");
                byte[] joined = new byte[payload.length];
                int identification = StackFrames.ipv4Of(sent.get(0)).identification();
                for (int i = 0; i < sent.size(); i++) {
                    Ipv4Packet fragment = StackFrames.ipv4Of(sent.get(i));
                    assertTrue(fragment.length() <= 100);
                    assertEquals(identification, fragment.identification());
                    assertEquals(i * 80, fragment.fragmentOffset());
                    assertEquals(i < 3, fragment.moreFragments());
                    sent.get(i).getBytes(fragment.payloadOffset(), joined, fragment.fragmentOffset(),
                            fragment.payloadLength());
                }
                assertArrayEquals(payload, joined);
                assertEquals(4, stack.counters().fragmentsOut());
            } finally {
                StackFrames.releaseAll(sent);
            }
        }
    }

    @Test
    void dontFragmentDatagramAboveTheMtuIsRefused() {
        try (TestStack stack = resolvedPeer(StackFrames.config().mtu(100).build())) {
            send(stack, PEER_IP, StackFrames.pattern(250), true);
            List<ByteBuf> sent = stack.sent();
            StackFrames.releaseAll(sent);
            assertTrue(sent.isEmpty());
            assertEquals(1, stack.counters().fragmentationRefused());
        }
    }

    private static TestStack resolvedPeer() {
        return resolvedPeer(StackFrames.config().build());
    }

    /** A started stack that has learned the peer's MAC from its ARP request (and whose reply is read). */
    static TestStack resolvedPeer(StackConfig config) {
        TestStack stack = TestStack.started(config);
        stack.receive(StackFrames.arpRequestFromPeer(OUR_IP));
        StackFrames.releaseAll(stack.sent());
        return stack;
    }

    static void send(TestStack stack, int destination, byte[] payload, boolean dontFragment) {
        ByteBuf buf = StackFrames.BUFFERS.allocate(payload.length);
        buf.writeBytes(payload);
        stack.channel.pipeline().context(StackPipeline.ICMP).writeAndFlush(new OutboundDatagram().set(buf, OUR_IP,
                destination, TCP, 0, dontFragment));
    }
}
