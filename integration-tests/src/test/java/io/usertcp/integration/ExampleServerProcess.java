package io.usertcp.integration;

import io.usertcp.testing.host.BackgroundProcess;
import io.usertcp.testing.host.NetworkNamespace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * example-http started as its own JVM inside a test namespace, so its sockets (kernel TCP) or its TAP
 * (usertcp) live there and no traffic leaves the namespaces the test made. The namespace stops the
 * process when it closes.
 */
final class ExampleServerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final BackgroundProcess process;

    private ExampleServerProcess(BackgroundProcess process) {
        this.process = process;
    }

    /**
     * Starts the server with the test's own class path and waits until it prints that it listens;
     * {@code moreArguments} follow the standard ones (e.g. usertcp's {@code --device}).
     */
    static ExampleServerProcess start(NetworkNamespace namespace, String transport, String address, int port,
                                      String... moreArguments) {
        return start(namespace, List.of(), transport, address, port, moreArguments);
    }

    /** As {@link #start(NetworkNamespace, String, String, int, String...)}, with JVM options such as -D flags. */
    static ExampleServerProcess start(NetworkNamespace namespace, List<String> jvmOptions, String transport,
                                      String address, int port, String... moreArguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "io.usertcp.example.http.HttpExampleServer",
                "--transport", transport, "--address", address, "--port", Integer.toString(port),
                "--threads", "2"));
        command.addAll(List.of(moreArguments));
        BackgroundProcess process = namespace.start(command.toArray(String[]::new));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!process.output().contains("example-http listening on")) {
            if (!process.isAlive()) {
                throw new IllegalStateException("example-http exited before listening:\n" + process.output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("example-http did not listen within " + START_TIMEOUT
                        + ":\n" + process.output());
            }
            sleepBriefly();
        }
        return new ExampleServerProcess(process);
    }

    String output() {
        return process.output();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for example-http", e);
        }
    }
}
