package io.usertcp.tcp.simulation;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.tcp.CongestionEvent;
import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.congestion.CongestionControl;
import io.usertcp.tcp.handler.TcpCongestionHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces "tcp-congestion" on a host to record every congestion event with the window just before and just
 * after the connection's {@link CongestionControl} applied it: a cwnd trace with the cause of each change.
 */
final class CongestionTrace extends ChannelInboundHandlerAdapter {
    /** One event: what happened, and cwnd/ssthresh around it, in bytes. */
    record Point(CongestionSignal signal, long nowNanos, int bytesAcked, int bytesInFlight, long srttNanos,
                 int cwndBefore, int cwndAfter, int ssthreshAfter) {
    }

    private final List<Point> points = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof CongestionEvent)) {
            ctx.fireChannelRead(msg);
            return;
        }
        CongestionEvent event = (CongestionEvent) msg;
        CongestionControl control = event.connection().congestionControl();
        if (control == null) {
            return;
        }
        int before = control.congestionWindow();
        TcpCongestionHandler.apply(event);
        points.add(new Point(event.signal(), event.nowNanos(), event.bytesAcked(), event.bytesInFlight(),
                event.smoothedRttNanos(), before, control.congestionWindow(), control.slowStartThreshold()));
    }

    List<Point> points() {
        return points;
    }
}
