package io.usertcp.tcp;

/**
 * What "tcp-retransmission" tells "tcp-congestion", fired with {@code fireChannelRead}: one
 * {@link CongestionSignal} with its arguments. One reusable instance per engine, valid only during the
 * synchronous call; a handler replacing "tcp-congestion" reads it and applies it as it likes.
 */
public final class CongestionEvent {
    private CongestionSignal signal;
    private TcpConnection connection;
    private long nowNanos;
    private int bytesAcked;
    private int bytesInFlight;
    private long smoothedRttNanos;
    private long idleNanos;
    private long rtoNanos;

    public CongestionEvent set(CongestionSignal signal, TcpConnection connection, long nowNanos, int bytesAcked,
                               int bytesInFlight, long smoothedRttNanos, long idleNanos, long rtoNanos) {
        this.signal = signal;
        this.connection = connection;
        this.nowNanos = nowNanos;
        this.bytesAcked = bytesAcked;
        this.bytesInFlight = bytesInFlight;
        this.smoothedRttNanos = smoothedRttNanos;
        this.idleNanos = idleNanos;
        this.rtoNanos = rtoNanos;
        return this;
    }

    public CongestionSignal signal() {
        return signal;
    }

    public TcpConnection connection() {
        return connection;
    }

    public long nowNanos() {
        return nowNanos;
    }

    public int bytesAcked() {
        return bytesAcked;
    }

    /** FlightSize (or pipe) as the signal's method defines its argument. */
    public int bytesInFlight() {
        return bytesInFlight;
    }

    public long smoothedRttNanos() {
        return smoothedRttNanos;
    }

    public long idleNanos() {
        return idleNanos;
    }

    public long rtoNanos() {
        return rtoNanos;
    }

    @Override
    public String toString() {
        return "CongestionEvent{" + signal + ", acked=" + bytesAcked + ", inFlight=" + bytesInFlight + '}';
    }
}
