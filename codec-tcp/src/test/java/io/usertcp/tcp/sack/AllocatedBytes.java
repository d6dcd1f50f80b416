package io.usertcp.tcp.sack;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Heap bytes the current thread has allocated, for asserting that a loop allocates nothing. */
final class AllocatedBytes {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocatedBytes() {
    }

    /** Bytes allocated by this thread so far; skips the test on a JVM that cannot tell. */
    static long sinceThreadStart() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation accounting unavailable");
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
