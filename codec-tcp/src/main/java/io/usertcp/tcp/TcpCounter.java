package io.usertcp.tcp;

/** What a {@link TcpEngine} counts, beside the decoder drops of {@link io.usertcp.codec.DropCounters}. */
public enum TcpCounter {
    /** Segments that passed validation and reached demultiplexing. */
    SEGMENTS_RECEIVED,
    /** Segments handed to the network layer. */
    SEGMENTS_SENT,
    /** Segments sent again: RTO, fast retransmit, partial ACK, SYN and SYN-ACK. */
    RETRANSMITTED_SEGMENTS,
    /** Fast retransmits after three duplicate ACKs (RFC 5681 3.2). */
    FAST_RETRANSMITS,
    /** Retransmission timer expiries. */
    RETRANSMISSION_TIMEOUTS,
    /** RSTs sent, for closed ports, bad ACKs and aborts. */
    RESETS_SENT,
    /** Segments with RST that passed validation, acted on or not (Linux InRsts). */
    RESETS_RECEIVED,
    /** Connections opened by {@code connect}: SYN-SENT entered (Linux ActiveOpens). */
    ACTIVE_OPENS,
    /** Connections opened by a listener for a SYN: SYN-RECEIVED entered (Linux PassiveOpens). */
    PASSIVE_OPENS,
    /** Connections closed from SYN-SENT or SYN-RECEIVED: refused, reset, timed out or aborted (Linux AttemptFails). */
    FAILED_CONNECTION_ATTEMPTS,
    /** Segments for no connection and no listener (RFC 9293 3.10.7.1). */
    NO_PORT,
    /** RSTs ignored because nothing may answer them: to a closed port or a listener. */
    RESETS_IGNORED,
    /** Segments that failed the RFC 9293 3.10.7.4 acceptability test. */
    OUT_OF_WINDOW,
    /** Segments rejected by PAWS (RFC 7323 5). */
    PAWS_REJECTED,
    /** Challenge ACKs sent (RFC 5961 3.2, 4.2). */
    CHALLENGE_ACKS,
    /** ACKs answering out-of-window segments and unacceptable ACKs. */
    OUT_OF_WINDOW_ACKS,
    /** Challenge and out-of-window ACKs suppressed by the per-connection rate limit (RFC 5961 10). */
    ACKS_SUPPRESSED_BY_RATE_LIMIT,
    /** ACKs outside the RFC 5961 5.2 range, answered with an ACK and dropped. */
    UNACCEPTABLE_ACKS,
    /** SYNs dropped because the listener's SYN queue was full. */
    SYN_QUEUE_OVERFLOWS,
    /** Handshake completions or SYNs dropped because the accept queue was full. */
    ACCEPT_QUEUE_OVERFLOWS,
    /** New connections refused because the connection table was full. */
    CONNECTION_TABLE_FULL,
    /** Segments that arrived out of order and were queued. */
    OUT_OF_ORDER_SEGMENTS,
    /** Zero-window probes sent by the persist timer (RFC 9293 3.8.6.1). */
    ZERO_WINDOW_PROBES,
    /** Keep-alive probes sent (RFC 9293 3.8.4). */
    KEEPALIVE_PROBES,
    /** Connections closed by R2, the user timeout, keep-alive or the connect timeout. */
    TIMEOUTS,
    /** ICMP errors for no connection, or quoting a sequence number outside SND.UNA..SND.MAX (RFC 5927 4.1). */
    ICMP_ERRORS_IGNORED,
    /** ICMP soft errors noted without closing the connection (RFC 1122 4.2.3.9, RFC 5927 4.1). */
    ICMP_SOFT_ERRORS,
    /** Send MSS lowered by fragmentation-needed errors (RFC 1191). */
    PATH_MTU_REDUCTIONS,
    /** Segments that could not be sent: no pipeline attached. */
    OUTPUT_DETACHED;

    private static final TcpCounter[] VALUES = values();

    static TcpCounter[] all() {
        return VALUES;
    }
}
