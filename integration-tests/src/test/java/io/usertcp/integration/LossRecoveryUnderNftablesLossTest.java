package io.usertcp.integration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss recovery against the kernel's TCP through real loss: nftables drops 1%, 5% or 10% of the packets both
 * ways on the kernel's side of the TAP ({@link NftablesLoss}; this kernel has no netem), one server for all
 * rates. curl downloads a gigabyte and uploads a hundred megabytes; both must arrive whole, byte for byte. The
 * rate of each run is printed, not asserted.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LossRecoveryUnderNftablesLossTest {
    private static final long GIGABYTE = 1_000_000_000L;
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.startForTransfers("nft-loss", null, "nft");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}% loss")
    @ValueSource(ints = {1, 5, 10})
    void gigabyteDownloadArrivesIntactUnderKernelSideLoss(int percent) {
        try (NftablesLoss loss = NftablesLoss.start(server.namespace(), ExampleServerOnTap.STACK_ADDRESS, percent)) {
            server.downloadIntact(GIGABYTE, "nftables loss " + percent + "%");
            assertTrue(loss.droppedPackets() > 0, "nftables dropped nothing");
        }
    }

    @ParameterizedTest(name = "{0}% loss")
    @ValueSource(ints = {1, 5, 10})
    void hundredMegabyteUploadArrivesIntactUnderKernelSideLoss(int percent) {
        try (NftablesLoss loss = NftablesLoss.start(server.namespace(), ExampleServerOnTap.STACK_ADDRESS, percent)) {
            server.uploadIntact(HUNDRED_MEGABYTES, "nftables loss " + percent + "%");
            assertTrue(loss.droppedPackets() > 0, "nftables dropped nothing");
        }
    }
}
