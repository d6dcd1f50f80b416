package io.usertcp.tcp;

import java.util.Objects;

/**
 * The settings one connection may have apart from the rest of its stack, as socket options set them on a
 * kernel socket: Nagle (TCP_NODELAY), the send and receive buffers (SO_SNDBUF, SO_RCVBUF), an MSS clamp
 * (TCP_MAXSEG), keep-alive timing (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT), the RFC 5482 user timeout
 * (TCP_USER_TIMEOUT) and the congestion control (TCP_CONGESTION). A connection starts with the
 * {@link TcpStackConfig}'s values ({@link #from}) or those given to {@link TcpEngine#connect} or held by its
 * {@link TcpListener}, and changes them through {@link TcpConnection}'s setters, which apply each change.
 *
 * <p>Immutable: each {@code with} method returns a copy, so one instance may be shared by a listener and every
 * connection it opens. The congestion control name is checked against the engine's algorithms where the
 * options are used.
 */
public final class TcpConnectionOptions {
    /**
     * The smallest MSS clamp taken: the 40 bytes of TCP options a segment may carry still leave 48 bytes of
     * data (Linux's TCP_MIN_MSS draws the line at the same place).
     */
    public static final int MIN_MAX_SEGMENT_SIZE = 88;
    /** RFC 7323 2.3: a scaled window expresses at most 2^30 bytes. */
    public static final int MAX_RECEIVE_BUFFER_BYTES = 1 << 30;

    private final boolean nagle;
    private final int sendBufferBytes;
    private final int receiveBufferBytes;
    private final int maxSegmentSize;
    private final long keepAliveIdleNanos;
    private final long keepAliveIntervalNanos;
    private final int keepAliveProbes;
    private final long userTimeoutNanos;
    private final String congestionControl;

    private TcpConnectionOptions(boolean nagle, int sendBufferBytes, int receiveBufferBytes, int maxSegmentSize,
                                 long keepAliveIdleNanos, long keepAliveIntervalNanos, int keepAliveProbes,
                                 long userTimeoutNanos, String congestionControl) {
        this.nagle = nagle;
        this.sendBufferBytes = sendBufferBytes;
        this.receiveBufferBytes = receiveBufferBytes;
        this.maxSegmentSize = maxSegmentSize;
        this.keepAliveIdleNanos = keepAliveIdleNanos;
        this.keepAliveIntervalNanos = keepAliveIntervalNanos;
        this.keepAliveProbes = keepAliveProbes;
        this.userTimeoutNanos = userTimeoutNanos;
        this.congestionControl = congestionControl;
    }

    /** The stack's values: what a connection has unless told otherwise. No MSS clamp beyond the stack's. */
    public static TcpConnectionOptions from(TcpStackConfig config) {
        return new TcpConnectionOptions(config.nagle(), config.sendBufferBytes(), config.receiveBufferBytes(), 0,
                config.keepAliveIdleNanos(), config.keepAliveIntervalNanos(), config.keepAliveProbes(),
                config.userTimeoutNanos(), config.congestionControl());
    }

    /** Nagle's algorithm (RFC 9293 3.7.4); off is TCP_NODELAY. */
    public boolean nagle() {
        return nagle;
    }

    public TcpConnectionOptions withNagle(boolean enabled) {
        return new TcpConnectionOptions(enabled, sendBufferBytes, receiveBufferBytes, maxSegmentSize,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, userTimeoutNanos, congestionControl);
    }

    /** The send buffer: written bytes beyond it make the connection unwritable until half of it drains. */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** @throws IllegalArgumentException unless {@code bytes} is positive */
    public TcpConnectionOptions withSendBufferBytes(int bytes) {
        require(bytes >= 1, "send buffer must be positive: " + bytes);
        return new TcpConnectionOptions(nagle, bytes, receiveBufferBytes, maxSegmentSize, keepAliveIdleNanos,
                keepAliveIntervalNanos, keepAliveProbes, userTimeoutNanos, congestionControl);
    }

    /** The receive buffer: the most we advertise; before the SYN it also decides the window scale we offer. */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** @throws IllegalArgumentException unless {@code bytes} is in [1, 2^30] */
    public TcpConnectionOptions withReceiveBufferBytes(int bytes) {
        require(bytes >= 1 && bytes <= MAX_RECEIVE_BUFFER_BYTES, "receive buffer must be in [1, 2^30]: " + bytes);
        return new TcpConnectionOptions(nagle, sendBufferBytes, bytes, maxSegmentSize, keepAliveIdleNanos,
                keepAliveIntervalNanos, keepAliveProbes, userTimeoutNanos, congestionControl);
    }

