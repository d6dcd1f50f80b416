package io.usertcp.tcp.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.stack.IcmpErrorEvent;
import io.usertcp.stack.InboundPacket;
import io.usertcp.tcp.TcpEngine;

/**
 * "tcp-demux": validates each TCP segment and finds its connection with the engine's one table lookup,
 * attaching it to the packet for "tcp-state"; segments for listeners and closed ports are handled here
 * (RFC 9293 3.10.7.1-2). The engine writes every outgoing segment through this handler's context, so
 * segments travel toward the head through "icmp", "ipv4" and "ethernet", and fires timer events from it.
 * ICMP errors fired by "icmp" are matched to their connection here too.
 */
public final class TcpDemuxHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "tcp-demux";

    private final TcpEngine engine;

    public TcpDemuxHandler(TcpEngine engine) {
        this.engine = engine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        engine.attach(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        engine.detach(ctx);
    }

    /** ICMP errors about our segments ({@link IcmpErrorEvent}) go to the connection they quote. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IcmpErrorEvent) {
            IcmpErrorEvent error = (IcmpErrorEvent) evt;
            engine.input().icmpError(error.type(), error.code(), error.nextHopMtu(), error.quotedSource(),
                    error.quotedSourcePort(), error.quotedDestination(), error.quotedDestinationPort(),
                    error.quotedSequenceNumber());
            engine.flush();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InboundPacket && ((InboundPacket) msg).protocol() == Ipv4Packet.PROTOCOL_TCP) {
            InboundPacket packet = (InboundPacket) msg;
            if (engine.demultiplex(packet) != null) {
                ctx.fireChannelRead(packet);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
