package io.usertcp.tcp.info;

import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.congestion.CongestionControl;
import io.usertcp.tcp.rtt.RttEstimator;
import io.usertcp.tcp.sack.SackScoreboard;

import java.util.Locale;

import static io.usertcp.tcp.SequenceNumbers.before;

/**
 * An immutable snapshot of one connection, the counterpart of Linux's {@code struct tcp_info}: state, RTT and
 * RTO, congestion control, windows and MSS, running totals ({@link TcpConnectionStatistics}) and the times since
 * data last moved. {@link #of} takes it on the connection's event loop (the values are the loop's plain fields);
 * the snapshot itself may then go to any thread.
 *
 * <p>Units are in the accessor names. Windows and queues are bytes; {@code cwnd} and {@code ssthresh} are bytes
 * here and segments in {@link #toString()}, as {@code ss} prints them. Before the handshake completes there is no
 * congestion window: {@link #congestionWindowBytes()} and {@link #slowStartThresholdBytes()} are 0.
 */
public final class TcpInfo {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final int localAddress;
    private final int localPort;
    private final int remoteAddress;
    private final int remotePort;
    private final TcpState state;
    private final String congestionControl;
    private final long smoothedRttMicros;
    private final long rttVariationMicros;
    private final long minRttMicros;
    private final long rtoMicros;
    private final int backoffs;
    private final int congestionWindowBytes;
    private final int slowStartThresholdBytes;
    private final int sendMss;
    private final int receiveMss;
    private final int sendWindowBytes;
    private final int receiveWindowBytes;
    private final boolean windowScaling;
    private final int sendWindowScale;
    private final int receiveWindowScale;
    private final boolean sackPermitted;
    private final boolean timestamps;
    private final int unacknowledgedBytes;
    private final int sendQueueBytes;
    private final int receiveQueueBytes;
    private final long bytesSent;
    private final long bytesRetransmitted;
    private final long bytesAcked;
    private final long bytesReceived;
    private final long segmentsSent;
    private final long segmentsReceived;
    private final long dataSegmentsSent;
    private final long dataSegmentsReceived;
    private final long segmentsRetransmitted;
    private final int lostSegments;
    private final int sackedSegments;
    private final long fastRecoveries;
    private final long retransmissionTimeouts;
    private final long outOfOrderSegmentsReceived;
    private final long deliveryRateBytesPerSecond;
    private final long millisSinceLastDataSent;
    private final long millisSinceLastDataReceived;
    private final long millisSinceLastAckReceived;
    private final long peerZeroWindowStalls;
    private final long zeroWindowsAdvertised;

