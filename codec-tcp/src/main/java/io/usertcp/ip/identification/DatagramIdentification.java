package io.usertcp.ip.identification;

import io.usertcp.tcp.isn.SipHash24;

import java.security.SecureRandom;

/**
 * IPv4 Identification values that tell a receiver nothing about the datagrams sent to anyone else: RFC 7739
 * 5.3's hash-based generator (RFC 6864 4.1 lets the value be anything unique per source, destination and
 * protocol). Each datagram takes the next value of one of {@value #BUCKETS} counters, chosen and offset by a
 * keyed hash of source, destination and protocol. One global counter, as the stack had before, lets any peer
 * count what the stack sends to others, which is what makes a host a zombie for nmap's idle scan.
 *
 * <p>Owned by one event loop; allocates nothing per datagram.
 */
public final class DatagramIdentification {
    private static final int BUCKETS = 4096;

    private final SipHash24 hash;
    private final short[] counters = new short[BUCKETS];

    /** A generator under {@code hash}'s key; give it a key of its own. */
    public DatagramIdentification(SipHash24 hash) {
        this.hash = hash;
    }

    /** A generator with a fresh key from {@link SecureRandom}. */
    public static DatagramIdentification withRandomKey() {
        return new DatagramIdentification(SipHash24.withRandomKey(new SecureRandom()));
    }

    /** The Identification, 0 to 65535, for the next datagram from {@code source} to {@code destination}. */
    public int next(int source, int destination, int protocol) {
        long keyed = hash.hash(((long) source << 32) | (destination & 0xFFFF_FFFFL), protocol);
        int bucket = (int) keyed & (BUCKETS - 1);
        int offset = (int) (keyed >>> 48);
        return (offset + counters[bucket]++) & 0xFFFF;
    }
}
