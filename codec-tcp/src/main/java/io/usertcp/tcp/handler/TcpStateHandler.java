package io.usertcp.tcp.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.stack.InboundPacket;
import io.usertcp.tcp.AckEvent;
import io.usertcp.tcp.AckEventPath;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.tcp.input.ProtocolTimers;

/**
 * "tcp-state": runs segment arrival ({@link io.usertcp.tcp.input.TcpInput}) for packets "tcp-demux" attached a
 * connection to, fires each acceptable ACK as an {@link AckEvent} to the next handler, then consumes the
 * packet. At the end of a read batch it tells the connections that received data. Handles the timers of
 * {@link ProtocolTimers}; other timer events pass on.
 */
public final class TcpStateHandler extends ChannelInboundHandlerAdapter implements AckEventPath {
    public static final String NAME = "tcp-state";

    private final TcpEngine engine;
    private final ProtocolTimers timers;
    private ChannelHandlerContext context;

    public TcpStateHandler(TcpEngine engine) {
        this.engine = engine;
        this.timers = new ProtocolTimers(engine);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InboundPacket && ((InboundPacket) msg).connection() instanceof TcpConnection) {
            InboundPacket packet = (InboundPacket) msg;
            try {
                engine.input().segmentArrives((TcpConnection) packet.connection(), engine.segment(),
                        engine.nowNanos(), this);
            } finally {
                packet.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        engine.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof TcpTimerEvent && ProtocolTimers.owns(((TcpTimerEvent) evt).kind())) {
            TcpTimerEvent timer = (TcpTimerEvent) evt;
            timers.expired(timer.connection(), timer.kind(), timer.nowNanos());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void ackArrived(AckEvent event) {
        context.fireChannelRead(event);
    }
}
