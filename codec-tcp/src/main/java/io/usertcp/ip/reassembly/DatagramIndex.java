package io.usertcp.ip.reassembly;

/**
 * Finds the {@link PendingDatagram} of a fragment by its RFC 791 key: open addressing with linear probing in
 * an array sized once to at least twice the reassembler's datagram cap, so the load stays at or below one
 * half, nothing is allocated per lookup, and removal shifts later members of a probe run back instead of
 * leaving tombstones.
 *
 * <p>Source address and identification are the sender's choice, so the bucket comes from a hash keyed with
 * two random 64-bit seeds: without them a sender cannot aim its fragments at one probe run and turn every
 * lookup into a scan (hash flooding). Owned by one thread.
 */
final class DatagramIndex {
    private final PendingDatagram[] buckets;
    private final int mask;
    private final long seed0;
    private final long seed1;

    DatagramIndex(int capacity, long seed0, long seed1) {
        int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        buckets = new PendingDatagram[size];
        mask = size - 1;
        this.seed0 = seed0;
        this.seed1 = seed1;
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
        // Each stage is a bijection of a seeded input, so which keys share a bucket depends on the seeds.
        long h = mix(addresses ^ seed0);
        h = mix(h ^ (protocolAndIdentification & 0xFFFF_FFFFL) ^ seed1);
        return (int) h & mask;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }
}
