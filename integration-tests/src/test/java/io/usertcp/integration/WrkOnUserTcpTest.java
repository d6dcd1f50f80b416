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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wrk's keep-alive load against example-http on the usertcp stack ({@link ExampleServerOnTap}): 64 connections
 * for 10 s, every response a 2xx and no socket error. The request rate is printed, not asserted.
 */
@Timeout(120)
class WrkOnUserTcpTest {
    /** wrk prints these lines only when something went wrong. */
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+\\w+)");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("wrk-usertcp", "wrk");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sixtyFourConnectionsForTenSecondsGetOnlySuccessfulResponses() {
        CommandResult wrk = server.execSuccessfully(Duration.ofSeconds(60), "wrk", "-t2", "-c64", "-d10s",
                "--timeout", "5s", BASE_URL + "/");
        String output = wrk.stdout();
        Matcher errors = SOCKET_ERRORS.matcher(output);
        assertFalse(errors.find() && !(errors.group(1) + errors.group(2) + errors.group(3) + errors.group(4))
                .equals("0000"), output);
        Matcher non2xx = NON_2XX.matcher(output);
        assertFalse(non2xx.find() && Long.parseLong(non2xx.group(1)) > 0, output);
        Matcher requests = REQUESTS.matcher(output);
        assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 0, output);
        Matcher rate = RATE.matcher(output);
        assertTrue(rate.find(), output);
        System.out.println("wrk -t2 -c64 -d10s GET /: " + requests.group(1) + " requests in " + requests.group(2)
                + ", " + rate.group(1) + " requests/s");
    }
}
