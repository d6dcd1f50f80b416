package io.usertcp.tcp.info;

/**
 * The running totals of one connection that its control block does not keep: what went out and came in, what
 * was repaired, and when data last moved, like the counting fields of Linux's {@code struct tcp_sock} behind
 * {@code tcp_info}. The engine's input, output and retransmission code call one method per event; each is a
 * few plain field updates. Owned by the connection's event loop: no atomics, no allocation. {@link TcpInfo}
 * copies the values out.
 *
 * <p>Times are {@code Ticker.nanoTime()} values; 0 means "never".
 */
public final class TcpConnectionStatistics {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The shortest interval a delivery rate is measured over, so one early ACK cannot claim a huge rate. */
    private static final long MIN_RATE_INTERVAL_NANOS = 1_000_000L;

    long segmentsSent;
    long dataSegmentsSent;
    long bytesSent;
    long segmentsRetransmitted;
    long bytesRetransmitted;
    long segmentsReceived;
    long dataSegmentsReceived;
    long bytesReceived;
    long bytesAcked;
    long outOfOrderSegmentsReceived;
    long fastRecoveries;
    long retransmissionTimeouts;
    long peerZeroWindowStalls;
    long zeroWindowsAdvertised;
    long lastDataSentNanos;
    long lastDataReceivedNanos;
    long lastAckReceivedNanos;
    long deliveryRateBytesPerSecond;
    private boolean advertisedOpenWindow;
    private long rateIntervalStartNanos;
    private long rateIntervalStartAcked;

    /**
     * A segment left for the peer with {@code payloadLength} bytes of data (0 for control segments), data sent
     * before if {@code resent} (it lies below SND.MAX).
     */
    public void segmentSent(int payloadLength, boolean resent, long nowNanos) {
        segmentsSent++;
        if (payloadLength > 0) {
            dataSegmentsSent++;
            bytesSent += payloadLength;
            lastDataSentNanos = nowNanos;
            if (resent) {
                bytesRetransmitted += payloadLength;
            }
        }
    }

    /** A segment (data, FIN, SYN or SYN-ACK) was sent again; {@link #segmentSent} counts it too. */
    public void segmentRetransmitted() {
        segmentsRetransmitted++;
    }

    /** A segment carried {@code windowField} as its window: a zero after an open window is counted. */
    public void windowAdvertised(int windowField) {
        if (windowField == 0 && advertisedOpenWindow) {
            zeroWindowsAdvertised++;
        }
        advertisedOpenWindow = windowField != 0;
    }

    /** A segment of this connection arrived, whatever became of it. */
    public void segmentReceived(int payloadLength, long nowNanos) {
        segmentsReceived++;
        if (payloadLength > 0) {
            dataSegmentsReceived++;
            lastDataReceivedNanos = nowNanos;
        }
    }

    /** {@code length} new in-order bytes reached the application's side (each byte counted once). */
    public void bytesDelivered(int length) {
        bytesReceived += length;
    }

    /** A segment arrived beyond RCV.NXT and was queued for reassembly. */
    public void outOfOrderSegmentReceived() {
        outOfOrderSegmentsReceived++;
    }

    /**
     * An ACK acknowledged {@code length} new bytes of data. The delivery rate is the data acknowledged over the
     * last interval of at least one smoothed RTT (and at least a millisecond), in the spirit of Linux's
     * {@code tcpi_delivery_rate} without its per-segment sampling.
     */
    public void bytesAcknowledged(int length, long nowNanos, long smoothedRttNanos) {
        bytesAcked += length;
        lastAckReceivedNanos = nowNanos;
        if (rateIntervalStartNanos == 0) {
            rateIntervalStartNanos = nowNanos;
            rateIntervalStartAcked = bytesAcked - length;
        }
        long elapsed = nowNanos - rateIntervalStartNanos;
        if (elapsed >= Math.max(smoothedRttNanos, MIN_RATE_INTERVAL_NANOS)) {
            deliveryRateBytesPerSecond = (long) ((bytesAcked - rateIntervalStartAcked)
                    * ((double) NANOS_PER_SECOND / elapsed));
            rateIntervalStartNanos = nowNanos;
            rateIntervalStartAcked = bytesAcked;
        }
    }

    /** Loss recovery began on duplicate ACKs or SACK information (RFC 5681 3.2, RFC 6675 5). */
    public void fastRecoveryEntered() {
        fastRecoveries++;
    }

    /** The retransmission timer expired with data or a SYN outstanding (RFC 6298 5.4). */
    public void retransmissionTimedOut() {
        retransmissionTimeouts++;
    }

    /** Data waits and the peer's window is shut: the persist timer starts (RFC 9293 3.8.6.1). */
    public void peerWindowClosed() {
        peerZeroWindowStalls++;
    }

}
