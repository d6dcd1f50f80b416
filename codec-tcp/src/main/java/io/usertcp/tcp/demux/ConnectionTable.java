package io.usertcp.tcp.demux;

import io.usertcp.hash.SeededHash;

import java.util.ConcurrentModificationException;
import java.util.Objects;

/**
 * The demultiplexing table of one event loop: maps a connection's 4-tuple (local address and port, remote
 * address and port) to its connection object, the one lookup each received segment costs. Addresses are
 * IPv4 addresses as {@code int}s, first octet most significant; ports are the 16-bit values of the wire
 * (higher bits are ignored).
 *
 * <p><b>Layout.</b> Open addressing with linear probing over three parallel arrays: the addresses packed in
 * a {@code long}, the ports packed in an {@code int}, and the values, where null marks an empty bucket. No
 * entry objects, no boxing: {@link #get} and {@link #remove} allocate nothing, and {@link #add} allocates
 * only when it doubles the arrays. Removal shifts later members of the probe run back into the hole
 * (backward-shift deletion) instead of leaving tombstones, so churn never lengthens probe runs.
 *
 * <p><b>Load.</b> The arrays double whenever an add would take the load past one half, keeping expected
 * probes near 1.5 for a hit and 2.5 for a miss (Knuth's linear probing analysis). Each bucket costs 16
 * bytes (with compressed references), so between 32 and 64 bytes per entry. The arrays never shrink.
 *
 * <p><b>Hash flooding.</b> The remote address and port are the peer's choice. With a fixed hash an
 * attacker could pick tuples that all land in one probe run and make each lookup a scan of the table. The
 * bucket here comes from a {@link SeededHash} with seeds of this table's own, so which tuples share a
 * bucket depends on values the peer never sees.
 *
 * <p>Owned by one thread: no synchronization. {@code maxEntries} caps the table; {@link #add} reports
 * {@link InsertOutcome#FULL} rather than grow past it.
 *
 * @param <V> the connection type
 */
public final class ConnectionTable<V> {
    /** Largest {@code maxEntries}: at a load of at most one half the bucket array stays within 2^30. */
    public static final int MAX_ENTRIES = 1 << 29;
    private static final int MIN_BUCKETS = 16;

    private final int maxEntries;
    private final SeededHash hash = new SeededHash();

    private long[] addresses;
    private int[] ports;
    private V[] values;
    private int mask;
    private int size;
    private int modifications;

