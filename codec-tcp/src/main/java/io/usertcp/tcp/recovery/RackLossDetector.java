package io.usertcp.tcp.recovery;

import io.usertcp.tcp.rtt.WindowedMinimum;
import io.usertcp.tcp.sack.SackScoreboard;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * RACK-TLP (RFC 8985) for one connection whose peer SACKs: time-based loss detection and the tail loss probe.
 *
 * <p><b>RACK.</b> A segment is lost once a segment sent after it has been delivered and it is older than
 * RACK.rtt + RACK.reo_wnd (RFC 8985 6.2). This finds what the DupThresh rule of RFC 6675 cannot: a loss with
 * fewer than three segments behind it (a small window, the tail of a burst) and a lost retransmission, which
 * would otherwise wait for the retransmission timer. The losses found go to the {@link SackScoreboard}:
 * {@link SackScoreboard#markLostBelow} for first transmissions, {@link SackScoreboard#retransmissionLost} for
 * retransmissions, so that NextSeg() repairs them.
 *
 * <p><b>Transmit times without a per-segment object.</b> First transmissions go in sequence order, so their
 * send times are kept as a ring of (end sequence number, time) pairs, increasing in both: the send time of any
 * octet and the octets sent before any instant are binary searches. Retransmissions, few and out of sequence
 * order, are kept in a second ring in send order until delivered or found lost. The rings grow by doubling and
 * are reused, so steady state allocates nothing.
 *
 * <p><b>TLP.</b> While data is outstanding, the retransmission timer is first armed for the probe timeout
 * PTO = 2 * SRTT (RFC 8985 7.2), plus the peer's worst-case delayed ACK when one segment is in flight, never
 * beyond the RTO. If it expires, one segment probes: the highest segment sent (7.3 prefers new data;
 * RetransmissionControl says why not); the ACK it draws lets RACK find a lost tail. Where 7.3 allows one probe
 * per tail, an unanswered probe is followed by a few more, each after twice the wait, until SND.UNA advances
 * ({@link #MAX_UNANSWERED_PROBES}). Unlike 7.2, the probe also guards loss recovery and the repair after a
 * timeout: with the few segments a lossy path leaves in flight, a recovery whose last retransmissions are all
 * lost is common, and without a probe each one costs an RTO of at least 200 ms where a probe costs 2 * SRTT.
 *
 * <p>Sequence numbers are ints compared modulo 2^32; times are {@code long} nanoseconds. Owned by one event loop.
 */
public final class RackLossDetector {
    /** RFC 8985 7.2 WCDelAckT: the worst-case delayed ACK a single outstanding segment may wait for. */
    public static final long WORST_CASE_DELAYED_ACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * The allowance added to 2 * SRTT with more than one segment in flight, for the scheduling delay of the peer
     * and of our own loop (Linux adds two ticks, about 2 ms, for the same reason).
     */
    public static final long PROBE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long a minimum RTT sample counts, as Linux's tcp_min_rtt_wlen. */
    public static final long MIN_RTT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(300);
    /**
     * Most probes per tail before the RTO takes over. With 10% loss each way, a probe and the ACK it draws are
     * both lost one time in five; on a path whose RTT is a fraction of a millisecond, leaving that to the RTO of
     * 200 ms or more stalls the connection for hundreds of round trips, where a few more probes, backing off
     * exponentially and stopping short of the RTO, cost a segment each. So a tail is probed up to three times.
     */
    public static final int MAX_UNANSWERED_PROBES = 3;
    private static final int INITIAL_CAPACITY = 64;

    /** What the retransmission timer is armed for. */
    public enum TimerPurpose { RETRANSMISSION_TIMEOUT, REORDER_TIMEOUT, LOSS_PROBE }

    private int[] originalEnds = new int[INITIAL_CAPACITY];
    private long[] originalSentNanos = new long[INITIAL_CAPACITY];
    private int originalHead;
    private int originalCount;
    /** Where the oldest first transmission kept starts: the end of the one dropped before it. */
    private int originalFirstStart;

    private int[] retransmitStarts = new int[INITIAL_CAPACITY / 4];
    private int[] retransmitEnds = new int[INITIAL_CAPACITY / 4];
    private long[] retransmitSentNanos = new long[INITIAL_CAPACITY / 4];
    private int retransmitCount;

    /** RACK.xmit_ts and RACK.end_seq: the most recently sent segment known delivered. */
    private boolean rackValid;
    private long rackSentNanos;
    private int rackEnd;
    /** RACK.rtt: the RTT of that segment, or of a later-delivered one sent no later. */
    private long rackRttNanos;
    /**
     * RACK.min_RTT from this detector's own send times, which are exact: RTT samples echoed by timestamps tick
     * in milliseconds and read 0 on a fast path, which would let an ACK of a first transmission pass for the
     * delivery of its retransmission (step 2) and leave no reordering window.
     */
    private final WindowedMinimum minRtt = new WindowedMinimum(MIN_RTT_WINDOW_NANOS);
    /** RACK.reordering_seen: a D-SACK showed the path reorders (RFC 8985 6.2 step 3). */
    private boolean reorderingSeen;

    private long reorderDelayNanos;
    /** Probes sent since SND.UNA last advanced or the RTO last expired. */
    private int unansweredProbes;
    private TimerPurpose timerPurpose = TimerPurpose.RETRANSMISSION_TIMEOUT;

    private long lostFound;
    private long lostRetransmissionsFound;
    private long probesSent;

    /**
     * A data segment [seq, seq + length) goes out now; octets at or above {@code sndMax} (before this send) are
     * a first transmission, octets below it a retransmission.
     */
    public void onTransmit(int seq, int length, int sndMax, long nowNanos) {
        int end = seq + length;
        if (after(end, sndMax)) {
            if (originalCount == 0) {
                originalFirstStart = sndMax;
            }
            appendOriginal(end, nowNanos);
        }
        if (before(seq, sndMax)) {
            appendRetransmission(seq, before(end, sndMax) ? end : sndMax, nowNanos);
        }
    }

    /**
     * RFC 8985 6.2 on an ACK the scoreboard has already recorded: steps 1-2 move RACK to the most recently sent
     * segment now delivered, step 3 notes reordering from a D-SACK, step 4 sizes the reordering window and
     * step 5 marks what is lost in {@code board}. Returns whether anything was newly marked lost; afterwards
     * {@link #reorderDelayNanos()} tells whether the reordering timer is wanted.
     *
     * @param sndUna        SND.UNA after the ACK
     * @param duplicateSack the ACK carried a D-SACK (RFC 2883)
     * @param inRecovery    loss recovery is under way
     * @param srttNanos     SRTT, which caps the reordering window
     */
    public boolean onAck(SackScoreboard board, int sndUna, boolean duplicateSack, boolean inRecovery,
                         long srttNanos, long nowNanos) {
        if (duplicateSack) {
            reorderingSeen = true;
        }
        int delivered = board.rangeCount() > 0 ? board.rangeEnd(board.rangeCount() - 1) : sndUna;
        if (before(delivered, sndUna)) {
            delivered = sndUna;
        }
        // Steps 1-2: the first transmission holding the highest delivered octet was sent before or with it.
        // If that octet arrived by a retransmission instead, something sent later still arrived, so the time of
        // the first transmission is a safe lower bound for RACK.xmit_ts
        int index = firstOriginalEndingAfter(delivered - 1);
        // Only a record that holds that octet: once it is dropped, the next one was not delivered
        if (index < originalCount && before(originalStart(index), delivered)) {
            long sent = originalSentNanos[slot(index)];
            // Never below the true RTT: a delivery by retransmission only makes the sample longer
            minRtt.add(nowNanos - sent, nowNanos);
            advanceRack(sent, originalEnd(index), nowNanos);
        }
        updateFromRetransmissions(board, sndUna, nowNanos);
        dropOriginalsBelow(sndUna);
        if (!rackValid) {
            reorderDelayNanos = 0;
            return false;
        }
        return detectLoss(board, sndUna, reorderWindow(board, inRecovery, srttNanos), nowNanos);
    }

    /** The reordering timer expired (RFC 8985 6.3): the same loss detection, now that time has passed. */
    public boolean onReorderTimeout(SackScoreboard board, int sndUna, boolean inRecovery, long srttNanos,
                                    long nowNanos) {
        if (!rackValid) {
            return false;
        }
        return detectLoss(board, sndUna, reorderWindow(board, inRecovery, srttNanos), nowNanos);
    }

    /**
     * RFC 8985 6.2 step 4: no reordering window while recovery runs or DupThresh segments are SACKed, unless
     * the path has shown reordering; otherwise min_RTT / 4, at most SRTT.
     */
    private long reorderWindow(SackScoreboard board, boolean inRecovery, long srttNanos) {
        if (!reorderingSeen && (inRecovery || board.sackedBytes() >= SackScoreboard.DUP_THRESH * board.smss())) {
            return 0;
        }
        long window = minRtt.minimum() / 4;
        return srttNanos > 0 ? Math.min(window, srttNanos) : window;
    }

    private void updateFromRetransmissions(SackScoreboard board, int sndUna, long nowNanos) {
        int kept = 0;
        for (int i = 0; i < retransmitCount; i++) {
            int start = retransmitStarts[i];
            int end = retransmitEnds[i];
            long sent = retransmitSentNanos[i];
            if (!after(end, sndUna) || board.isSacked(start, end)) {
                // Step 2: an ACK sooner than min_RTT after a retransmission answers the first transmission
                if (nowNanos - sent >= minRtt.minimum()) {
                    advanceRack(sent, end, nowNanos);
                }
                continue;
            }
            retransmitStarts[kept] = start;
            retransmitEnds[kept] = end;
            retransmitSentNanos[kept] = sent;
            kept++;
        }
        retransmitCount = kept;
    }

    /** RFC 8985 6.2 step 2, RACK_sent_after: time first, the end sequence number breaks a tie. */
    private void advanceRack(long sentNanos, int end, long nowNanos) {
        if (!rackValid || sentNanos - rackSentNanos > 0 || sentNanos == rackSentNanos && after(end, rackEnd)) {
            rackValid = true;
            rackSentNanos = sentNanos;
            rackEnd = end;
            rackRttNanos = nowNanos - sentNanos;
        }
    }

    private boolean sentBeforeRack(long sentNanos, int end) {
        return sentNanos - rackSentNanos < 0 || sentNanos == rackSentNanos && !after(end, rackEnd);
    }

    /**
     * RFC 8985 6.2 step 5: every undelivered segment sent before RACK's is lost once
     * now >= its send time + RACK.rtt + reo_wnd; the earliest one still waiting sets the reordering timer.
     */
    private boolean detectLoss(SackScoreboard board, int sndUna, long reorderWindow, long nowNanos) {
        long lostIfSentBy = nowNanos - rackRttNanos - reorderWindow;
        long wait = Long.MAX_VALUE;
        boolean marked = false;
        // First transmissions: those sent before RACK's and by the deadline form a prefix of the ring
        int boundary = firstOriginalFailing(lostIfSentBy);
        if (boundary > 0) {
            int lostBelow = originalEnd(boundary - 1);
            if (after(lostBelow, sndUna) && board.markLostBelow(lostBelow)) {
                marked = true;
                lostFound++;
            }
        }
        if (boundary < originalCount) {
            long sent = originalSentNanos[slot(boundary)];
            int end = originalEnd(boundary);
            if (sentBeforeRack(sent, end) && !board.isSacked(originalStart(boundary, sndUna), end)) {
                wait = sent - lostIfSentBy;
            }
        }
        int kept = 0;
        for (int i = 0; i < retransmitCount; i++) {
            long sent = retransmitSentNanos[i];
            int end = retransmitEnds[i];
            if (sentBeforeRack(sent, end)) {
                if (sent - lostIfSentBy <= 0) {
                    // RFC 8985 6.2: a lost retransmission is found without waiting for the retransmission timer
                    board.retransmissionLost(retransmitStarts[i], end);
                    lostRetransmissionsFound++;
                    marked = true;
                    continue;
                }
                wait = Math.min(wait, sent - lostIfSentBy);
            }
            retransmitStarts[kept] = retransmitStarts[i];
            retransmitEnds[kept] = end;
            retransmitSentNanos[kept] = sent;
            kept++;
        }
        retransmitCount = kept;
        reorderDelayNanos = wait == Long.MAX_VALUE ? 0 : Math.max(wait, 1);
        return marked;
    }

    /** Number of leading first transmissions sent before RACK's segment and no later than {@code deadline}. */
    private int firstOriginalFailing(long deadline) {
        int low = 0;
        int high = originalCount;
        while (low < high) {
            int middle = (low + high) >>> 1;
            long sent = originalSentNanos[slot(middle)];
            if (sent - deadline <= 0 && sentBeforeRack(sent, originalEnd(middle))) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Index of the first first-transmission record whose end lies after {@code seq}. */
    private int firstOriginalEndingAfter(int seq) {
        int low = 0;
        int high = originalCount;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (after(originalEnd(middle), seq)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private void dropOriginalsBelow(int sndUna) {
        while (originalCount > 0 && !after(originalEnd(0), sndUna)) {
            originalFirstStart = originalEnd(0);
            originalHead = (originalHead + 1) & (originalEnds.length - 1);
            originalCount--;
        }
    }

    private int originalStart(int index, int sndUna) {
        return index == 0 ? sndUna : originalEnd(index - 1);
    }

    private int originalStart(int index) {
        return index == 0 ? originalFirstStart : originalEnd(index - 1);
    }

    private int originalEnd(int index) {
        return originalEnds[slot(index)];
    }

    private int slot(int index) {
        return (originalHead + index) & (originalEnds.length - 1);
    }

    private void appendOriginal(int end, long nowNanos) {
        if (originalCount == originalEnds.length) {
            int[] ends = new int[2 * originalCount];
            long[] sent = new long[2 * originalCount];
            for (int i = 0; i < originalCount; i++) {
                ends[i] = originalEnd(i);
                sent[i] = originalSentNanos[slot(i)];
            }
            originalEnds = ends;
            originalSentNanos = sent;
            originalHead = 0;
        }
        int slot = slot(originalCount);
        originalEnds[slot] = end;
        originalSentNanos[slot] = nowNanos;
        originalCount++;
    }

    private void appendRetransmission(int start, int end, long nowNanos) {
        if (retransmitCount == retransmitStarts.length) {
            retransmitStarts = Arrays.copyOf(retransmitStarts, 2 * retransmitCount);
            retransmitEnds = Arrays.copyOf(retransmitEnds, 2 * retransmitCount);
            retransmitSentNanos = Arrays.copyOf(retransmitSentNanos, 2 * retransmitCount);
        }
        retransmitStarts[retransmitCount] = start;
        retransmitEnds[retransmitCount] = end;
        retransmitSentNanos[retransmitCount] = nowNanos;
        retransmitCount++;
    }

    /**
     * After a retransmission timeout every outstanding segment counts as lost and is sent again (RFC 8985 6.3,
     * RFC 6675 5.1): the retransmissions in flight are forgotten, their data is repaired afresh.
     */
    public void onRetransmissionTimeout() {
        retransmitCount = 0;
        unansweredProbes = 0;
    }

    /** Time until the reordering timer should expire after the last detection; 0 when none is needed. */
    public long reorderDelayNanos() {
        return reorderDelayNanos;
    }

    /**
     * RFC 8985 7.2: the probe timeout, or 0 when no probe may be scheduled now and the RTO should be armed. A
     * probe left unanswered is followed by another after twice the wait, up to {@link #MAX_UNANSWERED_PROBES}
     * and only while that comes before the RTO would (RFC 8985 allows one probe per tail and then the RTO).
     *
     * @param flightSize outstanding bytes; a single segment waits for the peer's delayed ACK as well
     */
    public long probeTimeoutNanos(long srttNanos, long rtoNanos, int flightSize, int smss) {
        if (srttNanos <= 0 || unansweredProbes >= MAX_UNANSWERED_PROBES) {
            return 0;
        }
        long pto = 2 * srttNanos + (flightSize <= smss ? WORST_CASE_DELAYED_ACK_NANOS : PROBE_SLACK_NANOS);
        if (unansweredProbes == 0) {
            return Math.min(pto, rtoNanos);
        }
        pto <<= unansweredProbes;
        return pto < rtoNanos ? pto : 0;
    }

    /** A probe was sent (RFC 8985 7.3); the next one waits twice as long, until SND.UNA advances. */
    public void probeSent() {
        unansweredProbes++;
        probesSent++;
    }

    /** SND.UNA advanced: the tail is moving again, and probing starts afresh. */
    public void onProgress() {
        unansweredProbes = 0;
    }

    public TimerPurpose timerPurpose() {
        return timerPurpose;
    }

    /** Records what the retransmission timer was just armed (or cancelled, as RTO) for. */
    public void setTimerPurpose(TimerPurpose purpose) {
        this.timerPurpose = purpose;
    }

    /** Times RACK marked first transmissions lost. */
    public long lostFound() {
        return lostFound;
    }

    /** Retransmissions RACK found lost. */
    public long lostRetransmissionsFound() {
        return lostRetransmissionsFound;
    }

    /** Tail loss probes sent. */
    public long probesSent() {
        return probesSent;
    }

    @Override
    public String toString() {
        return "RackLossDetector{minRtt=" + minRtt.minimum() + ", originals=" + originalCount + ", retransmissions=" + retransmitCount
                + (rackValid ? ", rackEnd=" + Integer.toUnsignedString(rackEnd) + ", rackRtt=" + rackRttNanos : "")
                + ", lost=" + lostFound + ", lostRetransmissions=" + lostRetransmissionsFound
                + ", probes=" + probesSent + '}';
    }

    // RFC 9293 3.4: sequence numbers compare modulo 2^32
    private static boolean before(int a, int b) {
        return a - b < 0;
    }

    private static boolean after(int a, int b) {
        return a - b > 0;
    }
}
