package io.usertcp.transport.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;

/** Hand-built frames for writing to a device, so the device tests need no codec. */
final class EthernetFrames {
    private EthernetFrames() {
    }

    /** RFC 5227 ARP announcement from the stack's MAC and address: a broadcast the kernel always receives. */
    static ByteBuf arpAnnouncement(ByteBufAllocator allocator) {
        long mac = MacAddress.parse(KernelLink.STACK_MAC);
        int ip = Ipv4Address.parse(KernelLink.STACK_ADDRESS);
        ByteBuf frame = allocator.buffer(42);
        writeMac(frame, MacAddress.BROADCAST);
        writeMac(frame, mac);
        frame.writeShort(0x0806);
        frame.writeShort(1);
        frame.writeShort(0x0800);
        frame.writeByte(6);
        frame.writeByte(4);
        frame.writeShort(1);
        writeMac(frame, mac);
        frame.writeInt(ip);
        writeMac(frame, 0);
        frame.writeInt(ip);
        return frame;
    }

    private static void writeMac(ByteBuf frame, long mac) {
        frame.writeShort((int) (mac >>> 32));
        frame.writeInt((int) mac);
    }
}
