package io.usertcp.tcp.congestion;

/**
 * Makes the {@link CongestionControl} of each new connection for one algorithm. Stateless and shared by every
 * event loop of a stack; register it in {@link CongestionControlAlgorithms} to make it selectable by name.
 */
public interface CongestionControlFactory {

    /** The algorithm's name, unique in a registry; the instances report the same name. */
    String name();

    /**
     * A new instance for a connection whose send MSS (SMSS) is {@code mss}, with the RFC 6928 initial window
     * and ssthresh at {@link Integer#MAX_VALUE}.
     *
     * @throws IllegalArgumentException if {@code mss} is outside 1..65535
     */
    CongestionControl newInstance(int mss);
}
