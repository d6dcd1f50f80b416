package io.usertcp.tcp.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.usertcp.tcp.allocation.EngineHarness.LOCAL;
import static io.usertcp.tcp.allocation.EngineHarness.LOCAL_PORT;
import static io.usertcp.tcp.allocation.EngineHarness.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A SYN flood against a listener whose SYN queue is full costs the same per SYN however long it lasts: one
 * cookie SYN-ACK each (RFC 4987 3.6), no connection, no timer, and no heap allocation on the engine's path (the
 * reply frame comes from the allocator's recycled buffers): at 1,000 SYNs and at 10,000 alike, at most one SYN
 * in {@value #SYNS_PER_NOISY_SYN} sees any allocation at all, the allocator's own. Measured as {@link SteadyStateAllocationTest} measures: bytes
 * allocated by this thread over the engine's calls only, after a warm-up, the leak detector off for the
 * measurement alone.
 */
class SynFloodAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int SYN_QUEUE = 16;
    private static final int RING = 64;
    /**
     * The share of SYNs during which anything at all may be allocated: the allocator hands the reply frames out
     * of chunks, and about once per thousand frames it sets up a chunk (a few hundred bytes, now and then tens of
     * kilobytes, the noise {@link SteadyStateAllocationTest} allows for too). An object per SYN would show in
     * every SYN.
     */
    private static final int SYNS_PER_NOISY_SYN = 100;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final TcpOptions options = new TcpOptions();
    private final ByteBuf[] frames = new ByteBuf[RING];
    private ResourceLeakDetector.Level savedLevel;
    private EngineHarness harness;
    private TcpListener listener;
    private int nextFrame;
    private int nextPort = 1024;

    @BeforeEach
    void quietLeakDetector() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation accounting unavailable");
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        harness = new EngineHarness(TcpStackConfig.builder().synQueueLimit(SYN_QUEUE).build());
        FrameBuffers frameBuffers = new FrameBuffers(ByteBufAllocator.DEFAULT);
        for (int i = 0; i < RING; i++) {
            frames[i] = frameBuffers.allocate(0);
        }
        listener = harness.engine.listen(LOCAL, LOCAL_PORT, 16, l -> { });
        options.setMss(1460).setWindowScale(7).setSackPermitted(true);
    }

    @AfterEach
    void restoreLeakDetector() {
        try {
            if (harness != null) {
                harness.close();
            }
            for (ByteBuf frame : frames) {
                if (frame != null) {
                    frame.release();
                }
            }
        } finally {
            if (savedLevel != null) {
                ResourceLeakDetector.setLevel(savedLevel);
            }
        }
    }

    /** The next frame of the ring, rewritten as a SYN with MSS, window scale, SACK and timestamps. */
    private ByteBuf syn(int seq) {
        ByteBuf frame = frames[nextFrame];
        nextFrame = (nextFrame + 1) & (RING - 1);
        frame.readerIndex(FrameBuffers.HEADROOM);
        frame.writerIndex(FrameBuffers.HEADROOM);
        options.setTimestamps(seq, 0);
        int port = nextPort;
        nextPort = port == 0xFFFF ? 1024 : port + 1;
        TcpSegmentWriter.prepend(frame, REMOTE, LOCAL, port, LOCAL_PORT, seq, 0, TcpFlags.SYN, 65535, 0, options);
        return frame.retain();
    }

    /** Sends {@code count} SYNs; returns the bytes this thread allocated inside the engine, and in how many SYNs. */
    private long[] flood(int count) {
        long bytes = 0;
        long allocatingSyns = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf frame = syn(i * 7919);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            harness.receive(frame);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            bytes += allocated;
            allocatingSyns += allocated > 0 ? 1 : 0;
        }
        return new long[] {bytes, allocatingSyns};
    }

    private long count(TcpCounter counter) {
        return harness.engine.counters().get(counter);
    }

    @Test
    void synFloodCostsTheSameMemoryAndWorkPerSynAtTenThousandAsAtOneThousand() {
        TcpEngine engine = harness.engine;
        flood(SYN_QUEUE);
        assertEquals(SYN_QUEUE, listener.synQueueLength());
        flood(WARM_UP);
        int connections = engine.connectionCount();
        int timers = engine.timingWheel().activeCount();
        long[] sizes = {1_000, 10_000};
        for (long size : sizes) {
            long cookiesBefore = count(TcpCounter.SYN_COOKIES_SENT);
            long sentBefore = harness.segmentsSent;
            long[] allocation = flood((int) size);
            System.out.printf("SYN flood of %d: %d bytes allocated, in %d SYNs%n", size, allocation[0],
                    allocation[1]);
            assertTrue(allocation[1] <= size / SYNS_PER_NOISY_SYN,
                    allocation[1] + " of " + size + " SYNs allocated, " + allocation[0] + " bytes in all");
            assertEquals(size, count(TcpCounter.SYN_COOKIES_SENT) - cookiesBefore);
            assertEquals(size, harness.segmentsSent - sentBefore, "one SYN-ACK per SYN, nothing else");
            assertEquals(connections, engine.connectionCount());
            assertEquals(timers, engine.timingWheel().activeCount());
            assertEquals(SYN_QUEUE, engine.halfOpenConnectionCount());
        }
        assertEquals(SYN_QUEUE, connections);
    }
}
