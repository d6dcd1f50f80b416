package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBufAllocator;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.network.ImpairmentConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.tcp.simulation.TcpSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A failing run keeps its capture and names it; the file must be one Wireshark reads cleanly: every TCP and
 * IPv4 checksum verified good, nothing malformed. Needs tshark: skipped without it, except on CI (CI=true),
 * where its absence fails the test.
 */
class FailureCaptureTest {
    private static final Pattern CAPTURE = Pattern.compile("link capture: (\\S+\\.pcap)");

    @Test
    void failingRunKeepsACaptureThatTsharkReadsWithoutWarnings() throws IOException, InterruptedException {
        Path tshark = findTshark();
        Path capture;
        try (TcpSimulation simulation = new TcpSimulation("failure-capture", TcpStackConfig.defaults(),
                ImpairmentConfig.NONE.withDelay(1, TimeUnit.MILLISECONDS),
                ImpairmentConfig.NONE.withDelay(1, TimeUnit.MILLISECONDS), 31, ByteBufAllocator.DEFAULT)) {
            simulation.listen(64 * 1024, null, 1);
            StreamEndpoint client = simulation.connect(256 * 1024, null);
            simulation.runToCompletion(TcpSimulation.STALL_NANOS, 60 * SECOND);
            AssertionError failure = simulation.network().failure("deliberate failure after " + client);
            Matcher named = CAPTURE.matcher(failure.getMessage());
            assertTrue(named.find(), "the failure names its capture: " + failure.getMessage());
            capture = Path.of(named.group(1));
        }
        try {
            assertTrue(Files.size(capture) > 256 * 1024, "the capture holds the transfer");
            int tcpFrames = count(tshark, capture, "tcp");
            assertTrue(tcpFrames > 180, "TCP frames in the capture: " + tcpFrames);
            assertEquals(tcpFrames, count(tshark, capture, "tcp.checksum.status == \"Good\" && ip.checksum.status"
                    + " == \"Good\""), "every TCP segment's checksums verify");
            assertEquals(0, count(tshark, capture, "_ws.malformed || _ws.expert.severity >= \"Error\""),
                    "nothing malformed");
        } finally {
            Files.deleteIfExists(capture);
        }
    }

    /** Frames of {@code capture} matching {@code filter}, with checksum verification on. */
    private static int count(Path tshark, Path capture, String filter) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(tshark.toString(), "-r", capture.toString(), "-n",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", filter, "-T", "fields",
                "-e", "frame.number").redirectErrorStream(false).start();
        byte[] output = process.getInputStream().readAllBytes();
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            fail("tshark failed on " + filter + ": " + errors);
        }
        List<String> lines = new String(output, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        return lines.size();
    }

    private static Path findTshark() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "tshark");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("tshark is required on CI to check failure captures");
        }
        Assumptions.abort("tshark is not installed: cannot check that failure captures read cleanly");
        return null;
    }
}
