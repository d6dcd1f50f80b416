package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.arp.ArpPacketWriter;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.neighbour.NeighbourTable;

/**
 * The ARP layer, {@value StackPipeline#ARP} in the stack pipeline (RFC 826). Consumes ARP packets: each
 * valid one goes to the {@link NeighbourTable} the {@link EthernetHandler} owns (whose class comment holds
 * the caching policy), and a request for our address is answered with a unicast reply to the sender.
 * Requests for other addresses are only learned from, never answered (no proxy ARP). Other packets pass
 * on. Owned by one event loop; not sharable.
 */
public final class ArpHandler extends ChannelInboundHandlerAdapter {
    private final StackConfig config;
    private final Ticker ticker;
    private final StackCounters counters;
    private final NeighbourTable neighbours;
    private final ArpPacket arp = new ArpPacket();
    private FrameBuffers frameBuffers;

    public ArpHandler(StackConfig config, Ticker ticker, StackCounters counters, NeighbourTable neighbours) {
        this.config = config;
        this.ticker = ticker;
        this.counters = counters;
        this.neighbours = neighbours;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        frameBuffers = new FrameBuffers(ctx.alloc());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundPacket)
                || ((InboundPacket) msg).ethernet().etherType() != EthernetFrame.ETHERTYPE_ARP) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundPacket packet = (InboundPacket) msg;
        EthernetFrame ethernet = packet.ethernet();
        DropReason reason = arp.wrap(ethernet.buffer(), ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason != null) {
            counters.drops().increment(reason);
            packet.release();
            return;
        }
        int operation = arp.operation();
        if (operation == ArpPacket.OPERATION_REQUEST) {
            counters.arpRequestsIn++;
        } else {
            counters.arpRepliesIn++;
        }
        long senderMac = arp.senderMac();
        int senderIp = arp.senderIp();
        if (neighbours.onArpPacket(operation, senderMac, senderIp, arp.targetIp(), ticker.nanoTime())) {
            reply(ctx, senderMac, senderIp);
        }
        packet.release();
    }

    /** RFC 826: swap sender and target, fill in our MAC, set the opcode to reply and send it to the asker. */
    private void reply(ChannelHandlerContext ctx, long askerMac, int askerIp) {
        ByteBuf frame = frameBuffers.allocate(0);
        ArpPacketWriter.prepend(frame, ArpPacket.OPERATION_REPLY, config.mac(), config.localAddress(), askerMac,
                askerIp);
        EthernetHeaderWriter.prepend(frame, askerMac, config.mac(), EthernetFrame.ETHERTYPE_ARP);
        counters.arpRepliesOut++;
        ctx.write(frame, ctx.voidPromise());
    }
}
