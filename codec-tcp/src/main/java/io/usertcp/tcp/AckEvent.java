package io.usertcp.tcp;

import io.usertcp.codec.tcp.TcpOptions;

/**
 * What "tcp-state" tells "tcp-retransmission" about one acceptable ACK (RFC 5961 5.2 range), fired down the
 * stack pipeline with {@code fireChannelRead}. One reusable instance per engine, refilled for every ACK and
 * valid only during that synchronous call; no handler may keep it.
 */
public final class AckEvent {
    private TcpConnection connection;
    private long nowNanos;
    private int previousSndUna;
    private int bytesAcked;
    private int bytesInFlightBefore;
    private boolean duplicate;
    private boolean sackBlocks;
    private boolean echoedTimestamp;
    private int timestampEcho;
    private TcpOptions options;

    /** Refills the event; returns it. {@code options} are the ACK's own (its SACK blocks). */
    public AckEvent set(TcpConnection connection, long nowNanos, int previousSndUna, int bytesAcked,
                        int bytesInFlightBefore, boolean duplicate, boolean sackBlocks, boolean echoedTimestamp,
                        int timestampEcho, TcpOptions options) {
        this.connection = connection;
        this.nowNanos = nowNanos;
        this.previousSndUna = previousSndUna;
        this.bytesAcked = bytesAcked;
        this.bytesInFlightBefore = bytesInFlightBefore;
        this.duplicate = duplicate;
        this.sackBlocks = sackBlocks;
        this.echoedTimestamp = echoedTimestamp;
        this.timestampEcho = timestampEcho;
        this.options = options;
        return this;
    }

    /** The options of the acknowledging segment, SACK blocks included; valid only during this call. */
    public TcpOptions options() {
        return options;
    }

    public TcpConnection connection() {
        return connection;
    }

    public long nowNanos() {
        return nowNanos;
    }

    /** SND.UNA before this ACK; the connection already holds the new one. */
    public int previousSndUna() {
        return previousSndUna;
    }

    /** Sequence space newly acknowledged (SYN and FIN count one each); 0 for an ACK that moved nothing. */
    public int bytesAcked() {
        return bytesAcked;
    }

    /** Data outstanding when the ACK arrived, before removing what it acknowledged (FlightSize). */
    public int bytesInFlightBefore() {
        return bytesInFlightBefore;
    }

    /** A duplicate ACK as RFC 5681 2 defines it: no data, no SYN/FIN, same ACK and window, data outstanding. */
    public boolean isDuplicate() {
        return duplicate;
    }

    /** The segment carried SACK blocks. */
    public boolean hasSackBlocks() {
        return sackBlocks;
    }

    /** The segment carried a timestamp echo usable for RTTM (RFC 7323 4). */
    public boolean hasTimestampEcho() {
        return echoedTimestamp;
    }

    public int timestampEcho() {
        return timestampEcho;
    }
}
