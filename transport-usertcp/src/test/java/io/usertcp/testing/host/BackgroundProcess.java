package io.usertcp.testing.host;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A process started with {@link NetworkNamespace#start}. Its stdout and stderr go, merged, to a log
 * file, so it never blocks on output nobody reads. The namespace stops it on close.
 */
public final class BackgroundProcess {
    private final List<String> command;
    private final Process process;
    private final Path log;

    BackgroundProcess(List<String> command, Process process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    static BackgroundProcess start(List<String> command) {
        Path log = null;
        try {
            log = Files.createTempFile("usertcp-bg", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new BackgroundProcess(List.copyOf(command), process, log);
        } catch (IOException e) {
            deleteLog(log);
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits at most {@code timeout} for the process to exit; empty if it is still running. */
    public OptionalInt waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** Everything the process printed so far, stdout and stderr interleaved. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + this, e);
        }
    }

    /** SIGTERM, then SIGKILL after a grace period, for the process and its descendants; removes the log. */
    void stop() {
        HostCommand.terminate(process);
        deleteLog(log);
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + ": " + String.join(" ", command);
    }

    private static void deleteLog(Path log) {
        if (log != null) {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover log file is harmless
            }
        }
    }
}
