package io.usertcp.testing.host;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command on the host and waits for it, never longer than a timeout. Output goes to temporary
 * files rather than pipes, so a chatty command cannot stall on a full pipe while nobody reads it.
 */
public final class HostCommand {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a terminated process gets to exit before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private HostCommand() {
    }

    public static CommandResult run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    /** Runs {@code command}; if it is still running after {@code timeout} it is killed and this throws. */
    public static CommandResult run(Duration timeout, List<String> command) {
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("usertcp-cmd", ".out");
            stderr = Files.createTempFile("usertcp-cmd", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                terminate(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
            }
            if (!exited) {
                terminate(process);
                throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms, killed: "
                        + String.join(" ", command) + "\nstdout: " + Files.readString(stdout, StandardCharsets.UTF_8)
                        + "\nstderr: " + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return new CommandResult(List.copyOf(command), process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Like {@link #run(String...)} but throws, with the command's output, unless it exits with 0. */
    public static CommandResult runOrThrow(String... command) {
        return requireSuccess(run(command));
    }

    static CommandResult requireSuccess(CommandResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException(result.describe());
        }
        return result;
    }

    /**
     * Stops a process this JVM started, and its descendants: SIGTERM first, SIGKILL for whatever is still
     * alive after {@link #GRACE}.
     */
    static void terminate(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            long remaining = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // still alive (or unwaitable): killed below
            }
        }
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless; the command's result matters more
            }
        }
    }
}
