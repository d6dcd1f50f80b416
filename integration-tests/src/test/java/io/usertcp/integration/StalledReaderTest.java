package io.usertcp.integration;

import io.usertcp.testing.host.BackgroundProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.BASE_URL;
import static io.usertcp.integration.ExampleServerOnTap.PORT;
import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that stalls: a client on the kernel's side with a small receive buffer asks example-http on usertcp for
 * a gigabyte and reads nothing, so its window closes and stays closed while its kernel keeps answering the
 * server's probes. The server runs with a {@value #USER_TIMEOUT_MILLIS} ms user timeout (RFC 5482,
 * {@code usertcp.userTimeoutMillis}), which must end the connection all the same, within a bounded time.
 */
@Timeout(120)
class StalledReaderTest {
    private static final long USER_TIMEOUT_MILLIS = 3000;
    /** Far beyond the user timeout: catches a connection that never ends, not a slow one. */
    private static final Duration END_LIMIT = Duration.ofSeconds(30);
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(30);
    private static final long GIGABYTE = 1L << 30;
    private static final Pattern CLIENT_ADDRESS = Pattern.compile("^local (\\S+)$", Pattern.MULTILINE);
    /**
     * The client: connects with a 4 KiB receive buffer, sends the request, prints its own address, waits for the
     * file named by its third argument, then reads until the connection ends and prints how it ended.
     */
    private static final String CLIENT = """
            import os, socket, sys, time
            host, port, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((host, port))
            s.sendall(b"GET /bytes/%s HTTP/1.1\\r\\nHost: stalled-reader\\r\\n\\r\\n")
            print("local %%s:%%d" %% s.getsockname(), flush=True)
            deadline = time.monotonic() + %d
            while not os.path.exists(go):
                if time.monotonic() > deadline:
                    sys.exit("never told to read")
                time.sleep(0.05)
            s.settimeout(10)
            received = 0
            try:
                while True:
                    data = s.recv(65536)
                    if not data:
                        print("eof after %%d bytes" %% received, flush=True)
                        break
                    received += len(data)
            except ConnectionResetError:
                print("reset after %%d bytes" %% received, flush=True)
            except socket.timeout:
                print("silence after %%d bytes" %% received, flush=True)
            """.formatted(GIGABYTE, END_LIMIT.plus(CLIENT_LIMIT).toSeconds());

    @TempDir
    Path temp;

    @Test
    void userTimeoutResetsAReaderThatNeverReadsAndTheServerServesOn() throws IOException {
        try (ExampleServerOnTap server = ExampleServerOnTap.start("stalled-reader",
                List.of("-Dusertcp.userTimeoutMillis=" + USER_TIMEOUT_MILLIS), "python3", "curl")) {
            StatsPage before = server.stats();
            Path readNow = temp.resolve("read-now");
            long requested = System.nanoTime();
            BackgroundProcess client = server.namespace().start("python3", "-c", CLIENT, STACK_ADDRESS,
                    Integer.toString(PORT), readNow.toString());
            String clientAddress = awaitClientAddress(client);

            double seconds = awaitConnectionGone(server, clientAddress) - requested / 1e9;
            System.out.printf(Locale.ROOT, "stalled reader: connection ended %.1f s after the request (user timeout"
                    + " %d ms)%n", seconds, USER_TIMEOUT_MILLIS);
            StatsPage after = server.stats();
            assertEquals(1, after.value("usertcp_tcp_timeouts_total") - before.value("usertcp_tcp_timeouts_total"),
                    after::text);
            assertTrue(seconds >= USER_TIMEOUT_MILLIS / 1000.0, "ended before the user timeout: " + seconds + " s");

            // Reading opens the window; the stack, which forgot the connection, answers the update with a RST
            Files.createFile(readNow);
            OptionalInt exit = client.waitFor(CLIENT_LIMIT);
            assertEquals(OptionalInt.of(0), exit, client::output);
            assertTrue(client.output().contains("\nreset after "), client::output);

            assertEquals("200", server.curl(Duration.ofSeconds(20), "-o", "/dev/null", BASE_URL + "/"));
            server.assertNoExceptionLogged();
        }
    }

    private static String awaitClientAddress(BackgroundProcess client) {
        long deadline = System.nanoTime() + CLIENT_LIMIT.toNanos();
        while (true) {
            Matcher address = CLIENT_ADDRESS.matcher(client.output());
            if (address.find()) {
                return address.group(1);
            }
            if (!client.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the client did not connect: " + client.output());
            }
            pause();
        }
    }

    /** Polls {@code /connections} until the client's connection is gone; returns when, in seconds of nanoTime. */
    private static double awaitConnectionGone(ExampleServerOnTap server, String clientAddress) {
        Pattern listed = Pattern.compile("\\s" + Pattern.quote(clientAddress) + "(\\s|$)", Pattern.MULTILINE);
        long deadline = System.nanoTime() + END_LIMIT.toNanos();
        while (true) {
            String connections = server.execSuccessfully(Duration.ofSeconds(30), "curl", "--silent", "--show-error",
                    "--fail", "--max-time", "20", BASE_URL + "/connections").stdout();
            long now = System.nanoTime();
            if (!listed.matcher(connections).find()) {
                return now / 1e9;
            }
            if (now > deadline) {
                throw new AssertionError("the stalled connection of " + clientAddress + " still lives " + END_LIMIT
                        + " after the request:\n" + connections);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
