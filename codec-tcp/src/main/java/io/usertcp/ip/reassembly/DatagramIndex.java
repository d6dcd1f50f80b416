package io.usertcp.ip.reassembly;

import io.usertcp.hash.SeededHash;

/**
 * Finds the {@link PendingDatagram} of a fragment by its RFC 791 key: open addressing with linear probing in
 * an array sized once to at least twice the reassembler's datagram cap, so the load stays at or below one
 * half, nothing is allocated per lookup, and removal shifts later members of a probe run back instead of
 * leaving tombstones.
 *
 * <p>Source address and identification are the sender's choice, so the bucket comes from a {@link SeededHash}:
 * without its secret seeds a sender cannot aim its fragments at one probe run and turn every
 * lookup into a scan (hash flooding). Owned by one thread.
 */
final class DatagramIndex {
    private final PendingDatagram[] buckets;
    private final int mask;
    private final SeededHash hash;

    DatagramIndex(int capacity, SeededHash hash) {
        int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        buckets = new PendingDatagram[size];
        mask = size - 1;
        this.hash = hash;
    }

    PendingDatagram get(long addresses, int protocolAndIdentification) {
        for (int bucket = home(addresses, protocolAndIdentification); ; bucket = (bucket + 1) & mask) {
            PendingDatagram datagram = buckets[bucket];
            if (datagram == null || datagram.matches(addresses, protocolAndIdentification)) {
                return datagram;
            }
        }
    }

    /** Adds a datagram whose key is not present; the caller keeps the count within the capacity. */
    void put(PendingDatagram datagram) {
        int bucket = home(datagram.addresses, datagram.protocolAndIdentification);
        while (buckets[bucket] != null) {
            bucket = (bucket + 1) & mask;
        }
        buckets[bucket] = datagram;
    }

    /** Removes this very datagram, which must be present. */
    void remove(PendingDatagram datagram) {
        int hole = home(datagram.addresses, datagram.protocolAndIdentification);
        while (buckets[hole] != datagram) {
            hole = (hole + 1) & mask;
        }
        // Close the gap: a later member of the run moves into the hole when the hole lies on its probe path,
        // that is, no nearer to the member than the member's home bucket is.
        for (int bucket = (hole + 1) & mask; buckets[bucket] != null; bucket = (bucket + 1) & mask) {
            PendingDatagram member = buckets[bucket];
            int memberHome = home(member.addresses, member.protocolAndIdentification);
            if (((bucket - memberHome) & mask) >= ((bucket - hole) & mask)) {
                buckets[hole] = member;
                hole = bucket;
            }
        }
        buckets[hole] = null;
    }

    private int home(long addresses, int protocolAndIdentification) {
        return (int) hash.hash(addresses, protocolAndIdentification) & mask;
    }
}
