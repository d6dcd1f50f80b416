package io.usertcp.codec.arp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.MacAddress;

/**
 * Prepends an ARP packet for IPv4 over Ethernet (RFC 826) into a {@link FrameBuffers} buffer, ahead of
 * the Ethernet header the caller prepends next. ARP carries no payload, so the readable region must be
 * empty when this is called.
 */
public final class ArpPacketWriter {
    private ArpPacketWriter() {
    }

    /**
     * Moves the reader index back by {@link ArpPacket#LENGTH} and writes the packet there. For a request,
     * pass a target MAC of 0 as Linux does.
     *
     * @throws IllegalStateException if bytes are already readable (ARP has no payload) or the buffer has
     *                               no headroom left
     */
    public static void prepend(ByteBuf buf, int operation, long senderMac, int senderIp, long targetMac,
                               int targetIp) {
        if (buf.isReadable()) {
            throw new IllegalStateException("ARP carries no payload, but " + buf.readableBytes()
                    + " bytes are already readable");
        }
        int start = FrameBuffers.prepend(buf, ArpPacket.LENGTH);
        buf.setShort(start + ArpPacket.HARDWARE_TYPE_OFFSET, ArpPacket.HARDWARE_TYPE_ETHERNET);
        buf.setShort(start + ArpPacket.PROTOCOL_TYPE_OFFSET, EthernetFrame.ETHERTYPE_IPV4);
        buf.setByte(start + ArpPacket.HARDWARE_LENGTH_OFFSET, ArpPacket.MAC_LENGTH);
        buf.setByte(start + ArpPacket.PROTOCOL_LENGTH_OFFSET, ArpPacket.IPV4_LENGTH);
        buf.setShort(start + ArpPacket.OPERATION_OFFSET, operation);
        MacAddress.write(buf, start + ArpPacket.SENDER_MAC_OFFSET, senderMac);
        buf.setInt(start + ArpPacket.SENDER_IP_OFFSET, senderIp);
        MacAddress.write(buf, start + ArpPacket.TARGET_MAC_OFFSET, targetMac);
        buf.setInt(start + ArpPacket.TARGET_IP_OFFSET, targetIp);
    }
}
