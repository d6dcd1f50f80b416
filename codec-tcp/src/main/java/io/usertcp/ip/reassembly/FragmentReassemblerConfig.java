package io.usertcp.ip.reassembly;

import java.util.concurrent.TimeUnit;

/**
 * Limits of a {@link FragmentReassembler}. Start from {@link #DEFAULT} and change what differs:
 * {@code FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(1 << 20)}.
 *
 * @param maxMemoryBytes          most bytes held across all datagrams in progress, each fragment charged the
 *                                capacity of the buffer it lies in, since holding a slice keeps that whole
 *                                buffer alive
 * @param maxDatagrams            most datagrams tracked at once, in progress or remembered as discarded
 * @param maxFragmentsPerDatagram most fragments one datagram may be made of
 * @param timeoutNanos            how long after its first fragment a datagram may take to complete
 */
public record FragmentReassemblerConfig(long maxMemoryBytes, int maxDatagrams, int maxFragmentsPerDatagram,
                                        long timeoutNanos) {
    /** Upper bound on {@link #maxDatagrams}, keeping the datagram index's array size within an int. */
    public static final int MAX_DATAGRAMS = 1 << 24;
    /** No datagram can need more: 65,535 bytes in fragments of at least 8 bytes each (RFC 791 3.2). */
    public static final int MAX_FRAGMENTS_PER_DATAGRAM = 8192;

    /**
     * Linux's limits: 4 MiB held (net.ipv4.ipfrag_high_thresh) and 30 s to complete (ipfrag_time), where
     * RFC 1122 3.3.2 suggests 60 to 120 s; the shorter time frees memory held by incomplete floods sooner
     * and is what peers on Linux networks already live with. 64 fragments carry a 64 KiB datagram over any
     * link with an MTU of at least 1,044 bytes.
     */
    public static final FragmentReassemblerConfig DEFAULT = new FragmentReassemblerConfig(4L << 20, 1024, 64,
            TimeUnit.SECONDS.toNanos(30));

    public FragmentReassemblerConfig {
        if (maxMemoryBytes < 1) {
            throw new IllegalArgumentException("maxMemoryBytes must be positive, got " + maxMemoryBytes);
        }
        requireRange("maxDatagrams", maxDatagrams, 1, MAX_DATAGRAMS);
        requireRange("maxFragmentsPerDatagram", maxFragmentsPerDatagram, 1, MAX_FRAGMENTS_PER_DATAGRAM);
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos must be positive, got " + timeoutNanos);
        }
    }

    public FragmentReassemblerConfig withMaxMemoryBytes(long maxMemoryBytes) {
        return new FragmentReassemblerConfig(maxMemoryBytes, maxDatagrams, maxFragmentsPerDatagram, timeoutNanos);
    }

    public FragmentReassemblerConfig withMaxDatagrams(int maxDatagrams) {
        return new FragmentReassemblerConfig(maxMemoryBytes, maxDatagrams, maxFragmentsPerDatagram, timeoutNanos);
    }

    public FragmentReassemblerConfig withMaxFragmentsPerDatagram(int maxFragmentsPerDatagram) {
        return new FragmentReassemblerConfig(maxMemoryBytes, maxDatagrams, maxFragmentsPerDatagram, timeoutNanos);
    }

    public FragmentReassemblerConfig withTimeout(long timeout, TimeUnit unit) {
        return new FragmentReassemblerConfig(maxMemoryBytes, maxDatagrams, maxFragmentsPerDatagram,
                unit.toNanos(timeout));
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
        }
    }
}
