package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static io.usertcp.integration.ExampleServerOnTap.PORT;
import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nmap against example-http on usertcp from the kernel's side of the TAP, on the listener's port and three closed
 * ones, each scan bounded ({@code -T4}, one retry, a host timeout). The verdicts must be what RFC 9293 makes of
 * each probe, and the server must serve after every scan with no connection left behind.
 */
@Timeout(300)
class PortScanTest {
    private static final List<Integer> CLOSED_PORTS = List.of(22, 80, 8081);
    private static final String PORT_LIST = "22,80," + PORT + ",8081";
    private static final Duration SCAN_LIMIT = Duration.ofSeconds(90);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);
    /** A port's verdict in nmap's grepable output: {@code 8080/open/tcp//http-proxy///}. */
    private static final Pattern PORT_VERDICT = Pattern.compile("(\\d+)/([a-z|]+)/tcp/");

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("port-scan", List.of(), "nmap", "curl");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** RFC 9293 3.10.7.2: a listener answers a SYN with a SYN-ACK; 3.10.7.1: a closed port answers with a RST. */
    @Test
    void synScanFindsTheListenerOpenAndTheOtherPortsClosed() {
        assertEquals(verdicts("open", "closed"), portVerdicts(scan("-sS")));
        assertNoConnectionLeftAndServing();
    }

    /**
     * RFC 9293 3.10.7.2: a listener drops a segment with neither SYN, ACK nor RST, so nmap cannot tell it from a
     * filter; 3.10.7.1: a closed port answers anything without RST with a RST.
     */
    @ParameterizedTest(name = "nmap {0}")
    @ValueSource(strings = {"-sF", "-sX", "-sN"})
    void finXmasAndNullScansFindTheListenerOpenOrFilteredAndTheOtherPortsClosed(String scanType) {
        StatsPage before = server.stats();
        assertEquals(verdicts("open|filtered", "closed"), portVerdicts(scan(scanType)));
        StatsPage after = server.stats();
        assertTrue(after.value("usertcp_tcp_no_port_total") - before.value("usertcp_tcp_no_port_total")
                >= CLOSED_PORTS.size(), after::text);
        assertTrue(after.value("usertcp_tcp_segments_without_syn_dropped_total")
                > before.value("usertcp_tcp_segments_without_syn_dropped_total"), after::text);
        assertNoConnectionLeftAndServing();
    }

    /** RFC 9293 3.10.7.2: a listener answers a bare ACK with a RST, as a closed port does (3.10.7.1). */
    @Test
    void ackScanFindsEveryPortUnfiltered() {
        assertEquals(verdicts("unfiltered", "unfiltered"), portVerdicts(scan("-sA")));
        assertNoConnectionLeftAndServing();
    }

    /** The probes of -O (odd flag sets and options to open and closed ports, ICMP echo, UDP) leave no trace. */
    @Test
    void osDetectionProbesLeaveTheServerServing() {
        CommandResult scan = scan("-sS", "-O", "--max-os-tries", "1");
        assertEquals(verdicts("open", "closed"), portVerdicts(scan));
        // Only an exact OS match makes the grepable output; the sequence verdicts are always there
        Matcher findings = Pattern.compile("\t((?:OS|Seq Index|IP ID Seq): [^\t\n]*)").matcher(scan.stdout());
        List<String> osFindings = new ArrayList<>();
        while (findings.find()) {
            osFindings.add(findings.group(1));
        }
        System.out.println("nmap -O on usertcp: " + String.join(", ", osFindings));
        assertNoConnectionLeftAndServing();
    }

    /** A bad TCP checksum is dropped before TCP sees the segment: no reply at all, and the drop is counted. */
    @Test
    void badChecksumProbesGetNoReplyAndAreCountedAsDrops() {
        StatsPage before = server.stats();
        Map<Integer, String> verdicts = portVerdicts(scan("-sS", "--badsum"));
        StatsPage after = server.stats();
        assertEquals(verdicts("filtered", "filtered"), verdicts);
        long probes = CLOSED_PORTS.size() + 1;
        assertTrue(after.drops("bad_tcp_checksum") - before.drops("bad_tcp_checksum") >= probes, after::text);
        assertEquals(0, after.value("usertcp_tcp_resets_sent_total") - before.value("usertcp_tcp_resets_sent_total"),
                after::text);
        // The one connection opened in between is the one that fetched the second /stats
        assertEquals(1, after.value("usertcp_tcp_passive_opens_total")
                - before.value("usertcp_tcp_passive_opens_total"), after::text);
        assertNoConnectionLeftAndServing();
    }

    /** Runs nmap with {@code options} on {@link #PORT_LIST}, bounded, and asserts that it finished. */
    private static CommandResult scan(String... options) {
        List<String> command = new ArrayList<>(List.of("nmap", "-n", "-Pn", "-T4", "--max-retries", "1",
                "--host-timeout", "60s", "-p", PORT_LIST, "-oG", "-"));
        command.addAll(List.of(options));
        command.add(STACK_ADDRESS);
        CommandResult scan = server.execSuccessfully(SCAN_LIMIT, command.toArray(String[]::new));
        assertTrue(scan.stdout().contains("# Nmap done at") && scan.stdout().contains("(1 host up)"),
                scan::describe);
        return scan;
    }

    private static Map<Integer, String> portVerdicts(CommandResult scan) {
        Map<Integer, String> verdicts = new TreeMap<>();
        Matcher matcher = PORT_VERDICT.matcher(scan.stdout());
        while (matcher.find()) {
            verdicts.put(Integer.parseInt(matcher.group(1)), matcher.group(2));
        }
        return verdicts;
    }

    private static Map<Integer, String> verdicts(String listenerPort, String closedPorts) {
        Map<Integer, String> verdicts = new TreeMap<>();
        verdicts.put(PORT, listenerPort);
        CLOSED_PORTS.forEach(port -> verdicts.put(port, closedPorts));
        return verdicts;
    }

    /**
     * Waits until the connection serving {@code /stats} is the only one in the stack (no probe left a half-open or
     * other connection behind), then fetches the greeting and checks that the server logged no exception.
     */
    private static void assertNoConnectionLeftAndServing() {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        StatsPage stats = server.stats();
        while (stats.value("usertcp_tcp_connections") > 1) {
            assertTrue(System.nanoTime() < deadline, "connections left " + SETTLE_LIMIT + " after the scan:\n"
                    + stats.text());
            pause();
            stats = server.stats();
        }
        assertEquals("200", server.curl(Duration.ofSeconds(20), "-o", "/dev/null", BASE_URL + "/"));
        server.assertNoExceptionLogged();
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
