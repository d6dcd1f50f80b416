package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;

import java.util.SplittableRandom;

/**
 * ICMP errors about segments the stack under fuzz really sent, as a router on the path (or the peer) would
 * send them: so the errors quote live 4-tuples and sequence numbers between SND.UNA and SND.NXT, and reach
 * TCP's handling of soft and hard errors and path MTU discovery (RFC 5927, RFC 1191) instead of stopping
 * at the quote checks. Fragmentation-needed carries next-hop MTUs from absurdly small to larger than the
 * link's.
 */
final class RouterErrors {
    private static final int[] NEXT_HOP_MTUS = {0, 1, 68, 296, 576, 1006, 1280, 1492, 1500, 9000, 0xFFFF};
    private static final FrameBuffers BUFFERS = new FrameBuffers(UnpooledByteBufAllocator.DEFAULT);

    private final int routerAddress;
    private final long routerMac;
    private final long victimMac;
    private final Ipv4Packet sent = new Ipv4Packet();

    RouterErrors(int routerAddress, long routerMac, long victimMac) {
        this.routerAddress = routerAddress;
        this.routerMac = routerMac;
        this.victimMac = victimMac;
    }

    /** A frame carrying an ICMP error about the IPv4 datagram in {@code sentFrame}, or null if it holds none. */
    byte[] about(ByteBuf sentFrame, SplittableRandom random) {
        int start = sentFrame.readerIndex();
        if (sentFrame.readableBytes() < EthernetFrame.HEADER_LENGTH
                || sentFrame.getUnsignedShort(start + 12) != EthernetFrame.ETHERTYPE_IPV4
                || sent.wrap(sentFrame, start + EthernetFrame.HEADER_LENGTH,
                sentFrame.readableBytes() - EthernetFrame.HEADER_LENGTH) != null) {
            return null;
        }
        ByteBuf error = BUFFERS.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        try {
            IcmpMessageWriter.appendQuote(error, sent);
            switch (random.nextInt(4)) {
                case 0 -> IcmpMessageWriter.prependError(error, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                        IcmpMessage.CODE_FRAGMENTATION_NEEDED, NEXT_HOP_MTUS[random.nextInt(NEXT_HOP_MTUS.length)]);
                case 1 -> IcmpMessageWriter.prependError(error, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
                        random.nextInt(16), 0);
                case 2 -> IcmpMessageWriter.prependError(error, IcmpMessage.TYPE_TIME_EXCEEDED, random.nextInt(2), 0);
                default -> IcmpMessageWriter.prependError(error, random.nextInt(256), random.nextInt(256), 0);
            }
            int source = random.nextBoolean() ? routerAddress : sent.destinationAddress();
            Ipv4HeaderWriter.prepend(error, 0xC0, random.nextInt(0x10000), 0, Ipv4HeaderWriter.DEFAULT_TTL,
                    Ipv4Packet.PROTOCOL_ICMP, source, sent.sourceAddress());
            EthernetHeaderWriter.prepend(error, victimMac, routerMac, EthernetFrame.ETHERTYPE_IPV4);
            return ByteBufUtil.getBytes(error);
        } finally {
            error.release();
        }
    }
}