    private TcpInfo(TcpConnection connection, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        RttEstimator rtt = connection.rttEstimator();
        CongestionControl congestion = connection.congestionControl();
        TcpConnectionStatistics statistics = connection.statistics();
        localAddress = connection.localAddress();
        localPort = connection.localPort();
        remoteAddress = connection.remoteAddress();
        remotePort = connection.remotePort();
        state = tcb.state;
        congestionControl = congestion != null ? congestion.name() : connection.options().congestionControl();
        smoothedRttMicros = rtt.srttMicros();
        rttVariationMicros = rtt.rttvarMicros();
        minRttMicros = rtt.minRttMicros();
        rtoMicros = rtt.rtoMicros();
        backoffs = rtt.backoffCount();
        congestionWindowBytes = congestion != null ? congestion.congestionWindow() : 0;
        slowStartThresholdBytes = congestion != null ? congestion.slowStartThreshold() : 0;
        sendMss = tcb.sendMss;
        receiveMss = tcb.receiveMss;
        sendWindowBytes = tcb.sndWnd;
        receiveWindowBytes = tcb.receiveWindow();
        windowScaling = tcb.windowScaling;
        sendWindowScale = tcb.sndShift;
        receiveWindowScale = tcb.rcvShift;
        sackPermitted = tcb.sackPermitted;
        timestamps = tcb.timestamps;
        unacknowledgedBytes = tcb.state.isSynchronized() ? tcb.sndMax - tcb.sndUna : 0;
        sendQueueBytes = connection.sendBufferedBytes();
        receiveQueueBytes = connection.unreadBytes();
        bytesSent = statistics.bytesSent;
        bytesRetransmitted = statistics.bytesRetransmitted;
        bytesAcked = statistics.bytesAcked;
        bytesReceived = statistics.bytesReceived;
        segmentsSent = statistics.segmentsSent;
        segmentsReceived = statistics.segmentsReceived;
        dataSegmentsSent = statistics.dataSegmentsSent;
        dataSegmentsReceived = statistics.dataSegmentsReceived;
        segmentsRetransmitted = statistics.segmentsRetransmitted;
        lostSegments = lostSegments(connection);
        SackScoreboard board = connection.sackScoreboard();
        sackedSegments = board == null || tcb.sendMss == 0 ? 0 : segments(board.sackedBytes(), tcb.sendMss);
        fastRecoveries = statistics.fastRecoveries;
        retransmissionTimeouts = statistics.retransmissionTimeouts;
        outOfOrderSegmentsReceived = statistics.outOfOrderSegmentsReceived;
        deliveryRateBytesPerSecond = statistics.deliveryRateBytesPerSecond;
        millisSinceLastDataSent = millisSince(statistics.lastDataSentNanos, nowNanos);
        millisSinceLastDataReceived = millisSince(statistics.lastDataReceivedNanos, nowNanos);
        millisSinceLastAckReceived = millisSince(statistics.lastAckReceivedNanos, nowNanos);
        peerZeroWindowStalls = statistics.peerZeroWindowStalls;
        zeroWindowsAdvertised = statistics.zeroWindowsAdvertised;
    }

    /** Takes the snapshot of {@code connection}; call on its event loop. Allocates only the snapshot. */
    public static TcpInfo of(TcpConnection connection) {
        return new TcpInfo(connection, connection.engine().nowNanos());
    }

    /**
     * Segments deemed lost and not yet acknowledged, like {@code tcpi_lost}. With SACK, the RFC 6675 IsLost()
     * holes of the scoreboard, in SMSS-sized segments; without it, the one segment NewReno recovery repairs at a
     * time (RFC 6582), while in recovery.
     */
    private static int lostSegments(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        SackScoreboard board = connection.sackScoreboard();
        if (board == null || tcb.sendMss == 0) {
            return tcb.inRecovery ? 1 : 0;
        }
        int lost = 0;
        int holeStart = tcb.sndUna;
        for (int range = 0; range <= board.rangeCount(); range++) {
            int holeEnd = range < board.rangeCount() ? board.rangeStart(range) : tcb.sndMax;
            // Octets of one hole are lost or not together (RFC 6675 4 IsLost() counts the SACKed data above them)
            if (before(holeStart, holeEnd) && board.isLost(holeStart)) {
                lost += segments(holeEnd - holeStart, tcb.sendMss);
            }
            if (range < board.rangeCount()) {
                holeStart = board.rangeEnd(range);
            }
        }
        return lost;
    }

    private static int segments(int bytes, int mss) {
        return (bytes + mss - 1) / mss;
    }

