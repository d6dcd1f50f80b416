package io.usertcp.tcp.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.tcp.AckEvent;
import io.usertcp.tcp.CongestionEvent;
import io.usertcp.tcp.CongestionEventPath;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpTimerEvent;

/**
 * "tcp-retransmission": takes each {@link AckEvent}, and the retransmission and persist timer events, to
 * {@link io.usertcp.tcp.retransmission.RetransmissionControl} (RTT, RTO, fast retransmit, recovery) and fires
 * the resulting {@link CongestionEvent}s to the next handler, "tcp-congestion".
 */
public final class TcpRetransmissionHandler extends ChannelInboundHandlerAdapter implements CongestionEventPath {
    public static final String NAME = "tcp-retransmission";

    private final TcpEngine engine;
    private ChannelHandlerContext context;

    public TcpRetransmissionHandler(TcpEngine engine) {
        this.engine = engine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AckEvent) {
            engine.retransmission().onAck((AckEvent) msg, this);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof TcpTimerEvent && ((TcpTimerEvent) evt).kind() == TcpTimerEvent.RETRANSMISSION) {
            TcpTimerEvent timer = (TcpTimerEvent) evt;
            engine.retransmission().onTimeout(timer.connection(), timer.nowNanos(), this);
        } else if (evt instanceof TcpTimerEvent && ((TcpTimerEvent) evt).kind() == TcpTimerEvent.PERSIST) {
            TcpTimerEvent timer = (TcpTimerEvent) evt;
            engine.retransmission().onPersistTimeout(timer.connection(), timer.nowNanos());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void congestionSignal(CongestionEvent event) {
        context.fireChannelRead(event);
    }
}
