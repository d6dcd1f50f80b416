package io.usertcp.codec.benchmark;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.checksum.InternetChecksum;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Internet checksum, which every received and every sent TCP segment pays for over its whole
 * length: {@link InternetChecksum#add} and {@link InternetChecksum#compute} over a pooled direct buffer
 * (what the TAP read path hands the decoders) of a minimum TCP/IP packet, the 576 bytes every host
 * accepts, a 1500-byte MTU and a 9000-byte jumbo frame; and the RFC 1624 incremental updates used when a
 * header field is rewritten. Throughput is {@code length / (ns/op)} GB/s.
 *
 * <p>Run with {@code mvn -pl codec-tcp -Pjmh test-compile exec:exec -Djmh.args=ChecksumBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchmarkJvm.LEAK_DETECTION_OFF)
public class ChecksumBenchmark {

    @State(Scope.Thread)
    public static class Packet {
        @Param({"64", "576", "1500", "9000"})
        int length;

        ByteBuf buf;

        @Setup
        public void allocate() {
            buf = PooledByteBufAllocator.DEFAULT.directBuffer(length, length);
            SplittableRandom random = new SplittableRandom(length);
            while (buf.isWritable()) {
                buf.writeByte(random.nextInt(0x100));
            }
        }

        @TearDown
        public void release() {
            buf.release();
        }
    }

    /** A 32-bit field (a sequence number) rewritten under a checksum; non-final so nothing is constant-folded. */
    @State(Scope.Thread)
    public static class Rewrite {
        int checksum = 0x1C46;
        int oldValue = 0x1A2B3C4D;
        int newValue = 0x5E6F7081;
    }

    @Benchmark
    public long add(Packet packet) {
        return InternetChecksum.add(packet.buf, 0, packet.length, 0);
    }

    @Benchmark
    public int compute(Packet packet) {
        return InternetChecksum.compute(packet.buf, 0, packet.length);
    }

    @Benchmark
    public int update16(Rewrite rewrite) {
        return InternetChecksum.update16(rewrite.checksum, rewrite.oldValue & 0xFFFF, rewrite.newValue & 0xFFFF);
    }

    @Benchmark
    public int update32(Rewrite rewrite) {
        return InternetChecksum.update32(rewrite.checksum, rewrite.oldValue, rewrite.newValue);
    }
}
