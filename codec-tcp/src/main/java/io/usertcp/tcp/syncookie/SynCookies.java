package io.usertcp.tcp.syncookie;

import io.usertcp.tcp.isn.SipHash24;
import io.usertcp.tcp.rtt.TimestampRttSampler;

import java.util.concurrent.TimeUnit;

/**
 * SYN cookies (RFC 4987 3.6): the initial sequence number of a SYN-ACK sent without keeping any state, from
 * which the final ACK of the handshake rebuilds the connection. The 32 bits, as RFC 4987 3.6 lays them out:
 * <pre>
 *   31..27  t mod 32, t a counter of {@value #COUNTER_SECONDS} s ticks of the engine clock
 *   26..24  index into {@link #MSS_TABLE}: the largest entry not above the MSS the peer announced (536 when it
 *           announced less, or none: RFC 9293 3.7.1's default)
 *   23..0   MAC: 24 bits of SipHash-2-4 over the 4-tuple, the peer's ISN, the whole of t and the MSS index
 * </pre>
 * A cookie is valid for {@value #MAX_AGE} ticks after the one it was made in (128 to 192 s), as Linux's
 * MAX_SYNCOOKIE_AGE. Its MAC has its own random key, never the ISN generator's.
 *
 * <p>When the SYN carried timestamps, the low {@value #OPTION_BITS} bits of our TSval carry what the ISN has no
 * room for, and the peer echoes them in the TSecr of its ACK (as Linux does): the peer's window scale (4 bits,
 * 15 for none) and SACK-permitted (1 bit). The TSval is the connection's own timestamp clock rounded down to
 * hold those bits, so the clock never steps back when the connection goes on from it. Without timestamps only
 * the MSS survives: such a connection has no window scaling and no SACK, and its SYN-ACK offers neither.
 *
 * <p>The MSS table, 8 entries: 536 (RFC 9293 default), 1200 (a cautious clamp), 1300 and 1380 (IPsec and
 * WireGuard tunnels), 1440, 1452 (PPPoE), 1460 (Ethernet) and 8960 (9000-byte jumbo frames).
 *
 * <p>Immutable and allocation-free, so one instance may serve an engine's every listener.
 */
public final class SynCookies {
    /** RFC 4987 3.6: the counter's ticks; 64 s as Linux. */
    public static final long COUNTER_SECONDS = 64;
    /** Ticks a cookie outlives the one it was made in. */
    public static final int MAX_AGE = 2;
    /** The MSS values a cookie can carry, smallest first. */
    private static final int[] MSS_TABLE = {536, 1200, 1300, 1380, 1440, 1452, 1460, 8960};
    private static final long COUNTER_NANOS = TimeUnit.SECONDS.toNanos(COUNTER_SECONDS);
    private static final int COUNTER_SHIFT = 27;
    private static final int COUNTER_MASK = 0x1F;
    private static final int MSS_SHIFT = 24;
    private static final int MSS_MASK = 0x7;
    private static final int MAC_MASK = 0xFF_FFFF;
    /** Low TSval bits that carry options: bits 3..0 the window scale, bit 4 SACK-permitted. */
    public static final int OPTION_BITS = 5;
    private static final int OPTION_MASK = (1 << OPTION_BITS) - 1;
    private static final int NO_WINDOW_SCALE = 0xF;
    private static final int SACK_BIT = 0x10;

    private final SipHash24 mac;

    /** Cookies under {@code mac}, whose key must serve nothing else. */
    public SynCookies(SipHash24 mac) {
        this.mac = mac;
    }

    /** The counter for the engine time {@code nowNanos}. */
    public static long counter(long nowNanos) {
        return Math.floorDiv(nowNanos, COUNTER_NANOS);
    }

    /** Whether a cookie made at {@code sentNanos} may still come back at {@code nowNanos}. */
    public static boolean mayStillBeValid(long sentNanos, long nowNanos) {
        return counter(nowNanos) - counter(sentNanos) <= MAX_AGE;
    }

    /** The MSS table index for a peer that announced {@code peerMss} (-1 for none); entry 0, 536, at least. */
    public static int mssIndex(int peerMss) {
        int index = MSS_TABLE.length - 1;
        while (index > 0 && MSS_TABLE[index] > peerMss) {
            index--;
        }
        return index;
    }

