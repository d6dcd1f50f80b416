package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBufAllocator;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.NewRenoCongestionControl;
import io.usertcp.testing.network.ImpairmentConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.simulation.TcpSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smaller transfers that run under the leak detector's PARANOID level the parent pom sets for every test, so
 * each buffer the stack touches on an impaired path is tracked (the bulk transfers lower it; see
 * {@link BulkTransferTest}).
 */
class SmallTransferTest {
    private static final long TWO_MB = 2L << 20;

    @Test
    void twoMegabytesEachWaySurviveLossReorderingAndDuplicationAtParanoidLeakLevel() {
        ImpairmentConfig link = ImpairmentConfig.NONE.withLoss(2).withDuplication(1)
                .withReordering(2, 3, TimeUnit.MILLISECONDS).withDelay(5, TimeUnit.MILLISECONDS)
                .withJitter(1, TimeUnit.MILLISECONDS).withRate(12_500_000, 200);
        try (TcpSimulation simulation = new TcpSimulation("small-transfer", TcpStackConfig.defaults(), link, link,
                11, ByteBufAllocator.DEFAULT)) {
            simulation.listen(TWO_MB, NewRenoCongestionControl.NAME, 8);
            StreamEndpoint client = simulation.connect(TWO_MB, null);
            simulation.runToCompletion(TcpSimulation.STALL_NANOS, 3600 * SECOND);
            StreamEndpoint server = simulation.serverOf(client);

            assertEquals(TWO_MB, server.received().bytes());
            assertEquals(client.sent().hex(), server.received().hex());
            assertEquals(TWO_MB, client.received().bytes());
            assertEquals(server.sent().hex(), client.received().hex());
            assertTrue(simulation.a().host().egress().lost() > 0 && simulation.b().host().egress().lost() > 0);
            simulation.runUntilTimersExpire();
        }
    }
}
