package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.DeviceNames;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.testing.host.NetworkNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * example-http on the usertcp stack, against clients nobody here wrote. The server runs as its own JVM inside a
 * namespace of the test's ({@link ExampleServerProcess}), attached to a TAP device made there whose kernel side is
 * {@value #KERNEL_ADDRESS}/24, with IPv6 off; the stack is {@value #STACK_ADDRESS}/24. curl and the JDK's
 * HttpClient talk to it from the same namespace, through the kernel's TCP and the TAP. Removing the namespace at
 * the end removes the device and stops the server.
 */
@Timeout(180)
class ExampleHttpOnUserTcpTest {
    private static final String KERNEL_ADDRESS = "198.18.0.1";
    private static final String STACK_ADDRESS = "198.18.0.2";
    private static final int PORT = 8080;
    private static final String BASE_URL = "http://" + STACK_ADDRESS + ":" + PORT;
    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(120);
    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;

    private static NetworkNamespace namespace;
    private static String device;
    private static ExampleServerProcess server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("curl", "sysctl", "bash", "sha256sum");
        namespace = NetworkNamespace.create("http-usertcp");
        // No IPv6 on the link: the kernel would send router and listener solicitations the stack does not speak.
        namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        // Persistent and configured before the server attaches by name, so the stack starts on a live link.
        device = DeviceNames.unique("uth");
        namespace.execOrThrow("ip", "tuntap", "add", "dev", device, "mode", "tap");
        namespace.execOrThrow("ip", "address", "add", KERNEL_ADDRESS + "/24", "dev", device);
        namespace.execOrThrow("ip", "link", "set", "dev", device, "up");
        server = ExampleServerProcess.start(namespace, "usertcp", STACK_ADDRESS, PORT,
                "--device", device, "--stack-address", STACK_ADDRESS + "/24");
    }

    @AfterAll
    static void stopServer() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void curlGetsTheGreetingThroughTheStack() throws IOException {
        Path body = temp.resolve("greeting");
        assertEquals("200", curl("-o", body.toString(), BASE_URL + "/"));
        assertEquals("Hello from usertcp example-http via usertcp\n", Files.readString(body));
    }

    @Test
    void curlPostOfTenMegabytesIsEchoedByteForByte() throws IOException {
        byte[] upload = randomBytes(10 * 1024 * 1024, 20261121);
        Path request = Files.write(temp.resolve("upload"), upload);
        Path response = temp.resolve("echo");
        assertEquals("200", curl("--data-binary", "@" + request, "-H", "Content-Type: application/octet-stream",
                "-o", response.toString(), BASE_URL + "/echo"));
        assertArrayEquals(upload, Files.readAllBytes(response));
    }

    @Test
    void curlDownloadsAHundredMegabytesOfThePatternIntact() {
        CommandResult download = namespace.exec(CURL_TIMEOUT.plusSeconds(5), "bash", "-c",
                "set -o pipefail; curl --silent --show-error --fail --max-time " + CURL_TIMEOUT.toSeconds() + " "
                        + BASE_URL + "/bytes/" + HUNDRED_MEGABYTES + " | sha256sum");
        assertEquals(0, download.exitCode(), () -> download.describe() + "\nserver output:\n" + server.output());
        assertEquals(PatternDigest.ofPattern(HUNDRED_MEGABYTES) + "  -", download.stdout().strip());
    }

    @Test
    void curlUploadWithDashTIsEchoedWhole() throws IOException {
        Path file = Files.write(temp.resolve("upload-t"), randomBytes(32 * 1024 * 1024, 7));
        Path response = temp.resolve("echo-t");
        // -T sends the file as the body (with Expect: 100-continue); -X POST because /echo takes POST, not PUT.
        assertEquals("200", curl("-T", file.toString(), "-X", "POST", "-o", response.toString(), BASE_URL + "/echo"));
        assertEquals(PatternDigest.ofFile(file), PatternDigest.ofFile(response));
    }

    @Test
    void statsShowTheCountersOfTheStack() throws IOException {
        curl("-o", "/dev/null", BASE_URL + "/");
        Path body = temp.resolve("stats");
        assertEquals("200", curl("-o", body.toString(), BASE_URL + "/stats"));
        String stats = Files.readString(body);
        assertTrue(stats.contains("usertcp stack " + STACK_ADDRESS + "/24 on " + device + "\n"), stats);
        assertTrue(counter(stats, "frames in") > 0, stats);
        assertTrue(counter(stats, "arp replies out") > 0, stats);
        assertTrue(counter(stats, "tcp segments received") > 0, stats);
        assertTrue(counter(stats, "tcp segments sent") > 0, stats);
    }

    @Test
    void javaHttpClientGetsTheGreeting() {
        String[] result = httpClient("get", BASE_URL + "/");
        assertEquals("200", result[0]);
        assertEquals(PatternDigest.sha256Hex("Hello from usertcp example-http via usertcp\n"), result[2]);
    }

    @Test
    void javaHttpClientDownloadsThePatternIntact() {
        long length = 16L * 1024 * 1024 + 3;
        String[] result = httpClient("get", BASE_URL + "/bytes/" + length);
        assertEquals("200", result[0]);
        assertEquals(Long.toString(length), result[1]);
        assertEquals(PatternDigest.ofPattern(length), result[2]);
    }

    /**
     * The JDK client reads the response only once it has sent the whole request body, so an echo larger than the
     * buffers between the two ends stalls on any TCP (it does on kernel TCP alone at 16 MB): the body here
     * fits in them; curl does the bulk transfers.
     */
    @Test
    void javaHttpClientPostIsEchoedIdentically() {
        String[] result = httpClient("post", BASE_URL + "/echo", Integer.toString(256 * 1024), "11");
        assertEquals("200", result[0]);
        assertEquals(result[1], result[2], "the echo differs from what was sent");
    }

    /** Runs curl in the namespace and returns the HTTP status it saw. */
    private static String curl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
                "--max-time", Long.toString(CURL_TIMEOUT.toSeconds()), "--write-out", "%{http_code}"));
        command.addAll(List.of(arguments));
        CommandResult result = namespace.exec(CURL_TIMEOUT.plusSeconds(5), command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), () -> result.describe() + "\nserver output:\n" + server.output());
        return result.stdout().strip();
    }

    /** Runs {@link HttpClientInNamespace} in a JVM of its own inside the namespace; returns its answer's words. */
    private static String[] httpClient(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), HttpClientInNamespace.class.getName()));
        command.addAll(List.of(arguments));
        CommandResult result = namespace.exec(Duration.ofSeconds(90), command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), () -> result.describe() + "\nserver output:\n" + server.output());
        return result.stdout().strip().split(" ");
    }

    private static long counter(String stats, String name) {
        Matcher matcher = Pattern.compile("^  " + Pattern.quote(name) + ": (\\d+)$", Pattern.MULTILINE).matcher(stats);
        assertTrue(matcher.find(), () -> "no counter '" + name + "' in\n" + stats);
        return Long.parseLong(matcher.group(1));
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
