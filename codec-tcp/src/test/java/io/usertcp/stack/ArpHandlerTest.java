package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.neighbour.NeighbourState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.OUR_MAC;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static io.usertcp.stack.StackFrames.PEER_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpHandlerTest {
    @Test
    void requestForOurAddressIsAnsweredToTheAsker() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.arpRequestFromPeer(OUR_IP));
            List<ByteBuf> sent = stack.sent();
            try {
                assertEquals(1, sent.size());
                ByteBuf frame = sent.get(0);
                assertEquals(PEER_MAC, MacAddress.read(frame, frame.readerIndex()));
                assertEquals(OUR_MAC, MacAddress.read(frame, frame.readerIndex() + 6));
                ArpPacket reply = StackFrames.arpOf(frame);
                assertEquals(ArpPacket.OPERATION_REPLY, reply.operation());
                assertEquals(OUR_MAC, reply.senderMac());
                assertEquals(OUR_IP, reply.senderIp());
                assertEquals(PEER_MAC, reply.targetMac());
                assertEquals(PEER_IP, reply.targetIp());
            } finally {
                StackFrames.releaseAll(sent);
            }
            assertEquals(1, stack.counters().arpRequestsIn());
            assertEquals(1, stack.counters().arpRepliesOut());
        }
    }

    @Test
    void requestForAnotherAddressIsNotAnswered() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.arpRequestFromPeer(Ipv4Address.parse("198.18.0.3")));
            List<ByteBuf> sent = stack.sent();
            StackFrames.releaseAll(sent);
            assertEquals(0, sent.size());
            assertEquals(1, stack.counters().arpRequestsIn());
            assertEquals(0, stack.counters().arpRepliesOut());
        }
    }

    @Test
    void malformedArpIsDroppedAndCounted() {
        try (TestStack stack = TestStack.started()) {
            ByteBuf frame = StackFrames.arpRequestFromPeer(OUR_IP);
            frame.setShort(frame.readerIndex() + EthernetFrame.HEADER_LENGTH + 6, 9);
            stack.receive(frame);
            assertEquals(1, stack.drops(DropReason.ARP_BAD_OPERATION));
        }
    }

    @Test
    void outboundDatagramsWaitForResolutionAndLeaveInOrderAfterTheReply() {
        try (TestStack stack = TestStack.started()) {
            for (int i = 0; i < 3; i++) {
                ByteBuf payload = StackFrames.BUFFERS.allocate(1);
                payload.writeByte(i);
                stack.channel.pipeline().context(StackPipeline.ICMP).write(new OutboundDatagram().set(payload,
                        OUR_IP, PEER_IP, Ipv4Packet.PROTOCOL_TCP, 0, true));
            }
            stack.channel.flush();
            List<ByteBuf> whileResolving = stack.sent();
            try {
                assertEquals(1, whileResolving.size(), "only the ARP request leaves while resolving");
                ArpPacket request = StackFrames.arpOf(whileResolving.get(0));
                assertEquals(ArpPacket.OPERATION_REQUEST, request.operation());
                assertEquals(PEER_IP, request.targetIp());
            } finally {
                StackFrames.releaseAll(whileResolving);
            }
            assertEquals(NeighbourState.INCOMPLETE, stack.stack.neighbours().state(PEER_IP));

            stack.receive(StackFrames.arp(ArpPacket.OPERATION_REPLY, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP, OUR_MAC));
            List<ByteBuf> released = stack.sent();
            try {
                assertEquals(3, released.size());
                for (int i = 0; i < 3; i++) {
                    ByteBuf frame = released.get(i);
                    assertEquals(PEER_MAC, MacAddress.read(frame, frame.readerIndex()));
                    Ipv4Packet datagram = StackFrames.ipv4Of(frame);
                    assertEquals(PEER_IP, datagram.destinationAddress());
                    assertEquals(i, frame.getByte(datagram.payloadOffset()));
                }
            } finally {
                StackFrames.releaseAll(released);
            }
            assertTrue(stack.stack.neighbours().state(PEER_IP) == NeighbourState.REACHABLE);
        }
    }
}
