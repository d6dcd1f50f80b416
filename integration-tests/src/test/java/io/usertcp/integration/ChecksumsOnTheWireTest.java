package io.usertcp.integration;

import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every frame the stack puts on the wire has good IPv4 and TCP checksums, as Wireshark checks them, under a mix
 * of faults: nftables loss on the kernel's side and the stack's impairment layer delaying, jittering, reordering
 * and duplicating both ways and corrupting what the stack receives. tcpdump captures a bounded run (20 MB down,
 * 20 MB up) on the TAP in full, and tshark, with checksum validation on, must find no bad checksum from the
 * stack and no malformed packet at all.
 *
 * <p>Corruption is applied to received frames only ({@code in.corrupt}): a bit the impairment layer flips in an
 * outgoing frame is bad on the wire by design and would have to be told apart from a real fault, whereas
 * inbound corruption still drives the stack's own checksum drops (asserted through {@code /stats}) and leaves
 * every bad checksum the capture could show from the stack a genuine bug.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChecksumsOnTheWireTest {
    private static final String IMPAIRMENT = "seed=21,delay=1ms,jitter=500us,reorder=1%,duplicate=1%,in.corrupt=1%";
    private static final int KERNEL_SIDE_LOSS_PERCENT = 1;
    private static final long TWENTY_MEGABYTES = 20L * 1024 * 1024;
    private static final Duration TSHARK_TIMEOUT = Duration.ofMinutes(3);
    private static final String FROM_STACK = "ip.src==" + ExampleServerOnTap.STACK_ADDRESS + " && tcp";

    @TempDir
    Path temp;

    private ExampleServerOnTap server;

    @BeforeEach
    void startServer() {
        server = ExampleServerOnTap.startForTransfers("checksums", IMPAIRMENT, "nft", "tcpdump", "tshark");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void noFrameFromTheStackHasABadChecksumUnderFaults() throws InterruptedException {
        Path capture = temp.resolve("faults.pcap");
        BackgroundProcess tcpdump = server.namespace().start("tcpdump", "-i", server.device(), "-s", "0", "-U", "-n",
                "-w", capture.toString(), "tcp", "port", Integer.toString(ExampleServerOnTap.PORT));
        awaitListening(tcpdump);
        try (NftablesLoss loss = NftablesLoss.start(server.namespace(), ExampleServerOnTap.STACK_ADDRESS,
                KERNEL_SIDE_LOSS_PERCENT)) {
            server.downloadIntact(TWENTY_MEGABYTES, "checksum capture: " + IMPAIRMENT);
            server.uploadIntact(TWENTY_MEGABYTES, "checksum capture: " + IMPAIRMENT);
            assertTrue(loss.droppedPackets() > 0, "nftables dropped nothing");
        }
        // SIGTERM by pid (ip netns exec became tcpdump); -U wrote each packet as it came, the exit closes the file.
        HostCommand.runOrThrow("kill", "-TERM", Long.toString(tcpdump.pid()));
        assertTrue(tcpdump.waitFor(Duration.ofSeconds(10)).isPresent(), "tcpdump did not stop");

        long fromStack = count(capture, FROM_STACK);
        long verifiedGood = count(capture, FROM_STACK + " && ip.checksum.status==1 && tcp.checksum.status==1");
        long bad = count(capture, FROM_STACK + " && (ip.checksum.status==0 || tcp.checksum.status==0)");
        long malformed = count(capture, "_ws.malformed");
        System.out.printf("checksum capture: %d frames from the stack, %d verified good, %d bad, %d malformed%n",
                fromStack, verifiedGood, bad, malformed);
        assertTrue(fromStack > 10_000, "the capture holds too little of the transfers: " + fromStack + " frames");
        assertEquals(0, bad, "frames from the stack with a bad IPv4 or TCP checksum");
        assertEquals(fromStack, verifiedGood, "every frame from the stack was checked and found good");
        assertEquals(0, malformed, "malformed packets in the capture");
        assertTrue(server.checksumDrops() > 0, "inbound corruption never reached the stack's checksum checks");
    }

    /**
     * Frames of {@code capture} that match the display {@code filter}, checksum validation on. Only the IPv4 and
     * TCP headers matter here, so tshark neither reassembles streams nor dissects HTTP: reassembling 20 MB bodies
     * of reordered and duplicated segments takes it minutes.
     */
    private static long count(Path capture, String filter) {
        CommandResult tshark = HostCommand.run(TSHARK_TIMEOUT, List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
                "--disable-protocol", "http", "-Y", filter, "-T", "fields", "-e", "frame.number"));
        assertEquals(0, tshark.exitCode(), tshark::describe);
        return tshark.stdout().lines().filter(line -> !line.isBlank()).count();
    }

    private static void awaitListening(BackgroundProcess tcpdump) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!tcpdump.output().contains("listening on")) {
            assertTrue(tcpdump.isAlive(), () -> "tcpdump exited: " + tcpdump.output());
            assertTrue(System.nanoTime() < deadline, () -> "tcpdump did not start: " + tcpdump.output());
            Thread.sleep(50);
        }
    }
}
