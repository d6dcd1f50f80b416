package io.usertcp.testing.script;

import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;

import java.util.Arrays;

/** A copy of one segment the stack sent, decoded with {@link TcpSegment}: safe to keep after the buffer is gone. */
public final class SentSegment {
    private final int sourceAddress;
    private final int destinationAddress;
    private final int sourcePort;
    private final int destinationPort;
    private final int seq;
    private final int ack;
    private final int flags;
    private final int window;
    private final int mss;
    private final int windowScale;
    private final boolean sackPermitted;
    private final boolean timestamps;
    private final int tsVal;
    private final int tsEcr;
    private final int[] sackEdges;
    private final byte[] payload;
    private final long sentAtNanos;

    SentSegment(TcpSegment segment, int sourceAddress, int destinationAddress, long sentAtNanos) {
        this.sourceAddress = sourceAddress;
        this.destinationAddress = destinationAddress;
        this.sourcePort = segment.sourcePort();
        this.destinationPort = segment.destinationPort();
        this.seq = segment.sequenceNumber();
        this.ack = segment.acknowledgmentNumber();
        this.flags = segment.flags();
        this.window = segment.window();
        TcpOptions options = segment.options();
        this.mss = options.mss();
        this.windowScale = options.windowScale();
        this.sackPermitted = options.sackPermitted();
        this.timestamps = options.hasTimestamps();
        this.tsVal = options.tsVal();
        this.tsEcr = options.tsEcr();
        this.sackEdges = new int[2 * options.sackBlockCount()];
        for (int block = 0; block < options.sackBlockCount(); block++) {
            sackEdges[2 * block] = options.sackLeftEdge(block);
            sackEdges[2 * block + 1] = options.sackRightEdge(block);
        }
        this.payload = new byte[segment.payloadLength()];
        segment.buffer().getBytes(segment.payloadOffset(), payload);
        this.sentAtNanos = sentAtNanos;
    }

    public int sourceAddress() {
        return sourceAddress;
    }

    public int destinationAddress() {
        return destinationAddress;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    public int flags() {
        return flags;
    }

    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    public int window() {
        return window;
    }

    /** -1 when absent. */
    public int mss() {
        return mss;
    }

    /** -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return timestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    /** Left and right edges of each SACK block, in wire order. */
    public int[] sackEdges() {
        return sackEdges.clone();
    }

    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    public int sequenceLength() {
        return payload.length + (has(TcpFlags.SYN) ? 1 : 0) + (has(TcpFlags.FIN) ? 1 : 0);
    }

    /** The ticker time the segment left the stack. */
    public long sentAtNanos() {
        return sentAtNanos;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(sourcePort).append(" > ").append(destinationPort)
                .append(" [").append(TcpFlags.toString(flags)).append("] seq ").append(Integer.toUnsignedString(seq));
        if (has(TcpFlags.ACK)) {
            text.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        text.append(" win ").append(window);
        if (mss >= 0) {
            text.append(" mss ").append(mss);
        }
        if (windowScale >= 0) {
            text.append(" wscale ").append(windowScale);
        }
        if (sackPermitted) {
            text.append(" sackOK");
        }
        if (timestamps) {
            text.append(" ts ").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr));
        }
        if (sackEdges.length > 0) {
            text.append(" sack ").append(Arrays.toString(sackEdges));
        }
        return text.append(" len ").append(payload.length).toString();
    }
}
