package io.usertcp.tcp.rtt;

import java.util.concurrent.TimeUnit;

/**
 * The two thresholds of RFC 9293 3.8.3 (RFC 1122 4.2.3.5) for excessive retransmission of one segment:
 * at R1 the engine passes negative advice to the IP layer to trigger dead-gateway diagnosis (for this stack:
 * re-resolve the next hop's ARP entry) and should tell the application (SHLD-9); at R2 it closes the
 * connection. Both are MUST-20. Immutable; shared by the connections that use it, or one per connection,
 * since an application MUST be able to set R2 for a connection (MUST-21).
 *
 * <p>R1 is a count of retransmissions, as RFC 9293's "at least 3 retransmissions, at the current RTO"
 * (SHLD-10) reads. R2 is a time since the segment was first sent, as its "at least 100 seconds" (SHLD-11)
 * and "at least 3 minutes" for a SYN (MUST-23) read; a time also keeps the limit meaningful whatever the
 * RTO, which a count of exponentially growing timeouts does not. R2 is reached only once R1 is too, so R2 is
 * always "greater than R1" as 3.8.3 (c) requires, even with RTOs so long that R2's time passes first.
 *
 * <p>Defaults:
 * <ul>
 *   <li>R1 = 3 retransmissions: RFC 9293's minimum, and Linux's tcp_retries1.</li>
 *   <li>R2 = 15 minutes for data: Linux's tcp_retries2 = 15 works out at about 924.6 s with its RTO bounds,
 *   so applications see the familiar behaviour; RFC 9293 asks for at least 100 s.</li>
 *   <li>R2 = 3 minutes for a SYN or SYN-ACK, the least MUST-23 allows. Linux's tcp_syn_retries = 6 does not
 *   comply: with a 1 s initial RTO, 6 retransmissions at 1, 3, 7, 15, 31 and 63 s and a final 64 s wait
 *   give up after 127 s. Here, with the default {@link RttEstimatorConfig} (1 s initial RTO, 60 s cap),
 *   the SYN is retransmitted at 1, 3, 7, 15, 31, 63 and 123 s and given up at the 183 s timeout. An
 *   application that wants a shorter open attempt closes the connection itself (Netty's connect timeout),
 *   which MUST-23 explicitly allows; the stack's own limit cannot go below 3 minutes.</li>
 * </ul>
 *
 * <p>How the engine asks, when the retransmission timer of the oldest unacknowledged segment expires, with
 * {@code retransmissions} = how often that segment has been retransmitted so far and {@code elapsedNanos} =
 * the time since its first transmission: if {@link #shouldGiveUp} close the connection (ETIMEDOUT);
 * otherwise retransmit, count it, and if {@link #shouldAdviseNetworkLayer} with the new count, advise the
 * IP layer. Both counters restart when an ACK covers the segment. To give up exactly at R2 rather than at
 * the first expiry after it, the engine may arm the timer for the lesser of the RTO and the time left.
 */
public final class RetransmissionLimits {
    /** RFC 9293 3.8.3 MUST-23: a SYN is retransmitted for at least 3 minutes. */
    public static final long MIN_SYN_R2_NANOS = TimeUnit.MINUTES.toNanos(3);
    /** R2 that is never reached (MUST-21's example: an interactive application sets R2 to "infinity"). */
    public static final long NEVER = Long.MAX_VALUE;

    private static final RetransmissionLimits DEFAULTS =
            new RetransmissionLimits(3, TimeUnit.MINUTES.toNanos(15), MIN_SYN_R2_NANOS);

    private final int r1Retransmissions;
    private final long r2Nanos;
    private final long synR2Nanos;

    private RetransmissionLimits(int r1Retransmissions, long r2Nanos, long synR2Nanos) {
        if (r1Retransmissions < 1) {
            throw new IllegalArgumentException("R1 must be at least one retransmission: " + r1Retransmissions);
        }
        if (r2Nanos <= 0) {
            throw new IllegalArgumentException("R2 must be positive: " + r2Nanos);
        }
        if (synR2Nanos < MIN_SYN_R2_NANOS) {
            throw new IllegalArgumentException("RFC 9293 MUST-23: R2 for a SYN must be at least "
                    + MIN_SYN_R2_NANOS + " ns (3 minutes): " + synR2Nanos);
        }
        this.r1Retransmissions = r1Retransmissions;
        this.r2Nanos = r2Nanos;
        this.synR2Nanos = synR2Nanos;
    }

    public static RetransmissionLimits defaults() {
        return DEFAULTS;
    }

    /** R1 as a count of retransmissions of one segment; RFC 9293 SHLD-10 wants at least 3. */
    public RetransmissionLimits withR1Retransmissions(int retransmissions) {
        return new RetransmissionLimits(retransmissions, r2Nanos, synR2Nanos);
    }

    /** R2 for data segments (MUST-21); RFC 9293 SHLD-11 wants at least 100 s; {@link #NEVER} for none. */
    public RetransmissionLimits withR2Nanos(long nanos) {
        return new RetransmissionLimits(r1Retransmissions, nanos, synR2Nanos);
    }

    /** R2 for a SYN or SYN-ACK; at least {@link #MIN_SYN_R2_NANOS} (MUST-23), {@link #NEVER} for none. */
    public RetransmissionLimits withSynR2Nanos(long nanos) {
        return new RetransmissionLimits(r1Retransmissions, r2Nanos, nanos);
    }

    /** RFC 9293 3.8.3 (b): R1 reached or exceeded, so pass negative advice to the IP layer. */
    public boolean shouldAdviseNetworkLayer(int retransmissions) {
        return retransmissions >= r1Retransmissions;
    }

    /**
     * RFC 9293 3.8.3 (c): R2 reached, so close the connection. {@code synSegment} selects the SYN limit; the
     * time since the segment's first transmission must have reached R2 and its retransmissions R1.
     */
    public boolean shouldGiveUp(boolean synSegment, int retransmissions, long elapsedNanos) {
        long r2 = synSegment ? synR2Nanos : r2Nanos;
        return elapsedNanos >= r2 && retransmissions >= r1Retransmissions;
    }

    public int r1Retransmissions() {
        return r1Retransmissions;
    }

    public long r2Nanos() {
        return r2Nanos;
    }

    public long synR2Nanos() {
        return synR2Nanos;
    }

    @Override
    public String toString() {
        return "RetransmissionLimits{r1=" + r1Retransmissions + " retransmissions, r2=" + r2Nanos
                + "ns, synR2=" + synR2Nanos + "ns}";
    }
}