    private static long millisSince(long thenNanos, long nowNanos) {
        return thenNanos == 0 ? -1 : (nowNanos - thenNanos) / NANOS_PER_MILLI;
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteAddress() {
        return remoteAddress;
    }

    public int remotePort() {
        return remotePort;
    }

    public TcpState state() {
        return state;
    }

    /** The congestion control's registered name, e.g. {@code cubic}. */
    public String congestionControl() {
        return congestionControl;
    }

    /** SRTT (RFC 6298), 0 before the first sample. */
    public long smoothedRttMicros() {
        return smoothedRttMicros;
    }

    /** RTTVAR (RFC 6298), 0 before the first sample. */
    public long rttVariationMicros() {
        return rttVariationMicros;
    }

    /** The least RTT sample of the estimator's window, 0 before the first sample. */
    public long minRttMicros() {
        return minRttMicros;
    }

    /** The retransmission timeout the timer is armed with now, backoff included. */
    public long rtoMicros() {
        return rtoMicros;
    }

    /** Retransmission timer expiries since the last RTT sample (the RTO doubled this many times). */
    public int backoffs() {
        return backoffs;
    }

    public int congestionWindowBytes() {
        return congestionWindowBytes;
    }

    /** ssthresh; {@link Integer#MAX_VALUE} until the first congestion event, as RFC 5681 3.1 starts it. */
    public int slowStartThresholdBytes() {
        return slowStartThresholdBytes;
    }

    /** The effective send MSS: the largest payload a segment carries. */
    public int sendMss() {
        return sendMss;
    }

    /** The MSS we announced to the peer. */
    public int receiveMss() {
        return receiveMss;
    }

    /** SND.WND: what the peer's last window update allows, scaled. */
    public int sendWindowBytes() {
        return sendWindowBytes;
    }

    /** RCV.WND: what we last allowed the peer to send beyond RCV.NXT. */
    public int receiveWindowBytes() {
        return receiveWindowBytes;
    }

    /** Both SYNs carried the window scale option (RFC 7323 2.2). */
    public boolean windowScaling() {
        return windowScaling;
    }

    /** The peer's window scale shift. */
    public int sendWindowScale() {
        return sendWindowScale;
    }

    /** Our window scale shift. */
    public int receiveWindowScale() {
        return receiveWindowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean timestamps() {
        return timestamps;
    }

    /** SND.MAX - SND.UNA: sequence space sent and not yet acknowledged. */
    public int unacknowledgedBytes() {
        return unacknowledgedBytes;
    }

    /** Written by the application and not yet acknowledged (ss Send-Q). */
    public int sendQueueBytes() {
        return sendQueueBytes;
    }

    /** Received and not yet read by the application (ss Recv-Q). */
    public int receiveQueueBytes() {
        return receiveQueueBytes;
    }

    /** Data bytes sent, retransmissions included ({@code tcpi_bytes_sent}). */
    public long bytesSent() {
        return bytesSent;
    }

    public long bytesRetransmitted() {
        return bytesRetransmitted;
    }

    /** Data bytes the peer acknowledged. */
    public long bytesAcked() {
        return bytesAcked;
    }

    /** In-order data bytes received, each once. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Segments sent, retransmissions and pure ACKs included. */
    public long segmentsSent() {
        return segmentsSent;
    }

    /** Segments that reached this connection, whatever became of them. */
    public long segmentsReceived() {
        return segmentsReceived;
    }

    public long dataSegmentsSent() {
        return dataSegmentsSent;
    }

    public long dataSegmentsReceived() {
        return dataSegmentsReceived;
    }

    /** Segments sent again, SYN and SYN-ACK included ({@code tcpi_total_retrans}). */
    public long segmentsRetransmitted() {
        return segmentsRetransmitted;
    }

    /** Segments deemed lost now and not yet acknowledged ({@code tcpi_lost}). */
    public int lostSegments() {
        return lostSegments;
    }

    /** Segments the peer has SACKed above SND.UNA now ({@code tcpi_sacked}). */
    public int sackedSegments() {
        return sackedSegments;
    }

    /** Loss recoveries begun by duplicate ACKs or SACK information. */
    public long fastRecoveries() {
        return fastRecoveries;
    }

    /** Retransmission timer expiries. */
    public long retransmissionTimeouts() {
        return retransmissionTimeouts;
    }

    /** Segments that arrived out of order and were queued: the reordering (or loss) the peer's path shows us. */
    public long outOfOrderSegmentsReceived() {
        return outOfOrderSegmentsReceived;
    }

    /** Data acknowledged per second over the last measured interval of at least one SRTT; 0 before. */
    public long deliveryRateBytesPerSecond() {
        return deliveryRateBytesPerSecond;
    }

    /** Since data was last sent; -1 if never. */
    public long millisSinceLastDataSent() {
        return millisSinceLastDataSent;
    }

    /** Since data last arrived; -1 if never. */
    public long millisSinceLastDataReceived() {
        return millisSinceLastDataReceived;
    }

    /** Since an ACK last acknowledged new data; -1 if never. */
    public long millisSinceLastAckReceived() {
        return millisSinceLastAckReceived;
    }

    /** Times data had to wait for the peer's zero window (the persist timer started). */
    public long peerZeroWindowStalls() {
        return peerZeroWindowStalls;
    }

    /** Times we advertised a zero window after an open one. */
    public long zeroWindowsAdvertised() {
        return zeroWindowsAdvertised;
    }

    /** The addresses as {@code ss} prints them: {@code 198.18.0.2:80 198.18.0.1:41234}. */
    public String localEndpoint() {
        return Ipv4Address.format(localAddress) + ':' + localPort;
    }

    public String remoteEndpoint() {
        return Ipv4Address.format(remoteAddress) + ':' + remotePort;
    }

    /**
     * The fields in {@code ss -i} style: times in milliseconds, rtt as srtt/rttvar, cwnd and ssthresh in
     * segments, an absent value as {@code -}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(400);
        text.append(congestionControl);
        if (windowScaling) {
            text.append(" wscale:").append(sendWindowScale).append(',').append(receiveWindowScale);
        }
        text.append(sackPermitted ? " sack" : "").append(timestamps ? " ts" : "")
                .append(" rto:").append(millis(rtoMicros))
                .append(" rtt:").append(millis(smoothedRttMicros)).append('/').append(millis(rttVariationMicros))
                .append(" minrtt:").append(millis(minRttMicros))
                .append(" backoff:").append(backoffs)
                .append(" mss:").append(sendMss)
                .append(" rcvmss:").append(receiveMss)
                .append(" cwnd:").append(sendMss == 0 ? "-" : Integer.toString(congestionWindowBytes / sendMss))
                .append(" ssthresh:").append(slowStartThresholdBytes == Integer.MAX_VALUE || sendMss == 0 ? "-"
                        : Integer.toString(slowStartThresholdBytes / sendMss))
                .append(" snd_wnd:").append(sendWindowBytes)
                .append(" rcv_wnd:").append(receiveWindowBytes)
                .append(" unacked:").append(unacknowledgedBytes)
                .append(" bytes_sent:").append(bytesSent)
                .append(" bytes_retrans:").append(bytesRetransmitted)
                .append(" bytes_acked:").append(bytesAcked)
                .append(" bytes_received:").append(bytesReceived)
                .append(" segs_out:").append(segmentsSent)
                .append(" segs_in:").append(segmentsReceived)
                .append(" data_segs_out:").append(dataSegmentsSent)
                .append(" data_segs_in:").append(dataSegmentsReceived)
                .append(" retrans:").append(segmentsRetransmitted)
                .append(" lost:").append(lostSegments)
                .append(" sacked:").append(sackedSegments)
                .append(" recoveries:").append(fastRecoveries)
                .append(" timeouts:").append(retransmissionTimeouts)
                .append(" ooo_in:").append(outOfOrderSegmentsReceived)
                .append(" delivery_rate:").append(deliveryRateBytesPerSecond * 8).append("bps")
                .append(" lastsnd:").append(sinceText(millisSinceLastDataSent))
                .append(" lastrcv:").append(sinceText(millisSinceLastDataReceived))
                .append(" lastack:").append(sinceText(millisSinceLastAckReceived))
                .append(" zero_wnd_stalls:").append(peerZeroWindowStalls)
                .append(" zero_wnd_sent:").append(zeroWindowsAdvertised);
        return text.toString();
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    private static String sinceText(long millis) {
        return millis < 0 ? "-" : Long.toString(millis);
    }
}
