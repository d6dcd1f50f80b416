package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.testing.host.NetworkNamespace;
import io.usertcp.testing.host.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel-TCP baseline the benchmark compares usertcp against: example-http on Netty epoll in one
 * namespace, curl in another, joined by a veth pair. It proves the namespace harness and the example
 * with a client nobody here wrote.
 */
class ExampleHttpOnKernelTcpTest {
    private static final String SERVER_ADDRESS = "198.18.0.1";
    private static final int PORT = 8080;
    private static final String BASE_URL = "http://" + SERVER_ADDRESS + ":" + PORT;
    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(60);

    private static NetworkNamespace serverNamespace;
    private static NetworkNamespace clientNamespace;
    private static VethPair link;
    private static ExampleServerProcess server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("curl");
        serverNamespace = NetworkNamespace.create("httpsrv");
        clientNamespace = NetworkNamespace.create("httpcli");
        link = VethPair.create(serverNamespace, SERVER_ADDRESS + "/24", clientNamespace, "198.18.0.2/24");
        server = ExampleServerProcess.start(serverNamespace, "epoll", SERVER_ADDRESS, PORT);
    }

    @AfterAll
    static void stopServer() {
        if (link != null) {
            link.close();
        }
        if (serverNamespace != null) {
            serverNamespace.close();
        }
        if (clientNamespace != null) {
            clientNamespace.close();
        }
    }

    @Test
    void curlGetsTheGreeting() throws IOException {
        Path body = temp.resolve("greeting");
        assertEquals("200", curl("-o", body.toString(), BASE_URL + "/"));
        assertTrue(Files.readString(body).contains("epoll"), Files.readString(body));
    }

    @Test
    void curlDownloadsTheBytePatternIntact() throws IOException {
        int length = 32 * 1024 * 1024 + 7;
        Path body = temp.resolve("bytes");
        assertEquals("200", curl("-o", body.toString(), BASE_URL + "/bytes/" + length));
        assertEquals(length, Files.size(body));
        assertEquals(PatternDigest.ofPattern(length), PatternDigest.ofFile(body));
    }

    @Test
    void curlPostEchoesTenMegabytesBack() throws IOException {
        byte[] upload = new byte[10 * 1024 * 1024];
        new Random(20261121).nextBytes(upload);
        Path request = Files.write(temp.resolve("upload"), upload);
        Path response = temp.resolve("echo");
        assertEquals("200", curl("--data-binary", "@" + request, "-H", "Content-Type: application/octet-stream",
                "-o", response.toString(), BASE_URL + "/echo"));
        assertArrayEquals(upload, Files.readAllBytes(response));
    }

    @Test
    void unknownPathIsNotFound() {
        assertEquals("404", curl("-o", "/dev/null", BASE_URL + "/no-such-route"));
    }

    /** Runs curl in the client namespace and returns the HTTP status it saw. */
    private static String curl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
                "--max-time", Long.toString(CURL_TIMEOUT.toSeconds()), "--write-out", "%{http_code}"));
        command.addAll(List.of(arguments));
        CommandResult result = clientNamespace.exec(CURL_TIMEOUT.plusSeconds(5), command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), () -> result.describe() + "\nserver output:\n" + server.output());
        return result.stdout().trim();
    }
}
