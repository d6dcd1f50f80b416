package io.usertcp.testing.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace owned by one test: created with loopback up, removed on {@link #close()} together
 * with the processes started in it. A JVM shutdown hook removes it too if the test run dies first, and
 * {@link #create} removes namespaces left behind by test JVMs that were killed outright.
 *
 * <p>Names are {@code utcp-<purpose>-<pid>-<counter>}, so concurrent test JVMs never collide.
 * Needs root; call {@link HostRequirements#assumeNetworkAdmin()} first.
 */
public final class NetworkNamespace implements AutoCloseable {
    static final String PREFIX = "utcp-";
    private static final int MAX_PURPOSE_LENGTH = 24;
    private static final Pattern OWN_NAME = Pattern.compile(Pattern.quote(PREFIX) + "[a-z0-9-]+-(\\d+)-\\d+");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final AtomicBoolean ORPHANS_SWEPT = new AtomicBoolean();

    private final String name;
    private final List<BackgroundProcess> started = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private NetworkNamespace(String name) {
        this.name = name;
        this.shutdownHook = new Thread(this::destroy, "remove netns " + name);
    }

    /** Creates a namespace named after {@code purpose} (letters and digits are kept) with lo up. */
    public static NetworkNamespace create(String purpose) {
        if (ORPHANS_SWEPT.compareAndSet(false, true)) {
            removeOrphans();
        }
        String name = nameFor(purpose, ProcessHandle.current().pid(), COUNTER.incrementAndGet());
        HostCommand.runOrThrow("ip", "netns", "add", name);
        NetworkNamespace namespace = new NetworkNamespace(name);
        Runtime.getRuntime().addShutdownHook(namespace.shutdownHook);
        try {
            namespace.execOrThrow("ip", "link", "set", "dev", "lo", "up");
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    static String nameFor(String purpose, long pid, int counter) {
        String kept = purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (kept.length() > MAX_PURPOSE_LENGTH) {
            kept = kept.substring(0, MAX_PURPOSE_LENGTH).replaceAll("-$", "");
        }
        return PREFIX + (kept.isEmpty() ? "test" : kept) + "-" + pid + "-" + counter;
    }

    /** The pid in a name made by {@link #nameFor}, or -1 for a name this class did not make. */
    static long ownerPid(String namespaceName) {
        Matcher matcher = OWN_NAME.matcher(namespaceName);
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    public String name() {
        return name;
    }

    /** Runs {@code command} inside the namespace, waiting at most {@link HostCommand#DEFAULT_TIMEOUT}. */
    public CommandResult exec(String... command) {
        return exec(HostCommand.DEFAULT_TIMEOUT, command);
    }

    /** Runs {@code command} inside the namespace; if still running after {@code timeout} it is killed and this throws. */
    public CommandResult exec(Duration timeout, String... command) {
        return HostCommand.run(timeout, inside(command));
    }

    /** Like {@link #exec(String...)} but throws, with the command's output, unless it exits with 0. */
    public CommandResult execOrThrow(String... command) {
        return HostCommand.requireSuccess(exec(command));
    }

    /** Starts {@code command} inside the namespace in the background; {@link #close()} stops it. */
    public BackgroundProcess start(String... command) {
        BackgroundProcess process = BackgroundProcess.start(inside(command));
        started.add(process);
        return process;
    }

    /** Moves network device {@code device} from the host's namespace into this one. */
    public void adoptLink(String device) {
        HostCommand.runOrThrow("ip", "link", "set", "dev", device, "netns", name);
    }

    /** Stops the processes started here, then deletes the namespace. Idempotent. */
    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run; destroy() is idempotent
        }
    }

    @Override
    public String toString() {
        return "netns " + name;
    }

    private void destroy() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // A namespace lives on while a process is inside it, so stop those before deleting the name.
        for (BackgroundProcess process : started) {
            process.stop();
        }
        HostCommand.runOrThrow("ip", "netns", "delete", name);
    }

    private List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** Deletes namespaces this class made in JVMs that no longer run (killed before their hooks ran). */
    private static void removeOrphans() {
        for (String line : HostCommand.runOrThrow("ip", "netns", "list").stdout().split("\n")) {
            String namespace = line.strip().split("\\s+")[0];
            long pid = ownerPid(namespace);
            if (pid > 0 && ProcessHandle.of(pid).isEmpty()) {
                HostCommand.run("ip", "netns", "delete", namespace);
            }
        }
    }
}
