package io.usertcp.codec.benchmark;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The inbound path's decoding per received TCP segment: Ethernet, then IPv4 with its header checksum,
 * then TCP with the checksum over pseudo-header, header and payload and the timestamps option parsed,
 * then the fields the connection lookup and segment processing read. A full 1448-byte data segment, where
 * the checksum dominates, and a pure ACK (no payload), where the per-header work shows. The views are
 * reused as the event loop reuses them.
 *
 * <p>Run with {@code mvn -pl codec-tcp -Pjmh test-compile exec:exec -Djmh.args=HeaderParseBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchmarkJvm.LEAK_DETECTION_OFF)
public class HeaderParseBenchmark {
    /** The TCP payload: a full segment, or none (a pure ACK). */
    @Param({"" + ConnectionSegments.FULL_PAYLOAD, "0"})
    int payloadLength;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();
    private ByteBuf frame;
    private int frameOffset;
    private int frameLength;

    @Setup
    public void buildFrame() {
        frame = new FrameBuffers(PooledByteBufAllocator.DEFAULT).allocate(payloadLength);
        for (int i = 0; i < payloadLength; i++) {
            frame.writeByte(i * 31 + 7);
        }
        new ConnectionSegments().prependHeaders(frame);
        frameOffset = frame.readerIndex();
        frameLength = frame.readableBytes();
        DropReason reason = decode();
        if (reason != null) {
            throw new IllegalStateException("the benchmark frame does not decode: " + reason);
        }
    }

    @TearDown
    public void release() {
        frame.release();
    }

    @Benchmark
    public DropReason receive(Blackhole blackhole) {
        DropReason reason = decode();
        if (reason != null) {
            return reason;
        }
        // What the 4-tuple lookup and RFC 9293 3.10.7 segment processing read first.
        blackhole.consume(ipv4.sourceAddress());
        blackhole.consume(ipv4.destinationAddress());
        blackhole.consume(tcp.sourcePort());
        blackhole.consume(tcp.destinationPort());
        blackhole.consume(tcp.sequenceNumber());
        blackhole.consume(tcp.acknowledgmentNumber());
        blackhole.consume(tcp.flags());
        blackhole.consume(tcp.window());
        TcpOptions options = tcp.options();
        blackhole.consume(options.tsVal());
        blackhole.consume(options.tsEcr());
        blackhole.consume(tcp.payloadOffset());
        blackhole.consume(tcp.payloadLength());
        return null;
    }

    private DropReason decode() {
        DropReason reason = ethernet.wrap(frame, frameOffset, frameLength);
        if (reason != null) {
            return reason;
        }
        if (ethernet.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
            return DropReason.UNSUPPORTED_ETHERTYPE;
        }
        reason = ipv4.wrap(frame, ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason != null) {
            return reason;
        }
        return tcp.wrap(frame, ipv4.payloadOffset(), ipv4.payloadLength(), ipv4.sourceAddress(),
                ipv4.destinationAddress());
    }
}
