package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Makes a mutated frame's checksums (and optionally its IPv4 total length) right again. Without this
 * almost every mutation dies at the first checksum and the option parser and the ICMP quote checks are
 * never reached; with it the decoders meet structurally hostile input that a careful attacker, who can
 * always compute checksums, would send.
 */
public final class ChecksumRepair {
    private static final int IP_TOTAL_LENGTH = 2;
    private static final int IP_CHECKSUM = 10;
    private static final int IP_SOURCE = 12;
    private static final int IP_DESTINATION = 16;
    private static final int ICMP_CHECKSUM = 2;
    private static final int TCP_CHECKSUM = 16;

    private final FrameLayout layout = new FrameLayout();

    /**
     * Repairs the frame in {@code length} bytes at {@code offset}: with {@code fixTotalLength} the IPv4
     * total length is first set to what the frame carries; then the TCP or ICMP checksum over the payload
     * the IPv4 view will hand on, and the IPv4 header checksum.
     */
    public void repairFrame(ByteBuf buf, int offset, int length, boolean fixTotalLength) {
        layout.read(buf, offset, length);
        if (layout.ipHeaderLength == FrameLayout.ABSENT) {
            return;
        }
        int ip = offset + FrameLayout.IP;
        if (fixTotalLength) {
            buf.setShort(ip + IP_TOTAL_LENGTH, Math.min(length - FrameLayout.IP, Ipv4Packet.MAX_TOTAL_LENGTH));
            layout.read(buf, offset, length);
        }
        if (layout.transport != FrameLayout.ABSENT) {
            int transport = offset + layout.transport;
            if (layout.protocol == Ipv4Packet.PROTOCOL_TCP) {
                repairTcp(buf, transport, layout.transportLength,
                        buf.getInt(ip + IP_SOURCE), buf.getInt(ip + IP_DESTINATION));
            } else if (layout.protocol == Ipv4Packet.PROTOCOL_ICMP) {
                repairIcmp(buf, transport, layout.transportLength);
            }
        }
        repairIpv4Header(buf, ip, length - FrameLayout.IP);
    }

    /** Fills in the header checksum of the IPv4 header at {@code offset} if its IHL fits in {@code length}. */
    public static void repairIpv4Header(ByteBuf buf, int offset, int length) {
        if (length < Ipv4Packet.MIN_HEADER_LENGTH) {
            return;
        }
        int headerLength = (buf.getUnsignedByte(offset) & 0x0F) * 4;
        if (headerLength >= Ipv4Packet.MIN_HEADER_LENGTH && headerLength <= length) {
            buf.setShort(offset + IP_CHECKSUM, 0);
            buf.setShort(offset + IP_CHECKSUM, InternetChecksum.compute(buf, offset, headerLength));
        }
    }

    /** Fills in the checksum of the ICMP message in {@code length} bytes at {@code offset}, if its field fits. */
    public static void repairIcmp(ByteBuf buf, int offset, int length) {
        if (length >= ICMP_CHECKSUM + 2) {
            buf.setShort(offset + ICMP_CHECKSUM, 0);
            buf.setShort(offset + ICMP_CHECKSUM, InternetChecksum.compute(buf, offset, length));
        }
    }

    /** Fills in the checksum of the TCP segment in {@code length} bytes at {@code offset}, if its field fits. */
    public static void repairTcp(ByteBuf buf, int offset, int length, int sourceAddress, int destinationAddress) {
        if (length >= TCP_CHECKSUM + 2) {
            buf.setShort(offset + TCP_CHECKSUM, 0);
            long pseudoHeader = InternetChecksum.pseudoHeader(sourceAddress, destinationAddress,
                    Ipv4Packet.PROTOCOL_TCP, length);
            buf.setShort(offset + TCP_CHECKSUM, InternetChecksum.finish(InternetChecksum.add(buf, offset, length,
                    pseudoHeader)));
        }
    }
}
