package io.usertcp.integration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * The stack's own seeded impairment layer ({@code usertcp.impairment}) between the TAP and the stack, both ways,
 * one fault class per server: delay with jitter, reordering, duplication, corruption. curl downloads a gigabyte
 * and uploads a hundred megabytes under each; both must arrive whole. Rates are printed, not asserted.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ImpairedLinkTest {
    private static final long GIGABYTE = 1_000_000_000L;
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;

    @Nested
    class DelayAndJitter extends Transfers {
        DelayAndJitter() {
            super("seed=11,delay=2ms,jitter=1ms");
        }
    }

    @Nested
    class Reordering extends Transfers {
        Reordering() {
            super("seed=12,reorder=2%");
        }
    }

    @Nested
    class Duplication extends Transfers {
        Duplication() {
            super("seed=13,duplicate=1%");
        }
    }

    /** A flipped bit in either direction: the kernel's checksums catch ours, the stack's catch the kernel's. */
    @Nested
    class Corruption extends Transfers {
        Corruption() {
            super("seed=14,corrupt=0.5%");
        }
    }

    /** The transfers every fault class runs, against a server of its own started with {@code impairment}. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Transfers {
        private final String impairment;
        private ExampleServerOnTap server;

        Transfers(String impairment) {
            this.impairment = impairment;
        }

        @BeforeAll
        void startServer() {
            server = ExampleServerOnTap.startForTransfers("impaired-" + getClass().getSimpleName(), impairment);
        }

        @AfterAll
        void stopServer() {
            if (server != null) {
                server.close();
            }
        }

        @Test
        void gigabyteDownloadArrivesIntact() {
            server.downloadIntact(GIGABYTE, impairment);
        }

        @Test
        void hundredMegabyteUploadArrivesIntact() {
            server.uploadIntact(HUNDRED_MEGABYTES, impairment);
        }
    }
}
