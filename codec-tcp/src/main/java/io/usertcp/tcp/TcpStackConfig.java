package io.usertcp.tcp;

import io.usertcp.tcp.rtt.RetransmissionLimits;
import io.usertcp.tcp.rtt.RttEstimatorConfig;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The TCP settings of one stack, immutable and shared by its event loops. Build with {@link #builder()};
 * {@link Builder#build()} checks the set as a whole. Nagle, the buffers, keep-alive timing, the user timeout
 * and the congestion control are each connection's defaults: a connection or listener may change them
 * ({@link TcpConnectionOptions}).
 *
 * <p>Defaults, and why:
 * <ul>
 *   <li>MTU 1500 (Ethernet), so our MSS is 1460 (RFC 9293 3.7.1: MTU minus 40 bytes of fixed IPv4 and TCP
 *   headers).</li>
 *   <li>Send MSS floor 536: a peer announcing less still gets 536-byte segments, the RFC 9293 3.7.1 default
 *   send MSS, which every IPv4 host can take (RFC 1122 3.3.2: 576-byte datagrams). Tiny MSS values are a
 *   known way to make a sender burn a packet per handful of bytes (CVE-2019-11479); each peer raised to the
 *   floor is counted ({@link TcpCounter#MSS_RAISED_TO_FLOOR}).</li>
 *   <li>Receive and send buffers 256 KiB each; the receive buffer is the most we advertise, so the window
 *   scale we offer is the least shift that expresses it (3 for 256 KiB).</li>
 *   <li>Out-of-order data per connection: at most the receive buffer in bytes ({@code outOfOrderMaxBytes}) and
 *   256 segments ({@code outOfOrderMaxSegments}); a held segment pins its whole frame, so the segment cap bounds
 *   the memory really held, and it bounds the work per arriving segment (SegmentSmack, CVE-2018-5390). Data a
 *   cap turns away is counted ({@link TcpCounter#OUT_OF_ORDER_REFUSED}), held data pruned from the top for
 *   lower data too ({@link TcpCounter#OUT_OF_ORDER_PRUNED}).</li>
 *   <li>MSL 30 s, so TIME-WAIT lasts 2*MSL = 60 s, as Linux's TCP_TIMEWAIT_LEN. RFC 9293 3.4.2 calls MSL
 *   = 2 minutes an engineering choice; 4 minutes of TIME-WAIT per closed connection costs memory and
 *   ports for little gain on today's networks.</li>
 *   <li>Nagle on (RFC 9293 3.7.4 SHLD-7), delayed ACK at most 40 ms (RFC 9293 3.8.6.3 allows up to 500 ms;
 *   Linux's usual value) and an ACK for at least every second full-sized segment (RFC 5681 4.2).</li>
 *   <li>Congestion control "cubic", as Linux.</li>
 *   <li>Connect timeout 75 s, BSD's classic connection-establishment timer; the SYN is retransmitted per
 *   {@link RetransmissionLimits} meanwhile.</li>
 *   <li>SYN queue 256 handshakes per listener; challenge ACKs at most 10 per second per connection
 *   (RFC 5961 10 asks for a rate limit; Linux limits them per namespace).</li>
 *   <li>At most 4096 half-open connections (SYN-RECEIVED, all listeners of an engine together, as
 *   {@code maxConnections} counts per engine): a SYN flood spread over many ports cannot fill the connection
 *   table with handshakes.</li>
 *   <li>SYN cookies on (RFC 4987 3.6, Linux's tcp_syncookies=1): only when the listener's SYN queue is full or
 *   the half-open limit is reached does a SYN get a stateless cookie SYN-ACK instead of being dropped. A cookie
 *   keeps the MSS (rounded down to a table entry), and the window scale and SACK only when the SYN carried
 *   timestamps ({@link io.usertcp.tcp.syncookie.SynCookies}).</li>
 *   <li>Timestamps (RFC 7323), SACK (RFC 2018) and window scaling (RFC 7323) offered by default.</li>
 *   <li>Keep-alive off (RFC 1122 4.2.3.6: off unless asked for); when on, 2 hours idle, then 9 probes 75 s
 *   apart, as Linux.</li>
 *   <li>At most 65536 connections and 1024 listeners per engine (one event loop); a new connection refused for
 *   want of room is counted ({@link TcpCounter#CONNECTION_TABLE_FULL}), unless a TIME-WAIT connection could
 *   make room.</li>
 *   <li>At most 16384 connections in TIME-WAIT (Linux's tcp_max_tw_buckets on a small machine): at the cap the
 *   oldest is freed early ({@link TcpCounter#TIME_WAIT_RECLAIMED}), and so is the oldest when a full connection
 *   table needs a slot. TIME-WAIT guards against old duplicates (RFC 9293 3.4.2), which the peer's timestamps
 *   and ISN rule (RFC 6528) mostly guard against as well; a peer that makes us close first must not fill the
 *   table with it.</li>
 *   <li>At most 16384 orphans: connections the application closed that are still closing (FIN-WAIT-1,
 *   FIN-WAIT-2, CLOSING, LAST-ACK). Beyond that the oldest is reset ({@link TcpCounter#ORPHANS_RESET}), as
 *   Linux does past tcp_max_orphans: a peer that never acknowledges our FIN or never sends its own cannot
 *   hold memory for the whole retransmission or FIN-WAIT-2 time.</li>
 *   <li>FIN-WAIT-2 timeout 60 s for connections the application closed (Linux's tcp_fin_timeout): a peer that
 *   never sends its FIN cannot pin the connection forever ({@link TcpCounter#FIN_WAIT_2_TIMEOUTS}). A half-closed
 *   connection waits as long as it likes, until the application closes it: the timeout runs from then.</li>
 *   <li>No user timeout: R2 of the {@link RetransmissionLimits} decides. Without one, a peer whose window stays
 *   shut, or too small to be worth sending into (RFC 9293 3.8.6.2.1: under a full segment and under half the
 *   largest window it offered), is probed for as long as it answers; with one, the connection ends that long
 *   after the window shut ({@link TcpCounter#TIMEOUTS}).</li>
 * </ul>
 */
public final class TcpStackConfig {
    /** RFC 9293 3.7.1: the fixed IPv4 and TCP headers an MSS leaves out of the MTU. */
    public static final int HEADER_OVERHEAD = 40;
    /** RFC 9293 3.7.1 (MUST-15): the send MSS when the peer sends no MSS option. */
    public static final int DEFAULT_SEND_MSS = 536;
    /** RFC 7323 2.3: the largest window scale shift. */
    public static final int MAX_WINDOW_SCALE = 14;

    private static final TcpStackConfig DEFAULTS = builder().build();

    private final int mtu;
    private final int minSendMss;
    private final int maxSendMss;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final int outOfOrderMaxBytes;
    private final int outOfOrderMaxSegments;
    private final long mslNanos;
    private final boolean nagle;
    private final long delayedAckNanos;
    private final long connectTimeoutNanos;
    private final RttEstimatorConfig rttConfig;
    private final RetransmissionLimits retransmissionLimits;
    private final String congestionControl;
    private final int synQueueLimit;
    private final int maxHalfOpenConnections;
    private final boolean synCookies;
    private final int maxConnections;
    private final int maxListeners;
    private final int maxTimeWaitConnections;
    private final int maxOrphanConnections;
    private final int challengeAcksPerSecond;
    private final boolean timestamps;
    private final boolean sack;
    private final boolean windowScaling;
    private final int firstEphemeralPort;
    private final int lastEphemeralPort;
    private final boolean keepAlive;
    private final long keepAliveIdleNanos;
    private final long keepAliveIntervalNanos;
    private final int keepAliveProbes;
    private final long finWait2TimeoutNanos;
    private final long userTimeoutNanos;

    private TcpStackConfig(Builder b) {
        this.mtu = b.mtu;
        this.minSendMss = b.minSendMss;
        this.maxSendMss = b.maxSendMss;
        this.receiveBufferBytes = b.receiveBufferBytes;
        this.sendBufferBytes = b.sendBufferBytes;
        this.outOfOrderMaxBytes = b.outOfOrderMaxBytes < 0 ? b.receiveBufferBytes : b.outOfOrderMaxBytes;
        this.outOfOrderMaxSegments = b.outOfOrderMaxSegments;
        this.mslNanos = b.mslNanos;
        this.nagle = b.nagle;
        this.delayedAckNanos = b.delayedAckNanos;
        this.connectTimeoutNanos = b.connectTimeoutNanos;
        this.rttConfig = b.rttConfig;
        this.retransmissionLimits = b.retransmissionLimits;
        this.congestionControl = b.congestionControl;
        this.synQueueLimit = b.synQueueLimit;
        this.maxHalfOpenConnections = b.maxHalfOpenConnections;
        this.synCookies = b.synCookies;
        this.maxConnections = b.maxConnections;
        this.maxListeners = b.maxListeners;
        this.maxTimeWaitConnections = b.maxTimeWaitConnections;
        this.maxOrphanConnections = b.maxOrphanConnections;
        this.challengeAcksPerSecond = b.challengeAcksPerSecond;
        this.timestamps = b.timestamps;
        this.sack = b.sack;
        this.windowScaling = b.windowScaling;
        this.firstEphemeralPort = b.firstEphemeralPort;
        this.lastEphemeralPort = b.lastEphemeralPort;
        this.keepAlive = b.keepAlive;
        this.keepAliveIdleNanos = b.keepAliveIdleNanos;
        this.keepAliveIntervalNanos = b.keepAliveIntervalNanos;
        this.keepAliveProbes = b.keepAliveProbes;
        this.finWait2TimeoutNanos = b.finWait2TimeoutNanos;
        this.userTimeoutNanos = b.userTimeoutNanos;
    }

    public static TcpStackConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mtu = mtu;
        b.minSendMss = minSendMss;
        b.maxSendMss = maxSendMss;
        b.receiveBufferBytes = receiveBufferBytes;
        b.sendBufferBytes = sendBufferBytes;
        b.outOfOrderMaxBytes = outOfOrderMaxBytes;
        b.outOfOrderMaxSegments = outOfOrderMaxSegments;
        b.mslNanos = mslNanos;
        b.nagle = nagle;
        b.delayedAckNanos = delayedAckNanos;
        b.connectTimeoutNanos = connectTimeoutNanos;
        b.rttConfig = rttConfig;
        b.retransmissionLimits = retransmissionLimits;
        b.congestionControl = congestionControl;
        b.synQueueLimit = synQueueLimit;
        b.maxHalfOpenConnections = maxHalfOpenConnections;
        b.synCookies = synCookies;
        b.maxConnections = maxConnections;
        b.maxListeners = maxListeners;
        b.maxTimeWaitConnections = maxTimeWaitConnections;
        b.maxOrphanConnections = maxOrphanConnections;
        b.challengeAcksPerSecond = challengeAcksPerSecond;
        b.timestamps = timestamps;
        b.sack = sack;
        b.windowScaling = windowScaling;
        b.firstEphemeralPort = firstEphemeralPort;
        b.lastEphemeralPort = lastEphemeralPort;
        b.keepAlive = keepAlive;
        b.keepAliveIdleNanos = keepAliveIdleNanos;
        b.keepAliveIntervalNanos = keepAliveIntervalNanos;
        b.keepAliveProbes = keepAliveProbes;
        b.finWait2TimeoutNanos = finWait2TimeoutNanos;
        b.userTimeoutNanos = userTimeoutNanos;
        return b;
    }

    public int mtu() {
        return mtu;
    }

    /** The MSS we announce: the MTU less the fixed headers, within the configured cap. */
    public int receiveMss() {
        return Math.min(mtu - HEADER_OVERHEAD, maxSendMss);
    }

    /**
     * RFC 9293 3.7.1: the effective send MSS for a peer that announced {@code peerMss} (-1 when it sent no
     * option, meaning 536): at most our MTU less 40 and the cap, at least the floor.
     */
    public int effectiveSendMss(int peerMss) {
        int announced = peerMss < 0 ? DEFAULT_SEND_MSS : peerMss;
        int mss = Math.min(announced, Math.min(mtu - HEADER_OVERHEAD, maxSendMss));
        return Math.max(mss, minSendMss);
    }

    public int minSendMss() {
        return minSendMss;
    }

    public int maxSendMss() {
        return maxSendMss;
    }

    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** The window scale shift we offer: the least that expresses the receive buffer in 16 bits. */
    public int receiveWindowScale() {
        return windowScaleFor(receiveBufferBytes);
    }

    /** RFC 7323 2.3: the least window scale shift (at most 14) that expresses {@code bufferBytes} in 16 bits. */
    public static int windowScaleFor(int bufferBytes) {
        int shift = 0;
        while (shift < MAX_WINDOW_SCALE && (bufferBytes >> shift) > 0xFFFF) {
            shift++;
        }
        return shift;
    }

    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    public int outOfOrderMaxBytes() {
        return outOfOrderMaxBytes;
    }

    public int outOfOrderMaxSegments() {
        return outOfOrderMaxSegments;
    }

    public long mslNanos() {
        return mslNanos;
    }

    /** RFC 9293 3.10.7.4: TIME-WAIT lasts 2*MSL. */
    public long timeWaitNanos() {
        return 2 * mslNanos;
    }

    public boolean nagle() {
        return nagle;
    }

    public long delayedAckNanos() {
        return delayedAckNanos;
    }

    public long connectTimeoutNanos() {
        return connectTimeoutNanos;
    }

    public RttEstimatorConfig rttConfig() {
        return rttConfig;
    }

    public RetransmissionLimits retransmissionLimits() {
        return retransmissionLimits;
    }

    public String congestionControl() {
        return congestionControl;
    }

    public int synQueueLimit() {
        return synQueueLimit;
    }

    /** Connections in SYN-RECEIVED an engine holds for all its listeners together. */
    public int maxHalfOpenConnections() {
        return maxHalfOpenConnections;
    }

    /** SYN cookies (RFC 4987) answer the SYNs a full SYN queue or the half-open limit would drop. */
    public boolean synCookies() {
        return synCookies;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxListeners() {
        return maxListeners;
    }

    /** Connections in TIME-WAIT at once; the oldest is reclaimed to admit another. */
    public int maxTimeWaitConnections() {
        return maxTimeWaitConnections;
    }

    /** Orphaned connections (closed by the application, still closing) at once; the oldest is reset beyond. */
    public int maxOrphanConnections() {
        return maxOrphanConnections;
    }

    public int challengeAcksPerSecond() {
        return challengeAcksPerSecond;
    }

    public boolean timestamps() {
        return timestamps;
    }

    public boolean sack() {
        return sack;
    }

    public boolean windowScaling() {
        return windowScaling;
    }

    public int firstEphemeralPort() {
        return firstEphemeralPort;
    }

    public int lastEphemeralPort() {
        return lastEphemeralPort;
    }

    /** Keep-alive for new connections (SO_KEEPALIVE's default); each connection may change it. */
    public boolean keepAlive() {
        return keepAlive;
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

    public long finWait2TimeoutNanos() {
        return finWait2TimeoutNanos;
    }

    /** RFC 5482 / TCP_USER_TIMEOUT: how long data may stay unacknowledged (or a zero window unopened); 0 for R2 alone. */
    public long userTimeoutNanos() {
        return userTimeoutNanos;
    }

    @Override
    public String toString() {
        return "TcpStackConfig{mtu=" + mtu + ", sendMss=[" + minSendMss + ", " + maxSendMss + "], rcvbuf="
                + receiveBufferBytes + ", sndbuf=" + sendBufferBytes + ", msl=" + mslNanos + "ns, nagle=" + nagle
                + ", delack=" + delayedAckNanos + "ns, cc=" + congestionControl + ", ts=" + timestamps + ", sack="
                + sack + ", wscale=" + windowScaling + '}';
    }

    /** Mutable builder; every setter returns it. */
    public static final class Builder {
        private int mtu = 1500;
        private int minSendMss = DEFAULT_SEND_MSS;
        private int maxSendMss = 0xFFFF;
        private int receiveBufferBytes = 256 * 1024;
        private int sendBufferBytes = 256 * 1024;
        private int outOfOrderMaxBytes = -1;
        private int outOfOrderMaxSegments = 256;
        private long mslNanos = TimeUnit.SECONDS.toNanos(30);
        private boolean nagle = true;
        private long delayedAckNanos = TimeUnit.MILLISECONDS.toNanos(40);
        private long connectTimeoutNanos = TimeUnit.SECONDS.toNanos(75);
        private RttEstimatorConfig rttConfig = RttEstimatorConfig.defaults();
        private RetransmissionLimits retransmissionLimits = RetransmissionLimits.defaults();
        private String congestionControl = "cubic";
        private int synQueueLimit = 256;
        private int maxHalfOpenConnections = 4096;
        private boolean synCookies = true;
        private int maxConnections = 1 << 16;
        private int maxListeners = 1024;
        private int maxTimeWaitConnections = 16384;
        private int maxOrphanConnections = 16384;
        private int challengeAcksPerSecond = 10;
        private boolean timestamps = true;
        private boolean sack = true;
        private boolean windowScaling = true;
        private int firstEphemeralPort = 49152;
        private int lastEphemeralPort = 65535;
        private boolean keepAlive;
        private long keepAliveIdleNanos = TimeUnit.HOURS.toNanos(2);
        private long keepAliveIntervalNanos = TimeUnit.SECONDS.toNanos(75);
        private int keepAliveProbes = 9;
        private long finWait2TimeoutNanos = TimeUnit.SECONDS.toNanos(60);
        private long userTimeoutNanos;

        private Builder() {
        }

        /** The link MTU, 576 to 65535 (RFC 1122 3.3.3: every IPv4 host takes 576). */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /** The floor of the send MSS, whatever the peer announces. */
        public Builder minSendMss(int mss) {
            this.minSendMss = mss;
            return this;
        }

        /** The cap of the send and announced MSS (an MSS clamp). */
        public Builder maxSendMss(int mss) {
            this.maxSendMss = mss;
            return this;
        }

        public Builder receiveBufferBytes(int bytes) {
            this.receiveBufferBytes = bytes;
            return this;
        }

        public Builder sendBufferBytes(int bytes) {
            this.sendBufferBytes = bytes;
            return this;
        }

        /** Cap of out-of-order bytes held per connection; defaults to the receive buffer. */
        public Builder outOfOrderMaxBytes(int bytes) {
            this.outOfOrderMaxBytes = bytes;
            return this;
        }

        public Builder outOfOrderMaxSegments(int segments) {
            this.outOfOrderMaxSegments = segments;
            return this;
        }

        public Builder mslNanos(long nanos) {
            this.mslNanos = nanos;
            return this;
        }

        /** Nagle's algorithm (RFC 9293 3.7.4) on, or off as with TCP_NODELAY. */
        public Builder nagle(boolean nagle) {
            this.nagle = nagle;
            return this;
        }

        /** Longest ACK delay, at most 500 ms (RFC 9293 3.8.6.3 MUST-40). */
        public Builder delayedAckNanos(long nanos) {
            this.delayedAckNanos = nanos;
            return this;
        }

        public Builder connectTimeoutNanos(long nanos) {
            this.connectTimeoutNanos = nanos;
            return this;
        }

        public Builder rttConfig(RttEstimatorConfig config) {
            this.rttConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder retransmissionLimits(RetransmissionLimits limits) {
            this.retransmissionLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** A name registered in the engine's {@link io.usertcp.tcp.congestion.CongestionControlAlgorithms}. */
        public Builder congestionControl(String name) {
            this.congestionControl = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Handshakes in SYN-RECEIVED per listener. */
        public Builder synQueueLimit(int limit) {
            this.synQueueLimit = limit;
            return this;
        }

        /** Connections in SYN-RECEIVED per engine, all listeners together. */
        public Builder maxHalfOpenConnections(int max) {
            this.maxHalfOpenConnections = max;
            return this;
        }

        /** SYN cookies when the SYN queue is full or the half-open limit reached; off, such SYNs are dropped. */
        public Builder synCookies(boolean enabled) {
            this.synCookies = enabled;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder maxListeners(int max) {
            this.maxListeners = max;
            return this;
        }

        /** Connections in TIME-WAIT at once, at least 1; entering TIME-WAIT at the cap frees the oldest. */
        public Builder maxTimeWaitConnections(int max) {
            this.maxTimeWaitConnections = max;
            return this;
        }

        /** Orphaned connections at once, at least 1; one more resets the oldest. */
        public Builder maxOrphanConnections(int max) {
            this.maxOrphanConnections = max;
            return this;
        }

        public Builder challengeAcksPerSecond(int limit) {
            this.challengeAcksPerSecond = limit;
            return this;
        }

        public Builder timestamps(boolean enabled) {
            this.timestamps = enabled;
            return this;
        }

        public Builder sack(boolean enabled) {
            this.sack = enabled;
            return this;
        }

        public Builder windowScaling(boolean enabled) {
            this.windowScaling = enabled;
            return this;
        }

        public Builder ephemeralPorts(int first, int last) {
            this.firstEphemeralPort = first;
            this.lastEphemeralPort = last;
            return this;
        }

        /** Keep-alive on for new connections. */
        public Builder keepAlive(boolean enabled) {
            this.keepAlive = enabled;
            return this;
        }

        /**
         * Keep-alive timing: probes start after {@code idleNanos} without a segment from the peer (RFC 1122
         * 4.2.3.6: at least two hours by default), repeat every {@code intervalNanos}, and {@code probes}
         * unanswered ones close the connection.
         */
        public Builder keepAliveTiming(long idleNanos, long intervalNanos, int probes) {
            this.keepAliveIdleNanos = idleNanos;
            this.keepAliveIntervalNanos = intervalNanos;
            this.keepAliveProbes = probes;
            return this;
        }

        /** How long a connection the application closed waits in FIN-WAIT-2 for the peer's FIN. */
        public Builder finWait2TimeoutNanos(long nanos) {
            this.finWait2TimeoutNanos = nanos;
            return this;
        }

        /** RFC 5482 user timeout; 0 turns it off (R2 alone decides). */
        public Builder userTimeoutNanos(long nanos) {
            this.userTimeoutNanos = nanos;
            return this;
        }

        /** @throws IllegalArgumentException for an inconsistent set */
        public TcpStackConfig build() {
            check(mtu >= 576 && mtu <= 0xFFFF, "mtu must be in [576, 65535]: " + mtu);
            check(minSendMss >= 1 && minSendMss <= maxSendMss && maxSendMss <= 0xFFFF,
                    "send MSS bounds must satisfy 1 <= min <= max <= 65535: " + minSendMss + ", " + maxSendMss);
            check(minSendMss <= mtu - HEADER_OVERHEAD, "send MSS floor above the MTU's MSS: " + minSendMss);
            check(receiveBufferBytes >= mtu && receiveBufferBytes <= 1 << 30,
                    "receive buffer must be in [mtu, 2^30]: " + receiveBufferBytes);
            check(sendBufferBytes >= 1, "send buffer must be positive: " + sendBufferBytes);
            check(outOfOrderMaxSegments >= 1, "out-of-order segment cap must be positive");
            check(outOfOrderMaxBytes == -1 || outOfOrderMaxBytes >= 1, "out-of-order byte cap must be positive");
            check(mslNanos > 0, "MSL must be positive: " + mslNanos);
            check(delayedAckNanos > 0 && delayedAckNanos <= TimeUnit.MILLISECONDS.toNanos(500),
                    "RFC 9293 MUST-40: delayed ACK in (0, 500 ms]: " + delayedAckNanos);
            check(connectTimeoutNanos > 0, "connect timeout must be positive: " + connectTimeoutNanos);
            check(synQueueLimit >= 1 && maxConnections >= 1 && maxListeners >= 1, "limits must be positive");
            check(maxHalfOpenConnections >= 1, "half-open limit must be positive: " + maxHalfOpenConnections);
            check(maxTimeWaitConnections >= 1, "TIME-WAIT cap must be positive: " + maxTimeWaitConnections);
            check(maxOrphanConnections >= 1, "orphan cap must be positive: " + maxOrphanConnections);
            check(challengeAcksPerSecond >= 1, "challenge ACK limit must be positive");
            check(keepAliveIdleNanos > 0 && keepAliveIntervalNanos > 0 && keepAliveProbes >= 1,
                    "keep-alive timing must be positive");
            check(finWait2TimeoutNanos > 0, "FIN-WAIT-2 timeout must be positive: " + finWait2TimeoutNanos);
            check(userTimeoutNanos >= 0, "user timeout must not be negative: " + userTimeoutNanos);
            check(firstEphemeralPort >= 1 && firstEphemeralPort <= lastEphemeralPort && lastEphemeralPort <= 0xFFFF,
                    "ephemeral ports must satisfy 1 <= first <= last <= 65535");
            return new TcpStackConfig(this);
        }

        private static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
