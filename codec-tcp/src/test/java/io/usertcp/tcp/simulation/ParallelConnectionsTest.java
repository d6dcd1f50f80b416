package io.usertcp.tcp.simulation;

import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CubicCongestionControl;
import io.usertcp.tcp.congestion.NewRenoCongestionControl;
import io.usertcp.testing.network.ImpairmentConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.simulation.TcpSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many connections at once share one impaired, rate-limited link; each stream must arrive intact. */
class ParallelConnectionsTest {
    private static final int CONNECTIONS = 64;
    private static final long BYTES_EACH_WAY = 512 * 1024;

    @Test
    void sixtyFourConnectionsSharingTheLinkAllDeliverTheirOwnStreams() {
        ImpairmentConfig link = ImpairmentConfig.NONE.withLoss(1).withDuplication(1)
                .withReordering(1, 300, TimeUnit.MICROSECONDS).withDelay(5, TimeUnit.MILLISECONDS)
                .withJitter(100, TimeUnit.MICROSECONDS).withRate(12_500_000, 512);
        // 32 MB each way in total: leaks are checked exactly, at SIMPLE, as for the bulk transfers
        ExactLeakAccounting.run(allocator -> {
            try (TcpSimulation simulation = new TcpSimulation("parallel", TcpStackConfig.defaults(), link, link, 21,
                    allocator)) {
                simulation.listen(BYTES_EACH_WAY, null, CONNECTIONS);
                for (int i = 0; i < CONNECTIONS; i++) {
                    simulation.connect(BYTES_EACH_WAY,
                            i % 2 == 0 ? CubicCongestionControl.NAME : NewRenoCongestionControl.NAME);
                }
                simulation.runToCompletion(TcpSimulation.STALL_NANOS, 3600 * SECOND);
                Set<String> hashes = new HashSet<>();
                for (StreamEndpoint client : simulation.clients()) {
                    StreamEndpoint server = simulation.serverOf(client);
                    assertEquals(BYTES_EACH_WAY, server.received().bytes());
                    assertEquals(client.sent().hex(), server.received().hex(), "a -> b of " + client);
                    assertEquals(BYTES_EACH_WAY, client.received().bytes());
                    assertEquals(server.sent().hex(), client.received().hex(), "b -> a of " + client);
                    hashes.add(client.sent().hex());
                    hashes.add(server.sent().hex());
                }
                assertEquals(2 * CONNECTIONS, hashes.size(), "every stream is its own");
                assertTrue(simulation.a().host().egress().lost() > 0, "the link lost frames");
                simulation.runUntilTimersExpire();
                return null;
            }
        });
    }
}
