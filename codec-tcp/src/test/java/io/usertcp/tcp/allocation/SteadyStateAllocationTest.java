package io.usertcp.tcp.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.tcp.TcpStackConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.usertcp.tcp.allocation.EngineHarness.MSS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The steady-state per-segment path of an established connection allocates nothing: heap bytes allocated by
 * this thread ({@code com.sun.management.ThreadMXBean}) are summed over the engine's own work only (each
 * inbound batch, each timer expiry; the test's own preparation is outside the measured calls), after a
 * warm-up long enough for the JIT to compile the path.
 *
 * <p>What is inherent: the zero-copy payload slice handed to the application per delivered segment
 * ({@code retainedSlice} of the frame). With Netty 4.2's default (adaptive) allocator that slice is a new
 * {@code UnpooledSlicedByteBuf}, 40 bytes with compressed oops (found with JFR allocation sampling; the
 * pooled allocator would hand out a recycled slice instead). The test measures that cost with the same
 * allocator ({@link #sliceBytes()}) rather than assuming it, and allows exactly one slice per delivered
 * segment; paths that deliver nothing (ACKs while sending) are allowed none.
 *
 * <p>Netty's leak detector at PARANOID (the suite's level) records a stack trace on every buffer access,
 * which is itself allocation; the measurement sets it to DISABLED for its own duration only and restores it
 * after, and the frames it uses are allocated under that level. Leaks stay covered by the rest of the suite,
 * and this test still checks every frame it used is released.
 *
 * <p>Bound: the inherent slice plus {@value #NOISE_BYTES_PER_SEGMENT} bytes per segment on average, far below
 * one more object (16 bytes or more) per segment, and enough for the measurement's own noise (a lazily grown
 * internal table, a JIT deoptimization) over {@value #SEGMENTS} segments.
 */
class SteadyStateAllocationTest {
    private static final int WARM_UP = 50_000;
    private static final int SEGMENTS = 200_704;
    private static final double NOISE_BYTES_PER_SEGMENT = 0.5;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ResourceLeakDetector.Level savedLevel;
    private EngineHarness harness;

    @BeforeEach
    void quietLeakDetector() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation accounting unavailable");
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        harness = new EngineHarness(TcpStackConfig.defaults());
        harness.establish();
    }

    @AfterEach
    void restoreLeakDetector() {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            if (savedLevel != null) {
                ResourceLeakDetector.setLevel(savedLevel);
            }
        }
    }

    /**
     * Heap bytes of one payload slice of a frame from the default allocator, measured after a warm-up. The
     * slices are kept in an array until all are made, as the application keeps what it is handed, so the JIT
     * cannot scalar-replace them.
     */
    private static double sliceBytes() {
        ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(2048).writeZero(2048);
        ByteBuf[] slices = new ByteBuf[1024];
        try {
            makeSlices(frame, slices, WARM_UP);
            long before = allocated();
            makeSlices(frame, slices, SEGMENTS);
            return (double) (allocated() - before) / SEGMENTS;
        } finally {
            frame.release();
        }
    }

    private static void makeSlices(ByteBuf frame, ByteBuf[] slices, int count) {
        for (int made = 0; made < count; made += slices.length) {
            for (int i = 0; i < slices.length; i++) {
                slices[i] = frame.retainedSlice(100, 1000);
            }
            for (int i = 0; i < slices.length; i++) {
                slices[i].release();
                slices[i] = null;
            }
        }
    }

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** (a) In-order full segments, delivered as slices and acknowledged every second one (RFC 5681 4.2). */
    private long receiveInOrder(int segments) {
        long bytes = 0;
        for (int i = 0; i < segments; i++) {
            long before = allocated();
            harness.receiveData(MSS);
            bytes += allocated() - before;
        }
        return bytes;
    }

    @Test
    void inOrderDataSegmentsAllocateNothing() {
        receiveInOrder(WARM_UP);
        long sentBefore = harness.segmentsSent;
        long bytes = receiveInOrder(SEGMENTS);
        // 1000-byte segments against our 1460 MSS: an ACK once 2 * 1460 bytes are unacknowledged, every third
        assertEquals(SEGMENTS / 3, harness.segmentsSent - sentBefore, 1);
        harness.advanceMillis(40);
        assertEquals((long) (WARM_UP + SEGMENTS) * MSS, harness.bytesReceived);
        assertEquals(harness.peerNext, harness.lastAckSent, "everything acknowledged");
        assertBound(bytes, SEGMENTS, sliceBytes(), "in-order data segment");
    }

    /**
     * (b) Bulk sending: each ACK from the peer advances SND.UNA by two segments, which leave the send buffer,
     * re-arm the retransmission timer, grow cwnd, and let two new segments out.
     */
    private long acknowledgeWhileSending(int acks) {
        long bytes = 0;
        for (int i = 0; i < acks; i++) {
            ByteBuf data = ByteBufAllocator.DEFAULT.directBuffer(2 * MSS).writeZero(2 * MSS);
            harness.connection.write(data);
            int ack = harness.connection.controlBlock().sndUna + 2 * MSS;
            ByteBuf frame = harness.segment(harness.peerNext, ack, TcpFlags.ACK, 0);
            long before = allocated();
            harness.receive(frame);
            bytes += allocated() - before;
        }
        return bytes;
    }

    @Test
    void acksAdvancingSndUnaWhileSendingAllocateNothing() {
        harness.connection.write(ByteBufAllocator.DEFAULT.directBuffer(20 * MSS).writeZero(20 * MSS));
        harness.connection.flush();
        acknowledgeWhileSending(WARM_UP);
        long sentBefore = harness.segmentsSent;
        long bytes = acknowledgeWhileSending(SEGMENTS);
        assertEquals(2L * SEGMENTS, harness.segmentsSent - sentBefore, "two new segments per ACK");
        assertBound(bytes, SEGMENTS, 0, "ACK advancing SND.UNA");
    }

    /**
     * (c) Timer re-arms: a short segment arms the delayed-ACK timer (40 ms), which expires and sends the ACK;
     * the keep-alive and retransmission timers are re-armed or cancelled on the way.
     */
    private long delayedAcks(int rounds) {
        long bytes = 0;
        for (int i = 0; i < rounds; i++) {
            long before = allocated();
            harness.receiveData(100);
            harness.advanceMillis(40);
            bytes += allocated() - before;
        }
        return bytes;
    }

    @Test
    void delayedAckTimerArmAndExpiryAllocateNothing() {
        harness.connection.setKeepAlive(true);
        delayedAcks(WARM_UP);
        long sentBefore = harness.segmentsSent;
        long bytes = delayedAcks(SEGMENTS);
        assertEquals(SEGMENTS, harness.segmentsSent - sentBefore, "one delayed ACK per segment");
        assertEquals(harness.peerNext, harness.lastAckSent);
        assertBound(bytes, SEGMENTS, sliceBytes(), "delayed-ACK round");
    }

    /** At most {@code inherent} bytes per segment (the delivered slice, if any) plus the noise allowance. */
    private static void assertBound(long bytes, int segments, double inherent, String what) {
        double perSegment = (double) bytes / segments;
        System.out.printf("%s: %d bytes over %d, %.4f bytes each (inherent %.2f)%n", what, bytes, segments,
                perSegment, inherent);
        assertTrue(inherent <= 64, "a slice costs " + inherent + " bytes");
        assertTrue(perSegment < inherent + NOISE_BYTES_PER_SEGMENT,
                bytes + " bytes allocated over " + segments + " (" + perSegment + " per " + what + ", inherent "
                        + inherent + ")");
    }
}
