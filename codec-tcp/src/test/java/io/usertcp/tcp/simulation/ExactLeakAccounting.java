package io.usertcp.tcp.simulation;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Leak detection for transfers of many megabytes. The parent pom runs every test at PARANOID, which records a
 * stack trace on every buffer access: 100 MB each way would take many minutes. So for the duration of such a
 * run the level drops to SIMPLE (restored after, whatever happens), and leak-freedom is proven exactly instead:
 * both hosts allocate from a dedicated pooled allocator without thread caches, whose arena counters are then
 * exact, and every active allocation, direct and heap, must be gone once the run has closed everything.
 * {@link SmallTransferTest} keeps an impaired transfer at PARANOID.
 */
final class ExactLeakAccounting {
    private ExactLeakAccounting() {
    }

    /** Runs {@code transfer} on a fresh allocator at SIMPLE, then asserts the allocator holds nothing. */
    static <T> T run(Function<PooledByteBufAllocator, T> transfer) {
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 1, 1, 8192, 9, 0, 0, false);
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        T result;
        try {
            result = transfer.apply(allocator);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
        assertEquals(0, active(allocator.metric().directArenas()), "direct buffers still allocated");
        assertEquals(0, active(allocator.metric().heapArenas()), "heap buffers still allocated");
        return result;
    }

    private static long active(List<PoolArenaMetric> arenas) {
        long total = 0;
        for (PoolArenaMetric arena : arenas) {
            total += arena.numActiveAllocations();
        }
        return total;
    }
}
