package io.usertcp.tcp;

/**
 * A connection timer expired: delivered through the stack pipeline with {@code fireUserEventTriggered} from
 * "tcp-demux", so whichever handler is registered under the owning name handles it ("tcp-state" the
 * protocol timers, "tcp-retransmission" the retransmission timer). One reusable instance per engine, valid
 * only during the synchronous call.
 */
public final class TcpTimerEvent {
    /** RFC 6298: the retransmission timer (also the SYN and SYN-ACK timer); "tcp-retransmission". */
    public static final int RETRANSMISSION = 0;
    /** RFC 9293 3.8.6.3: the delayed ACK timer; "tcp-state". */
    public static final int DELAYED_ACK = 1;
    /** RFC 9293 3.10.7.4: 2*MSL in TIME-WAIT; "tcp-state". */
    public static final int TIME_WAIT = 2;
    /** The connect timeout of an active open; "tcp-state". */
    public static final int CONNECT = 3;
    /** RFC 9293 3.8.6.1: the persist timer, probing a zero window; "tcp-retransmission". */
    public static final int PERSIST = 4;
    /** RFC 9293 3.8.4 (RFC 1122 4.2.3.6): keep-alive probes of an idle connection; "tcp-state". */
    public static final int KEEPALIVE = 5;
    /** How long a closed connection waits in FIN-WAIT-2 for the peer's FIN; "tcp-state". */
    public static final int FIN_WAIT_2 = 6;
    /** How many kinds there are. */
    public static final int KINDS = 7;

    private TcpConnection connection;
    private int kind;
    private long nowNanos;

    public TcpTimerEvent set(TcpConnection connection, int kind, long nowNanos) {
        this.connection = connection;
        this.kind = kind;
        this.nowNanos = nowNanos;
        return this;
    }

    public TcpConnection connection() {
        return connection;
    }

    public int kind() {
        return kind;
    }

    public long nowNanos() {
        return nowNanos;
    }
}
