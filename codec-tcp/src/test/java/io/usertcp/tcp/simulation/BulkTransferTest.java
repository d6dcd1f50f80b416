package io.usertcp.tcp.simulation;

import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CubicCongestionControl;
import io.usertcp.tcp.congestion.NewRenoCongestionControl;
import io.usertcp.testing.network.ImpairmentConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.simulation.TcpSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3's simulated proof: 100 MB each way at once on one connection between two full stacks, through a
 * 100 Mbit/s link with a bounded queue, 5 ms of delay, jitter, reordering and duplication, under 0, 1, 5 and
 * 10% random loss, must arrive with identical SHA-256 hashes and no stall. Host a sends with CUBIC and host b
 * with NewReno, each chosen on its own connection by name, so every run exercises both algorithms.
 *
 * <p>Leaks are checked by {@link ExactLeakAccounting}: the leak detector's PARANOID level would make these
 * transfers take many minutes, so they run at SIMPLE on an allocator whose counts must return to zero.
 */
class BulkTransferTest {
    private static final long HUNDRED_MB = 100L << 20;
    private static final long BYTES_PER_SECOND = 12_500_000;
    private static final Map<String, String> GOODPUT = new TreeMap<>();

    @AfterAll
    static void printGoodput() {
        GOODPUT.forEach((run, line) -> System.out.println("simulated goodput " + run + ": " + line));
    }

    @Test
    void hundredMegabytesEachWayWithoutLoss() {
        transfer("loss-00", 0, 0);
    }

    @Test
    void hundredMegabytesEachWayUnderOnePercentLossWithCorruptionCaughtByChecksums() {
        TcpSimulation.Result result = transfer("loss-01", 1, 0.5);
        assertTrue(result.checksumDrops() > 0, "corrupted frames were dropped for their checksums");
    }

    @Test
    void hundredMegabytesEachWayUnderFivePercentLoss() {
        transfer("loss-05", 5, 0);
    }

    @Test
    void hundredMegabytesEachWayUnderTenPercentLoss() {
        transfer("loss-10", 10, 0);
    }

    private static TcpSimulation.Result transfer(String name, double lossPercent, double corruptPercent) {
        ImpairmentConfig link = ImpairmentConfig.NONE.withLoss(lossPercent).withCorruption(corruptPercent)
                .withDuplication(1).withReordering(1, 300, TimeUnit.MICROSECONDS).withDelay(5, TimeUnit.MILLISECONDS)
                .withJitter(100, TimeUnit.MICROSECONDS).withRate(BYTES_PER_SECOND, 256);
        return ExactLeakAccounting.run(allocator -> {
            try (TcpSimulation simulation = new TcpSimulation("bulk-" + name, TcpStackConfig.defaults(), link, link,
                    name.hashCode(), allocator)) {
                long start = simulation.nowNanos();
                simulation.listen(HUNDRED_MB, NewRenoCongestionControl.NAME, 8);
                StreamEndpoint client = simulation.connect(HUNDRED_MB, CubicCongestionControl.NAME);
                simulation.runToCompletion(TcpSimulation.STALL_NANOS, 3 * 3600 * SECOND);
                StreamEndpoint server = simulation.serverOf(client);
                assertEquals(HUNDRED_MB, server.received().bytes());
                assertEquals(client.sent().hex(), server.received().hex(), "a -> b stream intact");
                assertEquals(HUNDRED_MB, client.received().bytes());
                assertEquals(server.sent().hex(), client.received().hex(), "b -> a stream intact");
                TcpSimulation.Result result = simulation.result();
                simulation.runUntilTimersExpire();
                GOODPUT.put(name, String.format("a->b (cubic) %.2f MB/s, b->a (newreno) %.2f MB/s; link %.2f MB/s;"
                                + " lost %d of %d frames, %d segments retransmitted, %d checksum drops",
                        mbPerSecond(server.peerShutdownNanos() - start), mbPerSecond(client.peerShutdownNanos() - start),
                        BYTES_PER_SECOND / 1e6, result.lostFrames(), result.framesSent(),
                        result.retransmittedSegments(), result.checksumDrops()));
                return result;
            }
        });
    }

    private static double mbPerSecond(long nanos) {
        return HUNDRED_MB / 1e6 / (nanos / 1e9);
    }
}
