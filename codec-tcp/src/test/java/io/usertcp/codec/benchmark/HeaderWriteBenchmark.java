package io.usertcp.codec.benchmark;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
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

import java.util.concurrent.TimeUnit;

/**
 * The outbound path's header work per sent TCP segment: TCP with timestamps (and its checksum over
 * pseudo-header, header and payload), IPv4 with its header checksum, and Ethernet, each prepended into
 * the headroom of one {@link FrameBuffers} buffer in front of the payload already in it. Each operation
 * resets the indexes to an empty headroom and rewrites the headers; no allocation and no copy.
 *
 * <p>Run with {@code mvn -pl codec-tcp -Pjmh test-compile exec:exec -Djmh.args=HeaderWriteBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchmarkJvm.LEAK_DETECTION_OFF)
public class HeaderWriteBenchmark {
    /** The TCP payload: a full segment, or none (a pure ACK). */
    @Param({"" + ConnectionSegments.FULL_PAYLOAD, "0"})
    int payloadLength;

    private final ConnectionSegments segments = new ConnectionSegments();
    private ByteBuf buf;
    private int payloadEnd;

    @Setup
    public void writePayload() {
        buf = new FrameBuffers(PooledByteBufAllocator.DEFAULT).allocate(payloadLength);
        for (int i = 0; i < payloadLength; i++) {
            buf.writeByte(i * 31 + 7);
        }
        payloadEnd = buf.writerIndex();
    }

    @TearDown
    public void release() {
        buf.release();
    }

    /** Returns where the frame starts, so the writes cannot be optimized away. */
    @Benchmark
    public int prependHeaders() {
        buf.setIndex(FrameBuffers.HEADROOM, payloadEnd);
        segments.prependHeaders(buf);
        return buf.readerIndex();
    }
}