    /** The window scale shift to offer for {@link #receiveBufferBytes()} (RFC 7323 2.3). */
    public int receiveWindowScale() {
        return TcpStackConfig.windowScaleFor(receiveBufferBytes);
    }

    /** The MSS clamp (TCP_MAXSEG), or 0 for none: the stack's MTU and cap alone decide. */
    public int maxSegmentSize() {
        return maxSegmentSize;
    }

    /** @throws IllegalArgumentException unless {@code mss} is 0 (no clamp) or in [88, 65535] */
    public TcpConnectionOptions withMaxSegmentSize(int mss) {
        require(mss == 0 || mss >= MIN_MAX_SEGMENT_SIZE && mss <= 0xFFFF,
                "MSS clamp must be 0 or in [" + MIN_MAX_SEGMENT_SIZE + ", 65535]: " + mss);
        return new TcpConnectionOptions(nagle, sendBufferBytes, receiveBufferBytes, mss, keepAliveIdleNanos,
                keepAliveIntervalNanos, keepAliveProbes, userTimeoutNanos, congestionControl);
    }

    /** The MSS we announce (RFC 9293 3.7.1): the stack's, within the clamp. */
    public int announcedMss(TcpStackConfig config) {
        return clamp(config.receiveMss());
    }

    /** The send MSS for a peer that announced {@code peerMss} (-1 for none): the stack's, within the clamp. */
    public int sendMss(TcpStackConfig config, int peerMss) {
        return clamp(config.effectiveSendMss(peerMss));
    }

    private int clamp(int mss) {
        return maxSegmentSize == 0 ? mss : Math.min(mss, maxSegmentSize);
    }

    public long keepAliveIdleNanos() {
        return keepAliveIdleNanos;
    }

    public long keepAliveIntervalNanos() {
        return keepAliveIntervalNanos;
    }

    /** Unanswered probes after which the connection is closed. */
    public int keepAliveProbes() {
        return keepAliveProbes;
    }

    /**
     * Keep-alive timing (RFC 9293 3.8.4): probes start after {@code idleNanos} without a segment from the peer,
     * repeat every {@code intervalNanos}, and {@code probes} unanswered ones close the connection.
     *
     * @throws IllegalArgumentException unless all three are positive
     */
    public TcpConnectionOptions withKeepAliveTiming(long idleNanos, long intervalNanos, int probes) {
        require(idleNanos > 0 && intervalNanos > 0 && probes >= 1,
                "keep-alive timing must be positive: " + idleNanos + ", " + intervalNanos + ", " + probes);
        return new TcpConnectionOptions(nagle, sendBufferBytes, receiveBufferBytes, maxSegmentSize, idleNanos,
                intervalNanos, probes, userTimeoutNanos, congestionControl);
    }

    /** RFC 5482: how long data may stay unacknowledged (or a zero window unopened); 0 leaves it to R2. */
    public long userTimeoutNanos() {
        return userTimeoutNanos;
    }

    /** @throws IllegalArgumentException if {@code nanos} is negative */
    public TcpConnectionOptions withUserTimeoutNanos(long nanos) {
        require(nanos >= 0, "user timeout must not be negative: " + nanos);
        return new TcpConnectionOptions(nagle, sendBufferBytes, receiveBufferBytes, maxSegmentSize,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, nanos, congestionControl);
    }

    /** The name of the congestion control in the engine's {@link io.usertcp.tcp.congestion.CongestionControlAlgorithms}. */
    public String congestionControl() {
        return congestionControl;
    }

    public TcpConnectionOptions withCongestionControl(String name) {
        Objects.requireNonNull(name, "name");
        return new TcpConnectionOptions(nagle, sendBufferBytes, receiveBufferBytes, maxSegmentSize,
                keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, userTimeoutNanos, name);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "TcpConnectionOptions{nagle=" + nagle + ", sndbuf=" + sendBufferBytes + ", rcvbuf="
                + receiveBufferBytes + ", maxseg=" + maxSegmentSize + ", keepalive=" + keepAliveIdleNanos + "/"
                + keepAliveIntervalNanos + "ns x" + keepAliveProbes + ", userTimeout=" + userTimeoutNanos
                + "ns, cc=" + congestionControl + '}';
    }
}
