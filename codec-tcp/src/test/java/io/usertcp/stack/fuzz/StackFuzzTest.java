package io.usertcp.stack.fuzz;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile frames into a whole running stack ({@link StackFuzzer}): mutated golden and live frames, replays
 * and fragments, mixed into valid traffic with a peer stack, on virtual time. One seeded run happens before
 * the tests, which then judge it: nothing threw, miscounted or sent a bad frame; afterwards every connection
 * ends, nothing stays queued, a fresh connection still works, and no buffer leaked. Leaks are counted exactly:
 * the stacks allocate from a pooled allocator whose arena counts must fall back to zero, and every injected
 * frame is watched until released; Netty's detector stays at the build's PARANOID as well. It records a stack
 * trace on every buffer access, which makes the run about 15 times slower, so {@code
 * -Dusertcp.fuzz.paranoid=false} drops it to SIMPLE for long runs, leaving the exact counts to catch leaks.
 * The fuzzer is guided by behaviour, not code coverage.
 *
 * <p>The number of fuzzed frames (each a frame, or a datagram sent as fragments) comes from {@code
 * usertcp.fuzz.frames}, 100,000 by default; the valid traffic adds its own. The seed comes from {@code
 * usertcp.fuzz.seed}, fixed by default so every build sends the same inputs, and is printed with the run's
 * figures. The long profile, a million fuzzed frames without PARANOID (about a minute):
 * <pre>
 * mvn -Pfuzz-long -pl codec-tcp -am test -Dtest=StackFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * A failure names the seed, the input (its seed frame and mutations) and the frame in full; a run with the same
 * seed replays the same inputs (see {@link StackFuzzer} for what can still differ).
 */
class StackFuzzTest {
    private static final long FRAMES = Long.getLong("usertcp.fuzz.frames", 100_000);
    private static final long SEED = Long.decode(System.getProperty("usertcp.fuzz.seed", "0x5EED"));
    /** Keep Netty's detector at the build's level (PARANOID) through the run: about 15 times slower. */
    private static final boolean PARANOID = Boolean.parseBoolean(System.getProperty("usertcp.fuzz.paranoid", "true"));
    private static final int FRESH_EXCHANGE_BYTES = 20_000;

    private static StackFuzzer fuzzer;
    private static AssertionError runFailure;
    private static String drainFailure;
    private static String leftovers;
    private static ValidTraffic.Client freshClient;
    private static String leaks;
    private static String counters;

    @BeforeAll
    static void fuzz() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        if (!PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        }
        fuzzer = new StackFuzzer(SEED);
        long started = System.nanoTime();
        long millis;
        try {
            try {
                fuzzer.run(FRAMES);
            } catch (AssertionError failure) {
                runFailure = failure;
            }
            millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
            if (runFailure == null) {
                drainFailure = fuzzer.drain();
                leftovers = fuzzer.leftovers();
                freshClient = fuzzer.freshExchange(FRESH_EXCHANGE_BYTES);
            }
            counters = fuzzer.victimCounters();
            leaks = fuzzer.closeAndCountLeaks();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
        ValidTraffic traffic = fuzzer.traffic();
        System.out.printf("Stack fuzz run: leak detector %s, seed 0x%X, %d inputs (%d frames injected, %d of them "
                        + "from the peer), %d ms, %d inputs/s; %d frames sent by the stack; %d behaviour signatures, "
                        + "%d kept as seeds; valid traffic: %d clients, %d exchanges completed, %d connections reset "
                        + "or timed out%n",
                PARANOID ? level : ResourceLeakDetector.Level.SIMPLE, SEED, fuzzer.inputs(), fuzzer.framesInjected(),
                fuzzer.framesFromPeer(), millis,
                fuzzer.inputs() * 1000 / millis, fuzzer.framesSent(), fuzzer.signatures(), fuzzer.foundSeeds(),
                traffic.clientsOpened(), traffic.exchangesCompleted(), traffic.connectionsFailed());
        System.out.println("TCP configurations: " + fuzzer.tcpConfigs());
        System.out.println("Counters of the stack under fuzz: " + counters);
    }

    @AfterAll
    static void release() {
        fuzzer.close();
    }

    @Test
    void noFrameMakesTheStackThrowMiscountOrSendABadFrame() {
        if (runFailure != null) {
            throw runFailure;
        }
    }

    @Test
    void everyConnectionEndsOnceTheApplicationsClose() {
        assumeTrue(runFailure == null, "the run stopped early");
        assertNull(drainFailure);
    }

    @Test
    void nothingStaysQueuedOnceTheConnectionsHaveEnded() {
        assumeTrue(runFailure == null, "the run stopped early");
        assertNull(leftovers);
    }

    @Test
    void aFreshConnectionStillEchoesItsDataAfterTheRun() {
        assumeTrue(runFailure == null, "the run stopped early");
        assertTrue(freshClient.isClosed(), "the fresh connection did not finish");
        assertNull(freshClient.cause, "the fresh connection failed");
        assertArrayEquals(freshClient.sent, freshClient.received());
    }

    @Test
    void noBufferOrInjectedFrameIsLeftAfterTheStacksClose() {
        assertNull(leaks);
    }

    @Test
    void validTrafficKeepsCompletingExchangesDuringTheRun() {
        assumeTrue(runFailure == null, "the run stopped early");
        assertTrue(fuzzer.traffic().exchangesCompleted() >= fuzzer.inputs() / 1000,
                fuzzer.traffic().exchangesCompleted() + " exchanges completed in " + fuzzer.inputs() + " inputs");
    }

    @Test
    void theRunReachesManyDistinctBehaviours() {
        assumeTrue(runFailure == null, "the run stopped early");
        assertTrue(fuzzer.signatures() >= Math.min(200, fuzzer.inputs() / 100),
                fuzzer.signatures() + " behaviour signatures in " + fuzzer.inputs() + " inputs");
    }
}
