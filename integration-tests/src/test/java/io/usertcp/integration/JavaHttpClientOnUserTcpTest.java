package io.usertcp.integration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * example-http on the usertcp stack ({@link ExampleServerOnTap}) against the JDK's {@code HttpClient}, run in
 * the namespace as a JVM of its own ({@link HttpClientInNamespace}). Bulk transfers print their time.
 */
@Timeout(300)
class JavaHttpClientOnUserTcpTest {
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(240);

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("httpclient-usertcp");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void javaHttpClientGetsTheGreeting() {
        String[] result = httpClient("get", BASE_URL + "/");
        assertEquals("200", result[0]);
        assertEquals(PatternDigest.sha256Hex("Hello from usertcp example-http via usertcp\n"), result[2]);
    }

    @Test
    void javaHttpClientDownloadsAHundredMegabytesOfThePatternIntact() {
        String[] result = httpClient("get", BASE_URL + "/bytes/" + HUNDRED_MEGABYTES);
        assertEquals("200", result[0]);
        assertEquals(Long.toString(HUNDRED_MEGABYTES), result[1]);
        assertEquals(PatternDigest.ofPattern(HUNDRED_MEGABYTES), result[2]);
        printRate("HttpClient GET /bytes/" + HUNDRED_MEGABYTES, result[3]);
    }

    @Test
    void javaHttpClientUploadOfAHundredMegabytesIsReceivedIntact() {
        String[] result = httpClient("upload", BASE_URL + "/digest", Long.toString(HUNDRED_MEGABYTES), "29");
        assertEquals("200", result[0]);
        assertEquals("length=" + HUNDRED_MEGABYTES + " sha256=" + result[1], result[3] + " " + result[4]);
        printRate("HttpClient POST " + HUNDRED_MEGABYTES + " bytes to /digest", result[2]);
    }

    /**
     * The JDK client reads the response only once it has sent the whole request body, so an echo larger than the
     * buffers between the two ends stalls on any TCP (it does on kernel TCP alone at 16 MB): the body here
     * fits in them; uploads to /digest do the bulk transfers.
     */
    @Test
    void javaHttpClientPostIsEchoedIdentically() {
        String[] result = httpClient("post", BASE_URL + "/echo", Integer.toString(256 * 1024), "11");
        assertEquals("200", result[0]);
        assertEquals(result[1], result[2], "the echo differs from what was sent");
    }

    /** Runs {@link HttpClientInNamespace} in a JVM of its own inside the namespace; returns its answer's words. */
    private static String[] httpClient(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), HttpClientInNamespace.class.getName()));
        command.addAll(List.of(arguments));
        return server.execSuccessfully(CLIENT_TIMEOUT, command.toArray(String[]::new)).stdout().strip().split(" ");
    }

    private static void printRate(String transfer, String seconds) {
        System.out.printf("%s: %.1f MB/s, %s s%n", transfer, HUNDRED_MEGABYTES / 1e6 / Double.parseDouble(seconds),
                seconds);
    }
}
