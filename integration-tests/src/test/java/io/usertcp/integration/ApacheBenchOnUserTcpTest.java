package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ApacheBench without keep-alive against example-http on the usertcp stack ({@link ExampleServerOnTap}): every
 * request on a connection of its own (HTTP/1.0), so 20,000 handshakes and closes, the server closing first and
 * its side of each connection passing through TIME-WAIT. The connection rate is printed, not asserted.
 */
@Timeout(300)
class ApacheBenchOnUserTcpTest {
    private static final int REQUESTS = 20_000;
    private static final Pattern RATE = Pattern.compile("Requests per second:\\s+([0-9.]+)");
    private static final Pattern TIME = Pattern.compile("Time taken for tests:\\s+([0-9.]+) seconds");

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("ab-usertcp", "ab");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twentyThousandConnectionsEachServeTheirRequestWhole() {
        // -q: no progress lines; -s: a stalled connection fails the run after 30 s instead of hanging it.
        CommandResult ab = server.execSuccessfully(Duration.ofSeconds(240), "ab", "-q", "-s", "30",
                "-n", Integer.toString(REQUESTS), "-c", "32", BASE_URL + "/");
        String output = ab.stdout();
        assertEquals(REQUESTS, field(output, "Complete requests"), output);
        assertEquals(0, field(output, "Failed requests"), output);
        assertFalse(output.contains("Non-2xx responses"), output);
        Matcher rate = RATE.matcher(output);
        Matcher time = TIME.matcher(output);
        assertTrue(rate.find() && time.find(), output);
        System.out.println("ab -n " + REQUESTS + " -c 32 GET / (no keep-alive): " + rate.group(1)
                + " connections/s, " + time.group(1) + " s");
    }

    private static long field(String output, String name) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(name) + ":\\s+(\\d+)", Pattern.MULTILINE).matcher(output);
        assertTrue(matcher.find(), () -> "no '" + name + "' in\n" + output);
        return Long.parseLong(matcher.group(1));
    }
}
