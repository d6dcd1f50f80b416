package io.usertcp.neighbour;

import java.util.concurrent.TimeUnit;

/**
 * Limits and timers of a {@link NeighbourTable}. Start from {@link #DEFAULT} and change what differs:
 * {@code NeighbourTableConfig.DEFAULT.withCapacity(256)}.
 *
 * @param capacity             most entries the table holds, incomplete ones included
 * @param queuedFramesPerEntry most frames waiting for one address to resolve
 * @param queuedFramesTotal    most frames waiting over the whole table
 * @param reachableTimeNanos   how long a confirmed address is used without asking again
 * @param staleTimeNanos       how long an unconfirmed, unused entry is kept before it is removed
 * @param maxRequests          ARP requests sent for one resolution or one reconfirmation before giving up
 * @param retryIntervalNanos   time between those requests, and after the last one before giving up
 */
public record NeighbourTableConfig(int capacity, int queuedFramesPerEntry, int queuedFramesTotal,
                                   long reachableTimeNanos, long staleTimeNanos, int maxRequests,
                                   long retryIntervalNanos) {
    /** Upper bound on {@link #capacity}, keeping the address index's array size within an int. */
    public static final int MAX_CAPACITY = 1 << 24;

    /**
     * Linux's defaults: base_reachable_time 30 s, gc_stale_time 60 s, mcast_solicit 3 requests with
     * retrans_time 1 s, and a short per-address queue in the spirit of unres_qlen.
     */
    public static final NeighbourTableConfig DEFAULT = new NeighbourTableConfig(1024, 3, 256,
            TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(60), 3, TimeUnit.SECONDS.toNanos(1));

    public NeighbourTableConfig {
        requireRange("capacity", capacity, 1, MAX_CAPACITY);
        requireRange("queuedFramesPerEntry", queuedFramesPerEntry, 1, Integer.MAX_VALUE);
        requireRange("queuedFramesTotal", queuedFramesTotal, 1, Integer.MAX_VALUE);
        requireRange("maxRequests", maxRequests, 1, Integer.MAX_VALUE);
        requirePositive("reachableTimeNanos", reachableTimeNanos);
        requirePositive("staleTimeNanos", staleTimeNanos);
        requirePositive("retryIntervalNanos", retryIntervalNanos);
    }

    public NeighbourTableConfig withCapacity(int capacity) {
        return new NeighbourTableConfig(capacity, queuedFramesPerEntry, queuedFramesTotal, reachableTimeNanos,
                staleTimeNanos, maxRequests, retryIntervalNanos);
    }

    public NeighbourTableConfig withQueuedFrames(int perEntry, int total) {
        return new NeighbourTableConfig(capacity, perEntry, total, reachableTimeNanos, staleTimeNanos,
                maxRequests, retryIntervalNanos);
    }

    public NeighbourTableConfig withReachableTime(long time, TimeUnit unit) {
        return new NeighbourTableConfig(capacity, queuedFramesPerEntry, queuedFramesTotal, unit.toNanos(time),
                staleTimeNanos, maxRequests, retryIntervalNanos);
    }

    public NeighbourTableConfig withStaleTime(long time, TimeUnit unit) {
        return new NeighbourTableConfig(capacity, queuedFramesPerEntry, queuedFramesTotal, reachableTimeNanos,
                unit.toNanos(time), maxRequests, retryIntervalNanos);
    }

    public NeighbourTableConfig withRequests(int maxRequests, long retryInterval, TimeUnit unit) {
        return new NeighbourTableConfig(capacity, queuedFramesPerEntry, queuedFramesTotal, reachableTimeNanos,
                staleTimeNanos, maxRequests, unit.toNanos(retryInterval));
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
        }
    }

    private static void requirePositive(String name, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + nanos);
        }
    }
}
