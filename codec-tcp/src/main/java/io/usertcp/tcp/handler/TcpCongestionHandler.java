package io.usertcp.tcp.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.tcp.CongestionEvent;
import io.usertcp.tcp.congestion.CongestionControl;

/**
 * "tcp-congestion": applies each {@link CongestionEvent} to the connection's own
 * {@link CongestionControl}. Replace it by name ({@code pipeline.replace("tcp-congestion", ...)}) to observe
 * or change how congestion signals are applied.
 */
public final class TcpCongestionHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "tcp-congestion";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CongestionEvent) {
            apply((CongestionEvent) msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Calls the {@link CongestionControl} method the event's signal names. */
    public static void apply(CongestionEvent event) {
        CongestionControl control = event.connection().congestionControl();
        if (control == null) {
            return;
        }
        long now = event.nowNanos();
        switch (event.signal()) {
            case ACK:
                control.onAck(now, event.bytesAcked(), event.bytesInFlight(), event.smoothedRttNanos());
                break;
            case CONGESTION:
                control.onCongestionEvent(now, event.bytesInFlight());
                break;
            case RECOVERY_ACK:
                control.onRecoveryAck(now, event.bytesAcked());
                break;
            case RECOVERY_EXIT:
                control.onRecoveryExit(now);
                break;
            case RETRANSMISSION_TIMEOUT:
                control.onRetransmissionTimeout(now, event.bytesInFlight());
                break;
            case IDLE_RESTART:
                control.onIdleRestart(now, event.idleNanos(), event.rtoNanos());
                break;
            case MSS_CHANGE:
                control.onMssChange(event.connection().controlBlock().sendMss);
                break;
            default:
                throw new IllegalStateException("unknown signal " + event.signal());
        }
    }
}
