package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.integration.ExampleServerOnTap.STACK_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's ping and arping against the stack example-http runs on ({@link ExampleServerOnTap}). */
@Timeout(120)
class PingAndArpOnUserTcpTest {
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern MAC = Pattern.compile("(?i)\\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\\b");

    private static ExampleServerOnTap server;

    @BeforeAll
    static void startServer() {
        server = ExampleServerOnTap.start("ping-usertcp", "ping", "arping");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHundredEchoRequestsAreAllAnswered() {
        // 10 ms apart (root may go below ping's 200 ms floor), each answer awaited at most 2 s.
        CommandResult ping = server.execSuccessfully(Duration.ofSeconds(60), "ping", "-c", "100", "-i", "0.01",
                "-W", "2", "-q", STACK_ADDRESS);
        Matcher summary = PING_SUMMARY.matcher(ping.stdout());
        assertTrue(summary.find(), ping.stdout());
        assertEquals("100", summary.group(1), ping.stdout());
        assertEquals("100", summary.group(2), ping.stdout());
        ping.stdout().lines().filter(line -> line.startsWith("rtt")).forEach(line -> System.out.println("ping " + line));
    }

    /** Both arping implementations Debian ships print one line per reply with the sender's address and MAC. */
    @Test
    void arpingIsAnsweredEveryTimeWithOneHardwareAddress() {
        CommandResult arping = server.execSuccessfully(Duration.ofSeconds(30), "arping", "-c", "3", "-w", "10",
                "-I", server.device(), STACK_ADDRESS);
        List<String> macs = arping.stdout().lines()
                .filter(line -> line.contains(STACK_ADDRESS))
                .map(MAC::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group().toLowerCase(Locale.ROOT))
                .toList();
        assertEquals(3, macs.size(), arping.stdout());
        assertEquals(1, macs.stream().distinct().count(), arping.stdout());
    }
}
