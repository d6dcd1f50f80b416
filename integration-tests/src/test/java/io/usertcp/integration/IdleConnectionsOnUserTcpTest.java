package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.usertcp.integration.ExampleServerOnTap.PORT;
import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten thousand keep-alive connections to example-http on the usertcp stack ({@link ExampleServerOnTap}), held
 * idle for 30 s and then each used once more, by tools/idle-connections.py on the kernel's TCP.
 */
@Timeout(420)
class IdleConnectionsOnUserTcpTest {
    private static final int CONNECTIONS = 10_000;
    private static final int HOLD_SECONDS = 30;
    private static final int RUN_TIMEOUT_SECONDS = 300;
    /** Surefire runs in the module's directory. */
    private static final Path TOOL = Path.of("tools", "idle-connections.py").toAbsolutePath();

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("idle-usertcp", "python3");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tenThousandIdleConnectionsSurviveThirtySecondsAndAnswerAgain() {
        assertTrue(Files.isRegularFile(TOOL), TOOL + " is missing");
        CommandResult run = server.execSuccessfully(Duration.ofSeconds(RUN_TIMEOUT_SECONDS + 30), "python3",
                TOOL.toString(), "--host", STACK_ADDRESS, "--port", Integer.toString(PORT),
                "--connections", Integer.toString(CONNECTIONS), "--hold", Integer.toString(HOLD_SECONDS),
                "--timeout", Integer.toString(RUN_TIMEOUT_SECONDS));
        String summary = run.stdout().strip().lines().reduce((first, last) -> last).orElse("");
        assertTrue(summary.startsWith("connections=" + CONNECTIONS + " opened=" + CONNECTIONS + " first_ok="
                + CONNECTIONS + " second_ok=" + CONNECTIONS + " errors=0 "), run.describe());
        assertEquals("", run.stderr().strip(), run.describe());
        run.stdout().lines().filter(line -> line.startsWith("opened and answered"))
                .forEach(line -> System.out.println("idle-connections: " + line + "; " + summary));
    }
}
