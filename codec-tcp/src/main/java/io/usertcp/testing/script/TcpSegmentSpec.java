package io.usertcp.testing.script;

import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of a packet script: a segment to inject ({@link TcpScript#receive}) or a pattern an emitted
 * segment must match ({@link TcpScript#expectSend}). Start with {@link #tcp()} and chain, e.g.
 * {@code tcp().syn().seq(ISS).mss(1460).ws(7).sackPermitted().ts(100, 0).win(65535)}.
 *
 * <p>As a pattern, only what was set is checked, except the control bits, which must match exactly apart
 * from PSH: PSH is checked only when {@link #psh()} or {@link #noPsh()} was called.
 */
public final class TcpSegmentSpec {
    private int flags;
    private boolean pshSpecified;
    private Integer seq;
    private Integer ack;
    private Integer window;
    private Integer mss;
    private Integer windowScale;
    private Boolean sackPermitted;
    private Integer tsVal;
    private Integer tsEcr;
    private boolean timestamps;
    private Boolean noTimestamps;
    private int[] sackEdges = new int[0];
    private Boolean noSack;
    private byte[] payload;
    private boolean patternLengthOnly;
    private Integer sourcePort;
    private Integer destinationPort;

    private TcpSegmentSpec() {
    }

    public static TcpSegmentSpec tcp() {
        return new TcpSegmentSpec();
    }

    public TcpSegmentSpec syn() {
        flags |= TcpFlags.SYN;
        return this;
    }

    public TcpSegmentSpec ack() {
        flags |= TcpFlags.ACK;
        return this;
    }

    public TcpSegmentSpec fin() {
        flags |= TcpFlags.FIN;
        return this;
    }

    public TcpSegmentSpec rst() {
        flags |= TcpFlags.RST;
        return this;
    }

    public TcpSegmentSpec psh() {
        flags |= TcpFlags.PSH;
        pshSpecified = true;
        return this;
    }

    public TcpSegmentSpec noPsh() {
        flags &= ~TcpFlags.PSH;
        pshSpecified = true;
        return this;
    }

    public TcpSegmentSpec seq(int seq) {
        this.seq = seq;
        return this;
    }

    /** The acknowledgment number; sets the ACK bit too. */
    public TcpSegmentSpec ack(int ack) {
        this.ack = ack;
        flags |= TcpFlags.ACK;
        return this;
    }

    /** The raw 16-bit window field. */
    public TcpSegmentSpec win(int window) {
        this.window = window;
        return this;
    }

    public TcpSegmentSpec mss(int mss) {
        this.mss = mss;
        return this;
    }

    /** Window scale option with this shift; as a pattern, -1 means "absent". */
    public TcpSegmentSpec ws(int shift) {
        this.windowScale = shift;
        return this;
    }

    public TcpSegmentSpec sackPermitted() {
        this.sackPermitted = true;
        return this;
    }

    /** As a pattern: no SACK-permitted option. */
    public TcpSegmentSpec noSackPermitted() {
        this.sackPermitted = false;
        return this;
    }

    public TcpSegmentSpec ts(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** As a pattern: timestamps present with this echo, any TSval. */
    public TcpSegmentSpec tsEcr(int tsEcr) {
        this.timestamps = true;
        this.tsEcr = tsEcr;
        return this;
    }

    /** As a pattern: no timestamps option. */
    public TcpSegmentSpec noTs() {
        this.noTimestamps = true;
        return this;
    }

    /** A SACK block [left, right); as a pattern, the blocks must be exactly those added, in order. */
    public TcpSegmentSpec sack(int left, int right) {
        sackEdges = Arrays.copyOf(sackEdges, sackEdges.length + 2);
        sackEdges[sackEdges.length - 2] = left;
        sackEdges[sackEdges.length - 1] = right;
        return this;
    }

    /** As a pattern: no SACK blocks. */
    public TcpSegmentSpec noSack() {
        this.noSack = true;
        return this;
    }

    public TcpSegmentSpec data(String text) {
        return payload(text.getBytes(StandardCharsets.US_ASCII));
    }

    public TcpSegmentSpec payload(byte[] bytes) {
        this.payload = bytes.clone();
        this.patternLengthOnly = false;
        return this;
    }

    /** {@code length} payload bytes of a fixed pattern ({@link #patternByte}); as a pattern, only the length. */
    public TcpSegmentSpec len(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = patternByte(i);
        }
        this.payload = bytes;
        this.patternLengthOnly = true;
        return this;
    }

    /** The byte at {@code index} of a {@link #len} payload. */
    public static byte patternByte(int index) {
        return (byte) ('a' + index % 26);
    }

    public TcpSegmentSpec sourcePort(int port) {
        this.sourcePort = port;
        return this;
    }

    public TcpSegmentSpec destinationPort(int port) {
        this.destinationPort = port;
        return this;
    }

    int flags() {
        return flags;
    }

    int seqOr(int fallback) {
        return seq == null ? fallback : seq;
    }

    int ackOr(int fallback) {
        return ack == null ? fallback : ack;
    }

    int windowOr(int fallback) {
        return window == null ? fallback : window;
    }

    int sourcePortOr(int fallback) {
        return sourcePort == null ? fallback : sourcePort;
    }

    int destinationPortOr(int fallback) {
        return destinationPort == null ? fallback : destinationPort;
    }

    byte[] payloadBytes() {
        return payload == null ? new byte[0] : payload;
    }

    /** The options to put on an injected segment. */
    void fillOptions(TcpOptions options) {
        options.clear();
        if (mss != null) {
            options.setMss(mss);
        }
        if (windowScale != null && windowScale >= 0) {
            options.setWindowScale(windowScale);
        }
        if (Boolean.TRUE.equals(sackPermitted)) {
            options.setSackPermitted(true);
        }
        if (timestamps) {
            options.setTimestamps(tsVal == null ? 0 : tsVal, tsEcr == null ? 0 : tsEcr);
        }
        for (int i = 0; i < sackEdges.length; i += 2) {
            options.addSackBlock(sackEdges[i], sackEdges[i + 1]);
        }
    }

    /** Null when {@code segment} matches this pattern, else what differs. */
    String mismatch(SentSegment segment) {
        StringBuilder problems = new StringBuilder();
        int mask = pshSpecified ? TcpFlags.ALL : TcpFlags.ALL & ~TcpFlags.PSH;
        if ((segment.flags() & mask) != (flags & mask)) {
            problems.append(" flags ").append(TcpFlags.toString(segment.flags())).append(" != ")
                    .append(TcpFlags.toString(flags));
        }
        check(problems, "seq", seq, segment.seq());
        check(problems, "ack", ack, segment.ack());
        check(problems, "win", window, segment.window());
        check(problems, "mss", mss, segment.mss());
        check(problems, "wscale", windowScale, segment.windowScale());
        if (sackPermitted != null && sackPermitted != segment.sackPermitted()) {
            problems.append(" sackOK ").append(segment.sackPermitted()).append(" != ").append(sackPermitted);
        }
        if (timestamps && !segment.hasTimestamps()) {
            problems.append(" timestamps missing");
        } else if (timestamps) {
            check(problems, "tsval", tsVal, segment.tsVal());
            check(problems, "tsecr", tsEcr, segment.tsEcr());
        }
        if (Boolean.TRUE.equals(noTimestamps) && segment.hasTimestamps()) {
            problems.append(" unexpected timestamps");
        }
        if (sackEdges.length > 0 && !Arrays.equals(sackEdges, segment.sackEdges())) {
            problems.append(" sack ").append(Arrays.toString(segment.sackEdges())).append(" != ")
                    .append(Arrays.toString(sackEdges));
        }
        if (Boolean.TRUE.equals(noSack) && segment.sackEdges().length > 0) {
            problems.append(" unexpected sack ").append(Arrays.toString(segment.sackEdges()));
        }
        if (payload != null) {
            if (segment.payload().length != payload.length) {
                problems.append(" length ").append(segment.payload().length).append(" != ").append(payload.length);
            } else if (!patternLengthOnly && !Arrays.equals(segment.payload(), payload)) {
                problems.append(" payload differs");
            }
        }
        check(problems, "sport", sourcePort, segment.sourcePort());
        check(problems, "dport", destinationPort, segment.destinationPort());
        return problems.length() == 0 ? null : problems.toString().trim();
    }

    private static void check(StringBuilder problems, String name, Integer expected, int actual) {
        if (expected != null && expected != actual) {
            problems.append(' ').append(name).append(' ').append(Integer.toUnsignedString(actual)).append(" != ")
                    .append(Integer.toUnsignedString(expected));
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("tcp ").append(TcpFlags.toString(flags));
        if (seq != null) {
            text.append(" seq ").append(Integer.toUnsignedString(seq));
        }
        if (ack != null) {
            text.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        if (window != null) {
            text.append(" win ").append(window);
        }
        if (payload != null) {
            text.append(" len ").append(payload.length);
        }
        return text.toString();
    }
}
