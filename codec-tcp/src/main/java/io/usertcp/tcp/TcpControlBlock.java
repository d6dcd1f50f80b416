package io.usertcp.tcp;

/**
 * The variables of one connection's transmission control block (RFC 9293 3.3.1) and the engine's own
 * per-connection bookkeeping, as plain fields. It is the engine's working state, shared by the input,
 * output and retransmission packages as Linux shares {@code struct tcp_sock}: public so those packages can
 * use it, and touched only on the connection's event loop. Applications use {@link TcpConnection}.
 *
 * <p>Sequence numbers are ints compared modulo 2^32 ({@link SequenceNumbers}). Windows are in bytes,
 * already scaled.
 */
public final class TcpControlBlock {
    public TcpState state = TcpState.CLOSED;
    /** Opened by a listener (passive) rather than by {@code connect} (active); RFC 9293 3.10.7.4 needs it. */
    public boolean passiveOpen;

    // RFC 9293 3.3.1 send sequence variables
    public int iss;
    public int sndUna;
    /** The next sequence number to send; moved back to SND.UNA by a retransmission timeout (go-back-N). */
    public int sndNxt;
    /** The highest sequence number sent plus one, which go-back-N never moves back. */
    public int sndMax;
    public int sndWnd;
    public int sndWl1;
    public int sndWl2;
    /** The largest window the peer has offered (RFC 5961 5.2 MAX.SND.WND, RFC 9293 3.8.6.2.1 Max(SND.WND)). */
    public int maxSndWnd;

    // RFC 9293 3.3.1 receive sequence variables
    public int irs;
    public int rcvNxt;
    /** RCV.NXT + RCV.WND as last advertised: the right edge we never move left (RFC 9293 3.8.6 SHLD-14). */
    public int rcvAdvertisedEdge;

    // Negotiated options
    /** Both SYNs carried the window scale option (RFC 7323 2.2); otherwise both shifts are 0. */
    public boolean windowScaling;
    /** The peer's window scale, applied to every window it sends after its SYN (RFC 7323 2.3). */
    public int sndShift;
    /** Our window scale, applied to every window we send after our SYN. */
    public int rcvShift;
    public boolean sackPermitted;
    public boolean timestamps;
    /** RFC 7323 4.3 TS.Recent and when it was set, for PAWS (RFC 7323 5). */
    public int tsRecent;
    public long tsRecentNanos;
    /** RFC 7323 4.3 Last.ACK.sent. */
    public int lastAckSent;
    /** The effective send MSS (RFC 9293 3.7.1). */
    public int sendMss;
    /** The MSS we announced, which sizes the receiver's silly window avoidance and delayed ACK. */
    public int receiveMss;

    // Our FIN
    /** The application shut output down: a FIN follows the data, at {@link #finSeq}. */
    public boolean finQueued;
    public int finSeq;

    // The peer's FIN
    public boolean peerFinReceived;
    /** A FIN that arrived beyond RCV.NXT waits here until the data before it arrives. */
    public boolean pendingPeerFin;
    public int pendingPeerFinSeq;

    // Retransmission (RFC 6298, RFC 5681, RFC 6582)
    public int duplicateAcks;
    public boolean inRecovery;
    /** RFC 6582 recover: the highest sequence number sent when the last recovery or timeout began. */
    public int recover;
    /** {@link #recover} still matters: SND.UNA has not passed it since the last recovery or timeout. */
    public boolean recoverPending;
    /** Retransmissions of the segment at SND.UNA since it was last acknowledged. */
    public int retransmissions;
    /** When the segment at SND.UNA was first sent, for R2 (RFC 9293 3.8.3). */
    public long firstTransmitNanos;
    /** Karn: a segment being timed (only without timestamps), its end and send time. */
    public boolean rttTiming;
    public int rttSeq;
    public long rttStartNanos;
    /**
     * After a retransmission timeout with timestamps: the TSval its retransmission carried. An echo older than
     * this may belong to a transmission whose ACK was lost and so spans the timeout; it is no RTT sample until
     * a valid one clears {@link #timeoutEchoFloorSet} (Karn's rule, RFC 6298 5, applied to RTTM).
     */
    public int timeoutEchoFloor;
    public boolean timeoutEchoFloorSet;
    /** The SYN or SYN-ACK timed out (RFC 6298 5.7). */
    public boolean synTimedOut;
    public long lastSendNanos;
    /** RFC 9293 3.8.6.1: probes sent since the window closed or a probe last moved data, for the backoff. */
    public int persistBackoff;
    /**
     * The peer's window is shut, or too small to be worth sending into (RFC 9293 3.8.6.2.1), and has not opened
     * since {@link #zeroWindowSinceNanos}; probes that move a few bytes through it do not end the stall.
     */
    public boolean peerWindowStalled;
    /** When the current zero-window stall began, for the user timeout. */
    public long zeroWindowSinceNanos;

    // Keep-alive (RFC 9293 3.8.4)
    public boolean keepAlive;
    public long lastReceiveNanos;
    public int keepAliveProbes;
    /** The application closed before the handshake completed: the FIN goes once it does. */
    public boolean shutdownPending;

    // ACK generation (RFC 9293 3.8.6.3, RFC 5681 4.2)
    /** In-order bytes received since the last ACK we sent. */
    public int bytesSinceAck;
    /** An ACK must go out for this segment (out of order, duplicate, filled hole, FIN). */
    public boolean ackNow;
    /** An ACK is due (every second full-sized segment) and goes once, at the end of the inbound batch. */
    public boolean ackAtBatchEnd;
    /** In-order segments still to be ACKed without delay since data last arrived out of order. */
    public int quickAcks;

    // RFC 5961 10: challenge ACK rate limit
    public long challengeWindowStartNanos;
    public int challengeAcksInWindow;

    /** Bytes the peer may still send: the last advertised right edge less RCV.NXT. */
    public int receiveWindow() {
        int window = rcvAdvertisedEdge - rcvNxt;
        return Math.max(window, 0);
    }

    /** Sequence space sent and not acknowledged (FlightSize, RFC 5681 2). */
    public int flightSize() {
        return sndNxt - sndUna;
    }

    /** Our FIN is acknowledged. */
    public boolean finAcknowledged() {
        return finQueued && sndUna == finSeq + 1;
    }

    /** Our FIN has been sent (it lies before SND.MAX). */
    public boolean finSent() {
        return finQueued && SequenceNumbers.after(sndMax, finSeq);
    }
}
