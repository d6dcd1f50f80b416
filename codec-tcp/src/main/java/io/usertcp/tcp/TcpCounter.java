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
    /**
     * Segments with none of SYN, ACK and RST to a listener (FIN, Xmas and null scans), or with neither SYN nor
     * RST in SYN-SENT: dropped unanswered (RFC 9293 3.10.7.2 and 3.10.7.3).
     */
    SEGMENTS_WITHOUT_SYN_DROPPED,
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
    /**
     * SYNs that found the listener's SYN queue full (or the listener closing): answered with a SYN cookie when
     * cookies are on, else dropped (Linux TCPReqQFullDoCookies and TCPReqQFullDrop).
     */
    SYN_QUEUE_OVERFLOWS,
    /**
     * SYNs that found the engine's half-open limit reached with room in their listener's SYN queue: answered with
     * a SYN cookie when cookies are on, else dropped.
     */
    HALF_OPEN_LIMIT_REACHED,
    /** SYN-ACKs sent with a SYN cookie, keeping no state (RFC 4987 3.6; Linux SyncookiesSent). */
    SYN_COOKIES_SENT,
    /** ACKs to a listener whose cookie validated, each opening a connection (Linux SyncookiesRecv). */
    SYN_COOKIES_VALIDATED,
    /**
     * ACKs to a listener that had sent cookies lately whose cookie did not validate: forged, altered or stale;
     * answered with a RST as any ACK to a listener (Linux SyncookiesFailed).
     */
    SYN_COOKIES_FAILED,
    /** Handshake completions or SYNs dropped because the accept queue was full. */
    ACCEPT_QUEUE_OVERFLOWS,
    /** New connections refused because the connection table was full (and held no TIME-WAIT to reclaim). */
    CONNECTION_TABLE_FULL,
    /**
     * TIME-WAIT connections freed before their 2*MSL: the oldest, when another entered TIME-WAIT at the cap or a new
     * connection needed a slot in a full table.
     */
    TIME_WAIT_RECLAIMED,
    /** Orphaned connections (closed by the application, still closing) reset because there were too many. */
    ORPHANS_RESET,
    /** Connections the application closed that waited out the FIN-WAIT-2 timeout without the peer's FIN. */
    FIN_WAIT_2_TIMEOUTS,
    /** Listens refused because the listener table held {@code maxListeners}. */
    LISTENER_TABLE_FULL,
    /** Segments that arrived out of order and were queued. */
    OUT_OF_ORDER_SEGMENTS,
    /**
     * Out-of-order segments some or all of whose new data was dropped: the per-connection byte or segment cap
     * ({@code outOfOrderMaxBytes}, {@code outOfOrderMaxSegments}) was reached, or the data lay beyond 2^30.
     */
    OUT_OF_ORDER_REFUSED,
    /** Held out-of-order segments discarded, highest first, to make room for lower data (RFC 2018 8 reneging). */
    OUT_OF_ORDER_PRUNED,
    /**
     * SACK blocks ignored: reversed or empty, beyond SND.MAX, or below SND.UNA other than as a D-SACK (RFC 2018 3,
     * RFC 2883 4); the CVE-2019-11477/8 class of forged blocks.
     */
    SACK_BLOCKS_REJECTED,
    /** SACKed ranges forgotten because the scoreboard already held its most ({@code SackScoreboard.MAX_RANGES}). */
    SACK_RANGES_DISCARDED,
    /** Peers whose announced MSS was below the send MSS floor ({@code minSendMss}), which was used instead. */
    MSS_RAISED_TO_FLOOR,
    /**
     * Probes sent by the persist timer (RFC 9293 3.8.6.1): into a zero window, or with data into a window too small
     * to be worth using (3.8.6.2.1).
     */
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
