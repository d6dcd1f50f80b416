package io.usertcp.tcp.script;

import io.netty.util.ResourceLeakDetector;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Heap bytes the current thread has allocated ({@code com.sun.management.ThreadMXBean}): a deterministic
 * measure of the memory work a loop does, where wall time would measure the machine.
 *
 * <p>Netty's leak detector at PARANOID (the suite's level) records a stack trace on every buffer access, tens of
 * kilobytes per packet that would drown what the stack itself allocates, so {@link #measure} turns it off for the
 * measured run only, as {@code SteadyStateAllocationTest} does; the other tests of each class keep leak coverage.
 */
final class ThreadAllocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadAllocations() {
    }

    /**
     * Runs {@code work} with the leak detector off and returns the heap bytes this thread allocated meanwhile;
     * {@code work} returns the number of packets it sent, and the result is per packet.
     */
    static double measure(LongSupplier work) {
        allocatedBytes();
        ResourceLeakDetector.Level saved = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            long before = allocatedBytes();
            long packets = work.getAsLong();
            return (allocatedBytes() - before) / (double) packets;
        } finally {
            ResourceLeakDetector.setLevel(saved);
        }
    }

    /** Bytes allocated by this thread so far; skips the test on a JVM that cannot tell. */
    static long allocatedBytes() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation accounting unavailable");
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
