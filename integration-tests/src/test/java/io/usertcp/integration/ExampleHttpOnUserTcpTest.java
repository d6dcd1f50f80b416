package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * example-http on the usertcp stack ({@link ExampleServerOnTap}) against curl, a client nobody here wrote,
 * through the kernel's TCP and the TAP. Bulk transfers print their rate for the record; nothing asserts speed.
 */
@Timeout(300)
class ExampleHttpOnUserTcpTest {
    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BULK_TIMEOUT = Duration.ofSeconds(240);
    private static final long GIGABYTE = 1L << 30;
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;

    private static ExampleServerOnTap server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("http-usertcp", "curl", "bash", "sha256sum");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void curlGetsTheGreetingThroughTheStack() throws IOException {
        Path body = temp.resolve("greeting");
        assertEquals("200", server.curl(CURL_TIMEOUT, "-o", body.toString(), BASE_URL + "/"));
        assertEquals("Hello from usertcp example-http via usertcp\n", Files.readString(body));
    }

    @Test
    void curlPostOfTenMegabytesIsEchoedByteForByte() throws IOException {
        byte[] upload = new byte[10 * 1024 * 1024];
        new Random(20261121).nextBytes(upload);
        Path request = Files.write(temp.resolve("upload"), upload);
        Path response = temp.resolve("echo");
        assertEquals("200", server.curl(CURL_TIMEOUT, "--data-binary", "@" + request,
                "-H", "Content-Type: application/octet-stream", "-o", response.toString(), BASE_URL + "/echo"));
        assertArrayEquals(upload, Files.readAllBytes(response));
    }

    /** Streamed through sha256sum, never stored: a gigabyte would not fit comfortably on every test host. */
    @Test
    void curlDownloadsAGigabyteOfThePatternIntact() {
        CommandResult download = server.execSuccessfully(BULK_TIMEOUT.plusSeconds(5), "bash", "-c",
                "set -o pipefail; curl --silent --show-error --fail --max-time " + BULK_TIMEOUT.toSeconds()
                        + " --write-out '%{stderr}%{speed_download} %{time_total}' " + BASE_URL + "/bytes/" + GIGABYTE
                        + " | sha256sum");
        assertEquals(PatternDigest.ofPattern(GIGABYTE) + "  -", download.stdout().strip());
        printRate("curl GET /bytes/" + GIGABYTE, download.stderr());
    }

    /** -T sends the file as a PUT body with Expect: 100-continue; /digest answers with what it received. */
    @Test
    void curlUploadOfAHundredMegabytesWithDashTIsReceivedIntact() throws IOException {
        Path file = randomFile(temp.resolve("upload-t"), HUNDRED_MEGABYTES, 7);
        CommandResult upload = server.execSuccessfully(BULK_TIMEOUT.plusSeconds(5), "curl", "--silent",
                "--show-error", "--fail", "--max-time", Long.toString(BULK_TIMEOUT.toSeconds()),
                "--write-out", "%{stderr}%{speed_upload} %{time_total}", "-T", file.toString(), BASE_URL + "/digest");
        assertEquals("length=" + HUNDRED_MEGABYTES + " sha256=" + PatternDigest.ofFile(file), upload.stdout().strip());
        printRate("curl -T " + HUNDRED_MEGABYTES + " bytes to /digest", upload.stderr());
    }

    @Test
    void statsShowTheCountersOfTheStack() throws IOException {
        server.curl(CURL_TIMEOUT, "-o", "/dev/null", BASE_URL + "/");
        Path body = temp.resolve("stats");
        assertEquals("200", server.curl(CURL_TIMEOUT, "-o", body.toString(), BASE_URL + "/stats"));
        String stats = Files.readString(body);
        assertTrue(counter(stats, "usertcp_frames_in_total") > 0, stats);
        assertTrue(counter(stats, "usertcp_arp_replies_out_total") > 0, stats);
        assertTrue(counter(stats, "usertcp_tcp_segments_received_total") > 0, stats);
        assertTrue(counter(stats, "usertcp_tcp_segments_sent_total") > 0, stats);
        assertTrue(counter(stats, "usertcp_tcp_passive_opens_total") >= 2, stats);
        // The connection serving this request is listed with its tcp_info
        assertTrue(stats.contains("\nusertcp_tcp_connection_srtt_seconds{device=\"" + server.device() + "\",local=\""
                + STACK_ADDRESS + ":"), stats);
    }

    @Test
    void connectionsListTheRequestsOwnConnectionAsSsDoes() throws IOException {
        Path body = temp.resolve("connections");
        assertEquals("200", server.curl(CURL_TIMEOUT, "-o", body.toString(), BASE_URL + "/connections"));
        String listing = Files.readString(body);
        assertTrue(listing.startsWith("usertcp stack " + STACK_ADDRESS + "/24 on " + server.device() + "\nState "),
                listing);
        assertTrue(Pattern.compile("^ESTAB +\\d+ +\\d+ +" + Pattern.quote(STACK_ADDRESS) + ":\\d+ +",
                Pattern.MULTILINE).matcher(listing).find(), listing);
        assertTrue(listing.contains(" rtt:"), listing);
    }

    /** curl's {@code speed time} (bytes/s, seconds) as a line for the record. */
    private static void printRate(String transfer, String curlSpeedAndTime) {
        String[] words = curlSpeedAndTime.strip().split(" ");
        System.out.printf("%s: %.1f MB/s, %s s%n", transfer, Double.parseDouble(words[0]) / 1e6, words[1]);
    }

    /** A counter of the stack in the Prometheus text of {@code /stats}. */
    private static long counter(String stats, String name) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name + "{device=\"" + server.device() + "\"} ")
                + "(\\d+)$", Pattern.MULTILINE).matcher(stats);
        assertTrue(matcher.find(), () -> "no counter '" + name + "' in\n" + stats);
        return Long.parseLong(matcher.group(1));
    }

    private static Path randomFile(Path file, long length, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, length - written));
            }
        }
        return file;
    }
}
