package io.usertcp.integration;

import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static io.usertcp.integration.ExampleServerOnTap.KERNEL_ADDRESS;
import static io.usertcp.integration.ExampleServerOnTap.PORT;
import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded SYN flood from hping3 on the kernel's side of the TAP against example-http on usertcp, while curl asks
 * for the greeting every {@value #CURL_INTERVAL_MILLIS} ms: every request must be answered during the flood. Each
 * flood is {@value #FLOOD_SYNS} SYNs, at most 10,000 a second (hping3 -i u100), against a SYN queue of
 * {@value #SYN_QUEUE}. One comes from {@value #UNOWNED_SOURCE}, an address on the link that no host owns, so the
 * SYN-ACKs wait on ARP that never resolves and no RST ever frees the SYN queue: the case SYN cookies exist for
 * (RFC 4987 3.6). The other comes from the kernel's own address, whose TCP answers every SYN-ACK with a RST. The
 * latency of the curls during a flood is printed, never asserted.
 */
@Timeout(120)
class SynFloodTest {
    private static final String UNOWNED_SOURCE = "198.18.0.77";
    private static final int FLOOD_SYNS = 25_000;
    private static final int SYN_QUEUE = 64;
    private static final long COOKIE_DOWNLOAD_BYTES = 20L << 20;
    private static final Pattern ESTABLISHED_FROM_KERNEL = Pattern.compile("^ESTAB +\\d+ +\\d+ +"
            + Pattern.quote(STACK_ADDRESS + ":" + PORT) + " +" + Pattern.quote(KERNEL_ADDRESS) + ":");
    private static final Pattern TRANSMITTED = Pattern.compile("(\\d+) packets transmitted");
    /** hping3 counts its source port up from here, one per SYN: 10000-34999 for the whole flood. */
    private static final int FLOOD_FIRST_SOURCE_PORT = 10_000;
    /**
     * curl's ports, clear of the flood's: a flood SYN from the kernel's address on a port where the kernel holds a
     * socket (curl's TIME-WAIT) gets an ACK from the kernel instead of a RST and stays half-open.
     */
    private static final String CURL_PORT_RANGE = "60000 60999";
    /** hping3 ends by its count within seconds; this only bounds a hang. */
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(30);
    private static final long CURL_INTERVAL_MILLIS = 100;
    private static final int CURL_TIMEOUT_SECONDS = 5;
    /** Fewer curls than this would not show that service went on during the flood. */
    private static final int LEAST_CURLS_DURING_FLOOD = 10;
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);

    private ExampleServerOnTap server;

    @BeforeEach
    void startServer() {
        server = ExampleServerOnTap.start("syn-flood", List.of("-Dusertcp.synQueue=" + SYN_QUEUE), "hping3", "curl",
                "timeout", "bash", "sha256sum");
        server.namespace().execOrThrow("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=" + CURL_PORT_RANGE);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyRequestIsAnsweredThroughSynCookiesDuringAFloodFromAnUnownedAddress() {
        StatsPage before = server.stats();
        List<CurlTry> tries = floodWhileCurling("unowned source", "-a", UNOWNED_SOURCE);
        StatsPage after = server.stats();

        assertEveryRequestAnswered(tries);
        long overflows = increase(before, after, "usertcp_tcp_syn_queue_overflows_total");
        long cookiesSent = increase(before, after, "usertcp_tcp_syn_cookies_sent_total");
        long cookiesValidated = increase(before, after, "usertcp_tcp_syn_cookies_validated_total");
        long waitingOnArp = unresolvedFramesDropped(after) - unresolvedFramesDropped(before);
        System.out.printf(Locale.ROOT, "SYN flood [unowned source]: SYN queue overflows %d, SYN cookies sent %d,"
                + " validated %d; frames dropped waiting on ARP %d%n", overflows, cookiesSent, cookiesValidated,
                waitingOnArp);
        assertTrue(overflows > 0, "the SYN queue never overflowed:\n" + after.text());
        // RFC 4987 3.6: state stays within the queue (beside the /stats connection and curl's last, maybe still
        // closing); every SYN beyond it is answered with a cookie instead
        assertTrue(after.value("usertcp_tcp_connections") <= SYN_QUEUE + 2, after::text);
        assertEquals(overflows, cookiesSent, after::text);
        // Once the queue is full, curl's own handshakes can only complete through a cookie
        assertTrue(cookiesValidated > 0, "no cookie came back from curl:\n" + after.text());
        // Nobody answers ARP for the spoofed source: the SYN-ACKs for it are dropped, and counted, while waiting
        assertTrue(waitingOnArp > 0, "no SYN-ACK to the unowned address was dropped waiting on ARP:\n"
                + after.text());
    }

    @Test
    void everyRequestIsAnsweredDuringAFloodWhoseSynAcksTheKernelResets() {
        StatsPage before = server.stats();
        List<CurlTry> tries = floodWhileCurling("kernel's address", "-s", Integer.toString(FLOOD_FIRST_SOURCE_PORT));
        assertEveryRequestAnswered(tries);

        StatsPage after = awaitOnlyTheStatsConnection();
        long resets = increase(before, after, "usertcp_tcp_resets_received_total")
                + increase(before, after, "usertcp_tcp_resets_ignored_total");
        System.out.printf(Locale.ROOT, "SYN flood [kernel's address]: passive opens %d, SYN cookies sent %d, resets"
                + " received or ignored %d%n", increase(before, after, "usertcp_tcp_passive_opens_total"),
                increase(before, after, "usertcp_tcp_syn_cookies_sent_total"), resets);
        assertTrue(resets >= FLOOD_SYNS / 2, "the kernel's resets did not reach the stack:\n" + after.text());
    }

    /**
     * RFC 4987 3.6, with window scale and SACK in the timestamp as Linux encodes them: a connection that completes
     * through a cookie keeps window scaling, SACK, timestamps and full-sized segments with a peer that offers
     * timestamps, as Linux does, so a bulk download over it arrives intact at speed (the rate is printed).
     */
    @Test
    void connectionsOpenedThroughSynCookiesKeepWindowScalingSackAndFullSizedSegments() {
        StatsPage before = server.stats();
        Flood flood = startFlood("-a", UNOWNED_SOURCE);
        awaitCookiesSent(before);
        String connections = server.execSuccessfully(Duration.ofSeconds(30), "curl", "--silent", "--show-error",
                "--fail", "--max-time", "20", BASE_URL + "/connections").stdout();
        server.downloadIntact(COOKIE_DOWNLOAD_BYTES, "download through a SYN cookie during a SYN flood");
        StatsPage after = server.stats();
        awaitFloodSent(flood, "cookie connections");

        // The /connections request and the download both completed their handshakes through a cookie
        assertTrue(increase(before, after, "usertcp_tcp_syn_cookies_validated_total") >= 2, after::text);
        List<String> fromKernel = establishedFromKernel(connections);
        assertFalse(fromKernel.isEmpty(), connections);
        for (String info : fromKernel) {
            assertTrue(info.contains(" wscale:") && info.contains(" sack ") && info.contains(" ts ")
                    && info.contains(" mss:1448 "), info);
        }
    }

    /**
     * Starts the flood with {@code sourceOptions} and runs curl every {@value #CURL_INTERVAL_MILLIS} ms until it
     * ends; asserts that hping3 sent the flood.
     */
    private List<CurlTry> floodWhileCurling(String run, String... sourceOptions) {
        Flood flood = startFlood(sourceOptions);
        List<CurlTry> tries = new ArrayList<>();
        while (flood.process().isAlive()) {
            long curlStart = System.nanoTime();
            tries.add(curlGreeting());
            sleepUntil(curlStart + CURL_INTERVAL_MILLIS * 1_000_000);
        }
        awaitFloodSent(flood, run);
        assertTrue(tries.size() >= LEAST_CURLS_DURING_FLOOD, () -> "only " + tries.size() + " curls ran during the"
                + " flood; hping3 said:\n" + flood.process().output());
        printLatency(run, tries);
        return tries;
    }

    /** Starts {@code hping3 -S} with {@code sourceOptions} in the background. */
    private Flood startFlood(String... sourceOptions) {
        List<String> hping = new ArrayList<>(List.of("timeout", Long.toString(FLOOD_LIMIT.toSeconds()), "hping3",
                "-q", "-S", "-p", Integer.toString(PORT), "-i", "u100", "-c", Integer.toString(FLOOD_SYNS)));
        hping.addAll(List.of(sourceOptions));
        hping.add(STACK_ADDRESS);
        long start = System.nanoTime();
        return new Flood(server.namespace().start(hping.toArray(String[]::new)), start);
    }

    /** Waits for hping3 to end and asserts that it sent the flood. */
    private static void awaitFloodSent(Flood flood, String run) {
        flood.process().waitFor(FLOOD_LIMIT.plusSeconds(5));
        double seconds = (System.nanoTime() - flood.startNanos()) / 1e9;
        String output = flood.process().output();
        Matcher transmitted = TRANSMITTED.matcher(output);
        // hping3 -c stops at that many replies or SYNs, whichever comes first, and counts the SYN-ACKs as replies
        assertTrue(transmitted.find() && Integer.parseInt(transmitted.group(1)) >= FLOOD_SYNS * 9 / 10,
                () -> "hping3 did not send the flood within " + FLOOD_LIMIT + ":\n" + output);
        System.out.printf(Locale.ROOT, "SYN flood [%s]: %s SYNs in %.1f s%n", run, transmitted.group(1), seconds);
    }

    private CurlTry curlGreeting() {
        CommandResult curl = server.namespace().exec(Duration.ofSeconds(CURL_TIMEOUT_SECONDS + 5), "curl", "--silent",
                "--show-error", "--max-time", Integer.toString(CURL_TIMEOUT_SECONDS), "--output", "/dev/null",
                "--write-out", "%{http_code} %{time_total}", BASE_URL + "/");
        String[] words = curl.stdout().strip().split(" ");
        double seconds = words.length == 2 ? Double.parseDouble(words[1]) : Double.NaN;
        return new CurlTry(curl.exitCode() == 0 && words[0].equals("200"), seconds, curl.describe());
    }

    private void assertEveryRequestAnswered(List<CurlTry> tries) {
        List<String> failures = tries.stream().filter(curlTry -> !curlTry.answered()).map(CurlTry::outcome).toList();
        assertEquals(List.of(), failures, () -> failures.size() + " of " + tries.size() + " requests failed during the"
                + " flood\nserver output:\n" + server.serverOutput());
        server.assertNoExceptionLogged();
    }

    /** Waits until the connection serving {@code /stats} is the only one left: no half-open one is stuck. */
    private StatsPage awaitOnlyTheStatsConnection() {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        while (true) {
            StatsPage stats = server.stats();
            if (stats.value("usertcp_tcp_connections") <= 1) {
                return stats;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("connections still open " + SETTLE_LIMIT + " after the flood:\n"
                        + stats.text());
            }
            sleepUntil(System.nanoTime() + 200_000_000L);
        }
    }

    /** Polls {@code /stats} until the stack has sent a SYN cookie since {@code before}. */
    private void awaitCookiesSent(StatsPage before) {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        while (increase(before, server.stats(), "usertcp_tcp_syn_cookies_sent_total") == 0) {
            assertTrue(System.nanoTime() < deadline, "no SYN cookie within " + SETTLE_LIMIT + " of the flood");
            sleepUntil(System.nanoTime() + 100_000_000L);
        }
    }

    /** The tcp_info lines of the established connections from the kernel's address in a {@code /connections} page. */
    private static List<String> establishedFromKernel(String connections) {
        List<String> lines = connections.lines().toList();
        List<String> infos = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (ESTABLISHED_FROM_KERNEL.matcher(lines.get(i)).find()) {
                infos.add(lines.get(i + 1));
            }
        }
        return infos;
    }

    /** Outbound frames the ARP cache gave up on: no reply came, or the queue for the address overflowed. */
    private static long unresolvedFramesDropped(StatsPage stats) {
        return stats.value("usertcp_neighbour_frames_dropped_resolution_failed_total")
                + stats.value("usertcp_neighbour_frames_dropped_entry_queue_full_total")
                + stats.value("usertcp_neighbour_frames_dropped_total_queue_full_total");
    }

    private static long increase(StatsPage before, StatsPage after, String counter) {
        return after.value(counter) - before.value(counter);
    }

    private static void printLatency(String run, List<CurlTry> tries) {
        double[] millis = tries.stream().filter(CurlTry::answered).mapToDouble(curlTry -> curlTry.seconds() * 1000)
                .sorted().toArray();
        if (millis.length == 0) {
            System.out.printf(Locale.ROOT, "SYN flood [%s]: 0 of %d requests answered%n", run, tries.size());
            return;
        }
        int ninetieth = (int) Math.ceil(millis.length * 0.9) - 1;
        System.out.printf(Locale.ROOT, "SYN flood [%s]: %d of %d requests answered during the flood; latency median"
                        + " %.1f ms, 90th percentile %.1f ms, max %.1f ms%n", run, millis.length, tries.size(),
                millis[millis.length / 2], millis[ninetieth], millis[millis.length - 1]);
    }

    private static void sleepUntil(long nanoTime) {
        long remaining = nanoTime - System.nanoTime();
        if (remaining <= 0) {
            return;
        }
        try {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the flood", e);
        }
    }

    /** hping3 running in the namespace, and when it started. */
    private record Flood(BackgroundProcess process, long startNanos) {
    }

    /** One curl during the flood: whether it got 200, how long it took, and what it printed. */
    private record CurlTry(boolean answered, double seconds, String outcome) {
    }
}
