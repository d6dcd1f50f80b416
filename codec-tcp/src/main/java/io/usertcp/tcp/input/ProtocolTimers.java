package io.usertcp.tcp.input;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.tcp.TcpTimerEvent;

/**
 * The timers "tcp-state" owns: delayed ACK (RFC 9293 3.8.6.3), TIME-WAIT (2*MSL, RFC 9293 3.10.7.4), the
 * connect timeout, keep-alive (RFC 9293 3.8.4) and the FIN-WAIT-2 timeout of a closed connection. The retransmission timer belongs to "tcp-retransmission". One per engine.
 */
public final class ProtocolTimers {
    private final TcpEngine engine;

    public ProtocolTimers(TcpEngine engine) {
        this.engine = engine;
    }

    /** Whether "tcp-state" handles timers of this kind. */
    public static boolean owns(int kind) {
        return kind == TcpTimerEvent.DELAYED_ACK || kind == TcpTimerEvent.TIME_WAIT || kind == TcpTimerEvent.CONNECT
                || kind == TcpTimerEvent.KEEPALIVE || kind == TcpTimerEvent.FIN_WAIT_2;
    }

    public void expired(TcpConnection connection, int kind, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        switch (kind) {
            case TcpTimerEvent.DELAYED_ACK:
                if (tcb.state.isSynchronized() && tcb.state != TcpState.TIME_WAIT) {
                    engine.output().sendAck(connection);
                }
                break;
            case TcpTimerEvent.TIME_WAIT:
                connection.terminate(null);
                break;
            case TcpTimerEvent.CONNECT:
                if (tcb.state == TcpState.SYN_SENT || tcb.state == TcpState.SYN_RECEIVED && !tcb.passiveOpen) {
                    engine.counters().increment(TcpCounter.TIMEOUTS);
                    connection.terminate(new TcpTimeoutException("connection timed out (connect timeout)"));
                }
                break;
            case TcpTimerEvent.KEEPALIVE:
                keepAlive(connection, nowNanos);
                break;
            case TcpTimerEvent.FIN_WAIT_2:
                if (tcb.state == TcpState.FIN_WAIT_2) {
                    engine.counters().increment(TcpCounter.FIN_WAIT_2_TIMEOUTS);
                    connection.terminate(null);
                }
                break;
            default:
                throw new IllegalArgumentException("not a tcp-state timer: " + kind);
        }
    }

    /**
     * RFC 9293 3.8.4: after the idle time without a segment from the peer, probe every interval; the set number
     * of unanswered probes closes the connection (all three from its {@link TcpConnectionOptions}). Any segment
     * from the peer resets the count ({@link TcpInput#segmentArrives}); while data is in flight the
     * retransmission timer watches instead.
     */
    private void keepAlive(TcpConnection connection, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpConnectionOptions options = connection.options();
        if (!tcb.keepAlive || !(tcb.state == TcpState.ESTABLISHED || tcb.state == TcpState.CLOSE_WAIT)) {
            return;
        }
        long silent = nowNanos - tcb.lastReceiveNanos;
        if (tcb.keepAliveProbes == 0 && (silent < options.keepAliveIdleNanos() || tcb.sndMax != tcb.sndUna)) {
            connection.armTimer(TcpTimerEvent.KEEPALIVE, Math.max(options.keepAliveIdleNanos() - silent,
                    options.keepAliveIntervalNanos()));
            return;
        }
        if (tcb.keepAliveProbes >= options.keepAliveProbes()) {
            engine.counters().increment(TcpCounter.TIMEOUTS);
            connection.terminate(new TcpTimeoutException("connection timed out (keep-alive)"));
            return;
        }
        tcb.keepAliveProbes++;
        engine.counters().increment(TcpCounter.KEEPALIVE_PROBES);
        engine.output().sendProbe(connection);
        connection.armTimer(TcpTimerEvent.KEEPALIVE, options.keepAliveIntervalNanos());
    }
}