    /**
     * @param initialCapacity entries the table holds before it first grows
     * @param maxEntries      most entries it ever holds, 1 to {@link #MAX_ENTRIES}
     */
    public ConnectionTable(int initialCapacity, int maxEntries) {
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("maxEntries must be 1.." + MAX_ENTRIES + ", got " + maxEntries);
        }
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must not be negative, got " + initialCapacity);
        }
        this.maxEntries = maxEntries;
        allocate(bucketsFor(Math.min(initialCapacity, maxEntries)));
    }

    private static int bucketsFor(int entries) {
        return Math.max(MIN_BUCKETS, Integer.highestOneBit(Math.max(1, entries) * 2 - 1) << 1);
    }

    @SuppressWarnings("unchecked")
    private void allocate(int buckets) {
        addresses = new long[buckets];
        ports = new int[buckets];
        values = (V[]) new Object[buckets];
        mask = buckets - 1;
    }

    /** The connection with this 4-tuple, or null. Allocates nothing. */
    public V get(int localAddress, int localPort, int remoteAddress, int remotePort) {
        long packedAddresses = packAddresses(localAddress, remoteAddress);
        int packedPorts = packPorts(localPort, remotePort);
        for (int bucket = home(packedAddresses, packedPorts); ; bucket = (bucket + 1) & mask) {
            V value = values[bucket];
            if (value == null || (addresses[bucket] == packedAddresses && ports[bucket] == packedPorts)) {
                return value;
            }
        }
    }

    /**
     * Adds a connection under its 4-tuple unless the tuple is already present or the table is full.
     *
     * @return {@link InsertOutcome#ADDED}, or why nothing changed
     */
    public InsertOutcome add(int localAddress, int localPort, int remoteAddress, int remotePort, V connection) {
        Objects.requireNonNull(connection, "connection");
        long packedAddresses = packAddresses(localAddress, remoteAddress);
        int packedPorts = packPorts(localPort, remotePort);
        int bucket = home(packedAddresses, packedPorts);
        for (; values[bucket] != null; bucket = (bucket + 1) & mask) {
            if (addresses[bucket] == packedAddresses && ports[bucket] == packedPorts) {
                return InsertOutcome.ALREADY_PRESENT;
            }
        }
        if (size == maxEntries) {
            return InsertOutcome.FULL;
        }
        if ((size + 1) * 2 > values.length) {
            grow();
            bucket = freeBucket(packedAddresses, packedPorts);
        }
        addresses[bucket] = packedAddresses;
        ports[bucket] = packedPorts;
        values[bucket] = connection;
        size++;
        modifications++;
        return InsertOutcome.ADDED;
    }

    /** Removes the connection with this 4-tuple and returns it, or null if there was none. Allocates nothing. */
    public V remove(int localAddress, int localPort, int remoteAddress, int remotePort) {
        long packedAddresses = packAddresses(localAddress, remoteAddress);
        int packedPorts = packPorts(localPort, remotePort);
        int hole = home(packedAddresses, packedPorts);
        while (values[hole] != null && (addresses[hole] != packedAddresses || ports[hole] != packedPorts)) {
            hole = (hole + 1) & mask;
        }
        V removed = values[hole];
        if (removed == null) {
            return null;
        }
        // Close the gap: a later member of the run moves into the hole when the hole lies on its probe path,
        // that is, no nearer to the member than the member's home bucket is.
        for (int bucket = (hole + 1) & mask; values[bucket] != null; bucket = (bucket + 1) & mask) {
            int memberHome = home(addresses[bucket], ports[bucket]);
            if (((bucket - memberHome) & mask) >= ((bucket - hole) & mask)) {
                addresses[hole] = addresses[bucket];
                ports[hole] = ports[bucket];
                values[hole] = values[bucket];
                hole = bucket;
            }
        }
        values[hole] = null;
        size--;
        modifications++;
        return removed;
    }

    public int size() {
        return size;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Hands every entry to {@code visitor}, in no particular order; for listing connections, not for the
     * per-packet path. The visitor must not add or remove entries: collect first, then change the table.
     *
     * @throws ConcurrentModificationException if the visitor changed the table
     */
    public void forEach(ConnectionVisitor<? super V> visitor) {
        int expectedModifications = modifications;
        for (int bucket = 0; bucket < values.length; bucket++) {
            V value = values[bucket];
            if (value != null) {
                long packedAddresses = addresses[bucket];
                int packedPorts = ports[bucket];
                visitor.visit((int) (packedAddresses >>> 32), packedPorts >>> 16, (int) packedAddresses,
                        packedPorts & 0xFFFF, value);
                if (modifications != expectedModifications) {
                    throw new ConcurrentModificationException("the visitor added or removed connections");
                }
            }
        }
    }

    private void grow() {
        long[] oldAddresses = addresses;
        int[] oldPorts = ports;
        V[] oldValues = values;
        allocate(oldValues.length * 2);
        for (int bucket = 0; bucket < oldValues.length; bucket++) {
            if (oldValues[bucket] != null) {
                int target = freeBucket(oldAddresses[bucket], oldPorts[bucket]);
                addresses[target] = oldAddresses[bucket];
                ports[target] = oldPorts[bucket];
                values[target] = oldValues[bucket];
            }
        }
    }

    private int freeBucket(long packedAddresses, int packedPorts) {
        int bucket = home(packedAddresses, packedPorts);
        while (values[bucket] != null) {
            bucket = (bucket + 1) & mask;
        }
        return bucket;
    }

    /** The bucket where this tuple's probe run starts; for tests that need colliding tuples. */
    int homeBucket(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return home(packAddresses(localAddress, remoteAddress), packPorts(localPort, remotePort));
    }

    int bucketCount() {
        return values.length;
    }

    private static long packAddresses(int localAddress, int remoteAddress) {
        return (long) localAddress << 32 | (remoteAddress & 0xFFFF_FFFFL);
    }

    private static int packPorts(int localPort, int remotePort) {
        return (localPort & 0xFFFF) << 16 | (remotePort & 0xFFFF);
    }

    private int home(long packedAddresses, int packedPorts) {
        return (int) hash.hash(packedAddresses, packedPorts) & mask;
    }
}
