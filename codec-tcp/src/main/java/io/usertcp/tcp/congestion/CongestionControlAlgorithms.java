package io.usertcp.tcp.congestion;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The congestion control algorithms a stack can choose from, by name, like Linux's
 * {@code tcp_available_congestion_control}, and the stack-wide default. A new registry holds the built-in
 * {@value CubicCongestionControl#NAME} (the default, as on Linux) and {@value NewRenoCongestionControl#NAME};
 * applications add their own with {@link #register}.
 *
 * <p>One registry belongs to a stack and is read by all its event loops when connections open, while the
 * application may register algorithms or change the default from any thread, so it is thread-safe. It is not
 * on the per-packet path: a connection looks its factory up once.
 */
public final class CongestionControlAlgorithms {
    private final Map<String, CongestionControlFactory> factories = new ConcurrentHashMap<>();
    private volatile CongestionControlFactory defaultFactory = CubicCongestionControl.FACTORY;

    public CongestionControlAlgorithms() {
        register(CubicCongestionControl.FACTORY);
        register(NewRenoCongestionControl.FACTORY);
    }

    /**
     * Makes {@code factory} available under its {@link CongestionControlFactory#name()}.
     *
     * @throws IllegalArgumentException if the name is empty or already registered
     */
    public void register(CongestionControlFactory factory) {
        String name = Objects.requireNonNull(factory, "factory").name();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("congestion control factory without a name: " + factory);
        }
        if (factories.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("congestion control '" + name + "' is already registered");
        }
    }

    /**
     * The factory registered under {@code name}.
     *
     * @throws IllegalArgumentException if no algorithm has that name; the message lists the names there are
     */
    public CongestionControlFactory get(String name) {
        CongestionControlFactory factory = factories.get(Objects.requireNonNull(name, "name"));
        if (factory == null) {
            throw new IllegalArgumentException("unknown congestion control '" + name + "', available: " + names());
        }
        return factory;
    }

    /** The registered names, sorted. */
    public Set<String> names() {
        return new TreeSet<>(factories.keySet());
    }

    /** The factory for connections that do not choose one. */
    public CongestionControlFactory defaultFactory() {
        return defaultFactory;
    }

    /**
     * Makes the algorithm registered under {@code name} the default for connections opened from now on.
     *
     * @throws IllegalArgumentException if no algorithm has that name
     */
    public void setDefault(String name) {
        defaultFactory = get(name);
    }
}
