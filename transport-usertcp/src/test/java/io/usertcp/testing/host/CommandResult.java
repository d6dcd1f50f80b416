package io.usertcp.testing.host;

import java.util.List;

/** A finished command: its exit code and everything it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The command, exit code and both streams, for failure messages. */
    public String describe() {
        return String.join(" ", command) + " exited with " + exitCode
                + (stdout.isBlank() ? "" : "\nstdout: " + stdout.strip())
                + (stderr.isBlank() ? "" : "\nstderr: " + stderr.strip());
    }
}