    /** The MSS of table entry {@code index}. */
    public static int mss(int index) {
        return MSS_TABLE[index];
    }

    /**
     * The cookie ISN for a SYN from {@code remoteAddress:remotePort} with sequence number {@code peerIsn} to
     * {@code localAddress:localPort}, made at {@code nowNanos}, carrying MSS table entry {@code mssIndex}.
     */
    public int encode(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn,
                      long nowNanos, int mssIndex) {
        long counter = counter(nowNanos);
        return (int) (counter & COUNTER_MASK) << COUNTER_SHIFT | mssIndex << MSS_SHIFT
                | mac(localAddress, localPort, remoteAddress, remotePort, peerIsn, counter, mssIndex);
    }

    /**
     * Checks the cookie ISN {@code cookie} (the final ACK's SEG.ACK - 1) for a handshake whose peer ISN was
     * {@code peerIsn} (SEG.SEQ - 1). Returns the MSS table index it carries, or -1 when it is no cookie of ours
     * made within the last {@value #MAX_AGE} ticks.
     */
    public int validate(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn,
                        int cookie, long nowNanos) {
        long now = counter(nowNanos);
        // The youngest counter with the cookie's low bits, not after now
        long counter = now - ((now - (cookie >>> COUNTER_SHIFT)) & COUNTER_MASK);
        if (now - counter > MAX_AGE) {
            return -1;
        }
        int mssIndex = cookie >>> MSS_SHIFT & MSS_MASK;
        int expected = mac(localAddress, localPort, remoteAddress, remotePort, peerIsn, counter, mssIndex);
        return (cookie & MAC_MASK) == expected ? mssIndex : -1;
    }

    private int mac(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn, long counter,
                    int mssIndex) {
        return (int) mac.hash(tupleHash(localAddress, localPort, remoteAddress, remotePort, peerIsn),
                counter << 3 | mssIndex) & MAC_MASK;
    }

    /** The first SipHash stage: the 4-tuple and the peer's ISN as two message words. */
    private long tupleHash(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn) {
        long addresses = (long) localAddress << 32 | (remoteAddress & 0xFFFF_FFFFL);
        long portsAndIsn = (long) (localPort & 0xFFFF) << 48 | (long) (remotePort & 0xFFFF) << 32
                | (peerIsn & 0xFFFF_FFFFL);
        return mac.hash(addresses, portsAndIsn);
    }

    /**
     * The offset of a cookie connection's timestamp clock (RFC 7323 security considerations: TSval does not
     * reveal the uptime): the other half of the first SipHash stage, so the SYN-ACK and the connection the ACK
     * rebuilds read the same clock without storing it.
     */
    public int timestampOffset(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn) {
        return (int) (tupleHash(localAddress, localPort, remoteAddress, remotePort, peerIsn) >>> 32);
    }

    /**
     * The TSval of a cookie SYN-ACK sent at {@code nowNanos} by a clock at {@code offset}: the clock's reading
     * (as {@link TimestampRttSampler} ticks by default) with its low bits replaced by the peer's window scale
     * ({@code peerWindowScale}, -1 for none) and SACK-permitted, one step back if that went past the reading.
     */
    public static int timestampValue(int offset, long nowNanos, int peerWindowScale, boolean sackPermitted) {
        int clock = (int) Math.floorDiv(nowNanos, TimestampRttSampler.DEFAULT_TICK_NANOS) + offset;
        int bits = (peerWindowScale < 0 ? NO_WINDOW_SCALE : peerWindowScale) | (sackPermitted ? SACK_BIT : 0);
        int value = clock & ~OPTION_MASK | bits;
        // Modular comparison: TSval wraps like a sequence number
        return value - clock > 0 ? value - (1 << OPTION_BITS) : value;
    }

    /** The peer's window scale a cookie TSval echoed in {@code tsEcr} carries; -1 for none. */
    public static int windowScale(int tsEcr) {
        int scale = tsEcr & NO_WINDOW_SCALE;
        return scale == NO_WINDOW_SCALE ? -1 : scale;
    }

    /** Whether the cookie TSval echoed in {@code tsEcr} carries SACK-permitted. */
    public static boolean sackPermitted(int tsEcr) {
        return (tsEcr & SACK_BIT) != 0;
    }

    @Override
    public String toString() {
        // Never the key
        return "SynCookies";
    }
}
