package io.usertcp.neighbour;

import java.util.Arrays;

/**
 * Maps an IPv4 address to the slot of its entry: open addressing with linear probing in arrays sized once
 * to at least twice the table's capacity, so the load stays at or below one half and nothing is boxed or
 * allocated per lookup. Removal shifts later members of the probe run back instead of leaving tombstones,
 * so runs never grow from churn. A per-table random seed is mixed into the hash so a peer choosing sender
 * addresses cannot aim them all at one probe run. Owned by one thread.
 */
final class AddressIndex {
    static final int ABSENT = -1;

    private final int[] addresses;
    private final int[] slots;
    private final int mask;
    private final int seed;

    AddressIndex(int capacity, int seed) {
        int buckets = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        addresses = new int[buckets];
        slots = new int[buckets];
        Arrays.fill(slots, ABSENT);
        mask = buckets - 1;
        this.seed = seed;
    }

    int get(int address) {
        for (int bucket = home(address); ; bucket = (bucket + 1) & mask) {
            int slot = slots[bucket];
            if (slot == ABSENT || addresses[bucket] == address) {
                return slot;
            }
        }
    }

    /** Adds an address that is not present; the caller keeps the count within the capacity. */
    void put(int address, int slot) {
        int bucket = home(address);
        while (slots[bucket] != ABSENT) {
            bucket = (bucket + 1) & mask;
        }
        addresses[bucket] = address;
        slots[bucket] = slot;
    }

    void remove(int address) {
        int hole = home(address);
        while (slots[hole] != ABSENT && addresses[hole] != address) {
            hole = (hole + 1) & mask;
        }
        if (slots[hole] == ABSENT) {
            return;
        }
        // Close the gap: a later member of the run moves into the hole when the hole lies on its probe path,
        // that is, it is at least as far from the member's home bucket as the member itself is.
        for (int bucket = (hole + 1) & mask; slots[bucket] != ABSENT; bucket = (bucket + 1) & mask) {
            int memberHome = home(addresses[bucket]);
            if (((bucket - memberHome) & mask) >= ((bucket - hole) & mask)) {
                addresses[hole] = addresses[bucket];
                slots[hole] = slots[bucket];
                hole = bucket;
            }
        }
        slots[hole] = ABSENT;
    }

    private int home(int address) {
        // MurmurHash3's 32-bit finaliser: every input bit affects every output bit.
        int h = address ^ seed;
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        h ^= h >>> 16;
        return h & mask;
    }
}
