package io.usertcp.tcp.isn;

import io.netty.util.concurrent.Ticker;

import java.security.SecureRandom;

/**
 * Initial sequence numbers as RFC 6528 section 3 (and RFC 9293 3.4.1, SHLD-1) defines them:
 * {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)}.
 * <ul>
 *   <li>M is a timer ticking every 4 microseconds, 250,000 times a second, read from the {@link Ticker}. It
 *   makes successive incarnations of one 4-tuple start further along the sequence space, so old duplicates
 *   of an earlier incarnation fall outside the new one's window (RFC 9293 3.4.1, MUST-8).</li>
 *   <li>F is the low 32 bits of {@link SipHash24} over the 4-tuple, under a 128-bit secret key (RFC 6528
 *   section 3 finds 128 bits adequate). An observer of our ISNs for other 4-tuples learns nothing about
 *   this one's (MUST-9). The key is drawn from {@link SecureRandom} unless given; it is never changed,
 *   since a new key would move every 4-tuple's sequence space at random and undo what M guarantees.</li>
 * </ul>
 *
 * <p>Immutable and allocation-free per call, so one generator can serve every event loop of a stack, which
 * keeps the same 4-tuple on the same sequence-space track whichever loop opens it. Its key is used for
 * nothing else: SYN cookies take their own {@link SipHash24}.
 */
public final class InitialSequenceNumberGenerator {
    /** RFC 6528 section 3: M is the 4 microsecond timer. */
    public static final long NANOS_PER_TICK = 4_000;

    private final Ticker ticker;
    private final SipHash24 keyedHash;

    /** A generator with a fresh secret key from {@link SecureRandom}. */
    public InitialSequenceNumberGenerator(Ticker ticker) {
        this(ticker, SipHash24.withRandomKey(new SecureRandom()));
    }

    /** A generator under a given keyed hash: tests, or a key shared deliberately. */
    public InitialSequenceNumberGenerator(Ticker ticker, SipHash24 keyedHash) {
        this.ticker = ticker;
        this.keyedHash = keyedHash;
    }

    /**
     * The ISN for a connection from {@code localAddress:localPort} to {@code remoteAddress:remotePort}
     * (IPv4 addresses as ints, ports in the low 16 bits), at the ticker's current time.
     */
    public int generate(int localAddress, int localPort, int remoteAddress, int remotePort) {
        // The 4-tuple as SipHash's two message words: both addresses, then both ports
        long addresses = (long) localAddress << 32 | (remoteAddress & 0xFFFF_FFFFL);
        long ports = (long) (localPort & 0xFFFF) << 16 | (remotePort & 0xFFFF);
        int f = (int) keyedHash.hash(addresses, ports);
        // floorDiv so the timer ticks evenly across a negative Ticker reading too; the cast wraps M mod 2^32
        int m = (int) Math.floorDiv(ticker.nanoTime(), NANOS_PER_TICK);
        return m + f;
    }
}
