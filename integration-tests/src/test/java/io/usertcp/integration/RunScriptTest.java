package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.HostCommand;
import io.usertcp.testing.host.HostRequirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code example-http/run.sh}, the README's "run the example", end to end: it builds what is stale (into this
 * build's folder), makes its namespace and TAP, serves through the stack, and removes everything when it stops.
 * The script names its namespace {@code utcp-demo-<its pid>} and its device {@code utcpdemo<its pid>}, so the test
 * knows what to look for, and removes them itself if the script fails to.
 */
class RunScriptTest {
    /** A build may be needed first. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    @Timeout(400)
    void onceServesOneCurlThroughTheStackThenCleansUp() throws Exception {
        assumeHostCanRunTheScript();
        Path output = temp.resolve("run.out");
        Process script = start(output, "--once");
        try {
            assertTrue(script.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "run.sh did not finish");
            String printed = Files.readString(output);
            assertEquals(0, script.exitValue(), printed);
            assertTrue(printed.contains("example-http listening on 198.18.0.2:8080 via usertcp\n"), printed);
            assertTrue(printed.contains("$ sudo ip netns exec " + namespaceOf(script)
                    + " curl -sS http://198.18.0.2:8080/\nHello from usertcp example-http via usertcp\n"), printed);
            assertTrue(printed.contains("Removed network namespace " + namespaceOf(script) + " and TAP device "
                    + deviceOf(script) + ".\n"), printed);
            assertCleanedUp(script);
        } finally {
            stop(script);
        }
    }

    @Test
    @Timeout(400)
    void terminatedWhileServingStopsTheServerAndCleansUp() throws Exception {
        assumeHostCanRunTheScript();
        Path output = temp.resolve("run.out");
        Process script = start(output);
        try {
            awaitOutput(script, output, "Press Ctrl-C to stop");
            CommandResult curl = HostCommand.run(Duration.ofSeconds(20), List.of("ip", "netns", "exec",
                    namespaceOf(script), "curl", "-sS", "--max-time", "10", "-o", "/dev/null", "--write-out",
                    "%{http_code} %{size_download}", "http://198.18.0.2:8080/bytes/1000"));
            assertEquals("200 1000", curl.stdout(), curl.describe());

            script.destroy();

            assertTrue(script.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "run.sh ignored SIGTERM");
            String printed = Files.readString(output);
            assertEquals(143, script.exitValue(), printed);
            assertTrue(printed.contains("Removed network namespace " + namespaceOf(script)), printed);
            assertCleanedUp(script);
        } finally {
            stop(script);
        }
    }

    @Test
    @Timeout(60)
    void withoutNetworkAdministrationItSaysWhatItNeeds() throws IOException, URISyntaxException {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("setpriv", "bash");
        // A copy any user can read: the checkout may sit in a directory only root may enter.
        Path directory = Files.createDirectory(temp.resolve("script"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path copy = Files.copy(script(), directory.resolve("run.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));

        CommandResult result = HostCommand.run(Duration.ofSeconds(30), List.of("setpriv", "--reuid=65534",
                "--regid=65534", "--clear-groups", "bash", copy.toString(), "--once"));

        assertEquals(1, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith("run.sh: needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, to create a"
                + " network namespace and a TAP device"), result.describe());
        assertTrue(result.stderr().contains("Run it as: sudo example-http/run.sh"), result.describe());
        assertEquals("", result.stdout());
    }

    private static void assumeHostCanRunTheScript() {
        HostRequirements.assumeNetworkAdmin();
        HostRequirements.assumeCommands("bash", "curl", "mvn");
    }

    /** Starts run.sh on this build's folder and JDK, its stdout and stderr merged into {@code output}. */
    private static Process start(Path output, String... arguments) throws IOException, URISyntaxException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().addAll(List.of("bash", script().toString()));
        builder.command().addAll(List.of(arguments));
        // Its own build folder: on a fresh clone run.sh builds, and must not rewrite the jars this build's test
        // JVMs are loading classes from.
        builder.environment().put("USERTCP_BUILD_DIR", buildDirectoryName() + "-run-script");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void awaitOutput(Process script, Path output, String text) throws Exception {
        long deadline = System.nanoTime() + SCRIPT_TIMEOUT.toNanos();
        while (!Files.readString(output, StandardCharsets.UTF_8).contains(text)) {
            if (!script.isAlive()) {
                fail("run.sh exited with " + script.exitValue() + " before printing '" + text + "':\n"
                        + Files.readString(output));
            }
            if (System.nanoTime() > deadline) {
                fail("run.sh did not print '" + text + "' within " + SCRIPT_TIMEOUT + ":\n" + Files.readString(output));
            }
            Thread.sleep(100);
        }
    }

    private static void assertCleanedUp(Process script) {
        assertFalse(namespaceExists(namespaceOf(script)), "namespace " + namespaceOf(script) + " left behind");
        assertFalse(HostCommand.run("ip", "link", "show", "dev", deviceOf(script)).succeeded(),
                "TAP device left in the host namespace");
        String serverArguments = " --device " + deviceOf(script) + " ";
        assertTrue(ProcessHandle.allProcesses().noneMatch(
                process -> process.info().commandLine().orElse("").contains(serverArguments)),
                "the server outlived run.sh");
    }

    private static boolean namespaceExists(String name) {
        return HostCommand.runOrThrow("ip", "netns", "list").stdout().lines()
                .anyMatch(line -> line.split(" ")[0].equals(name));
    }

    /**
     * Ends the script if it still runs (SIGTERM, which its trap answers by cleaning up; SIGKILL for it and what it
     * started after a grace period), then removes its namespace if it left one.
     */
    private static void stop(Process script) throws InterruptedException {
        if (script.isAlive()) {
            List<ProcessHandle> started = script.descendants().toList();
            script.destroy();
            if (!script.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                started.forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (namespaceExists(namespaceOf(script))) {
            HostCommand.run("ip", "netns", "delete", namespaceOf(script));
        }
    }

    private static String namespaceOf(Process script) {
        return "utcp-demo-" + script.pid();
    }

    private static String deviceOf(Process script) {
        return "utcpdemo" + script.pid();
    }

    /** This module's build folder, e.g. target: the parent of the test classes. */
    private static String buildDirectoryName() throws URISyntaxException {
        return testClasses().getParent().getFileName().toString();
    }

    private static Path script() throws URISyntaxException {
        return testClasses().getParent().getParent().getParent().resolve("example-http").resolve("run.sh");
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(RunScriptTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
