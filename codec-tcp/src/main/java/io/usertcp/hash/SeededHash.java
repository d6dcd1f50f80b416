package io.usertcp.hash;

import java.security.SecureRandom;

/**
 * The bucket hash of tables whose keys a peer chooses (the TCP 4-tuple, an IPv4 fragment's key).
 * MurmurHash3's 64-bit finaliser, a bijection with full avalanche, is applied to the seeded first part of the
 * key and again to that result mixed with the seeded second part. The seeds are random for each table, so
 * which keys share a bucket depends on values the peer never sees, and it cannot aim many keys at one probe
 * run to turn every lookup into a scan (hash flooding). Not a cryptographic function: SipHash would be, at
 * several times the cost per packet; Linux makes the same trade with its secret-keyed jhash.
 */
public final class SeededHash {
    private static final SecureRandom SEEDS = new SecureRandom();

    private final long seed0;
    private final long seed1;

    /** A hash with two seeds drawn from {@link SecureRandom}. */
    public SeededHash() {
        this(SEEDS.nextLong(), SEEDS.nextLong());
    }

    public SeededHash(long seed0, long seed1) {
        this.seed0 = seed0;
        this.seed1 = seed1;
    }

    /** The hash of a key given as 64 and 32 bits. */
    public long hash(long first, int second) {
        long h = mix(first ^ seed0);
        return mix(h ^ (second & 0xFFFF_FFFFL) ^ seed1);
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
