package io.usertcp.tcp.sack;

import io.usertcp.codec.tcp.TcpOptions;

/**
 * The data sender's record of what the peer has selectively acknowledged (RFC 2018), with the loss
 * recovery routines of RFC 6675 section 4 built on it: {@link #update Update()}, {@link #isLost IsLost()},
 * {@link #pipe SetPipe()} and {@link #nextSeg NextSeg()}. One per connection, owned by its event loop.
 *
 * <p><b>Sequence numbers</b> are ints compared modulo 2^32, and every right edge is exclusive. RFC 6675
 * names octets inclusively (HighACK is the last octet acknowledged, HighData the last octet sent); here
 * each of them is the sequence number after that octet: {@link #highAck()} is SND.UNA, {@link #highData()}
 * is SND.NXT, {@link #highRxt()} is the end of the highest retransmission. Everything the scoreboard holds
 * stays within [SND.UNA, SND.NXT], which keeps the modular comparisons meaningful however far the
 * connection runs.
 *
 * <p><b>Division of work with the engine.</b> The scoreboard keeps HighACK, HighData, HighRxt, RescueRxt
 * and RecoveryPoint itself: NextSeg() and SetPipe() are defined on them and they change only with ACKs
 * and with what NextSeg() chooses, so keeping them here leaves no way for the two sides to disagree. The
 * engine keeps the data (retransmission queue), the congestion window, the duplicate-ACK count and the
 * running pipe of RFC 6675 5 (C.4). Per RFC 6675 5:
 * <pre>
 *   every acceptable ACK:   flags = update(SND.UNA, SND.NXT, options)           // (B.1)
 *   entering recovery:      if canEnterRecovery() and (DupAcks &gt;= DUP_THRESH or isLost(highAck())):
 *                             enterRecovery(), send segmentStart()/segmentLength()  // (4.1), (4.3)
 *   in recovery:            pipe = pipe()                                       // (B.2)
 *                           while cwnd - pipe &gt;= SMSS and nextSeg(allowed) != NONE:
 *                             send the segment; pipe += segmentLength()         // (C.1)-(C.5)
 *   retransmission timeout: timeout(SND.NXT), then while cwnd - pipe &gt;= SMSS send what nextSeg(allowed) chooses
 * </pre>
 *
 * <p><b>Storage and cost.</b> SACKed ranges are kept sorted, disjoint and non-adjacent in two int arrays
 * of {@link #MAX_RANGES}, allocated when the first block is recorded and dropped by {@link #clear()}, so
 * a connection whose peer never SACKs carries no arrays. Nothing else
 * allocates: every method is a scan of at most {@link #MAX_RANGES} ranges, and an ACK carries at most
 * {@link TcpOptions#MAX_SACK_BLOCKS} blocks, so per-ACK work is bounded by a constant.
 *
 * <p><b>The cap.</b> A hostile peer can SACK thousands of disjoint one-byte ranges (the SACK-panic class,
 * CVE-2019-11477/8/9). At most {@link #MAX_RANGES} ranges are kept; a new disjoint range beyond that
 * evicts the highest range, or is itself forgotten when it would be the highest ({@link #capacityHits()}
 * counts both). Forgetting is safe because SACK is advisory (RFC 2018 8, RFC 6675 5.1): the data stays
 * queued until cumulatively acknowledged, and a forgotten range only looks unSACKed, so it is counted in
 * pipe (sending less), makes fewer holes below it look lost, and may be retransmitted needlessly; unSACKed
 * data is never taken for SACKed. The lowest ranges are the ones kept because recovery repairs holes from
 * SND.UNA upward, and a receiver keeps re-reporting its newest (usually highest) blocks anyway. 32 ranges
 * describe 32 holes per window, beyond what loss recovery needs in practice.
 */
public final class SackScoreboard {
    /** Most SACKed ranges kept at once. */
    public static final int MAX_RANGES = 32;
    /** RFC 6675 2: DupThresh, the reordering tolerance in discontiguous SACKed ranges. */
    public static final int DUP_THRESH = 3;

    /** {@link #update} flag: the ACK SACKed octets not SACKed before (a duplicate ACK in RFC 6675 2's sense). */
    public static final int NEW_SACKED_DATA = 1;
    /** {@link #update} flag: the first block was a D-SACK (RFC 2883 4), reporting data received twice. */
    public static final int DUPLICATE_SACK = 2;

    private int smss;

    private int[] starts;
    private int[] ends;
    private int count;
    private int sackedBytes;

    private int highAck;
    private int highData;
    private int highRxt;
    private boolean rescueDefined;
    private int rescueRxt;
    private boolean inRecovery;
    private boolean recoveryHeldOff;
    private int recoveryPoint;
    private boolean timeoutLossMarked;
    private int lostBelow;
    /** RACK (RFC 8985) deemed every unSACKed octet below {@link #rackLostBelow} lost. */
    private boolean rackLossMarked;
    private int rackLostBelow;

    private int segmentStart;
    private int segmentLength;

    private long capacityHits;
    private long reneges;
    private long invalidBlocks;
    private long rangeSteps;

    /**
     * A scoreboard for a connection whose SND.UNA (and SND.NXT) is {@code sndUna}, sending segments of
     * up to {@code smss} octets.
     */
    public SackScoreboard(int smss, int sndUna) {
        setSmss(smss);
        highAck = sndUna;
        highData = sndUna;
        highRxt = sndUna;
    }

    /** Sets SMSS, which IsLost() and segment sizes use, when the effective MSS changes (e.g. path MTU). */
    public void setSmss(int smss) {
        if (smss <= 0) {
            throw new IllegalArgumentException("smss " + smss);
        }
        this.smss = smss;
    }

    public int smss() {
        return smss;
    }

    /**
     * RFC 6675 4 Update(): records one acceptable ACK. Ranges below the cumulative ACK {@code sndUna} are
     * dropped, HighData becomes {@code sndNxt}, and each valid SACK block in {@code options} is marked.
     * Returns {@link #NEW_SACKED_DATA} and {@link #DUPLICATE_SACK} as bit flags (0 when neither).
     *
     * <p>A block is ignored (and counted in {@link #invalidBlocks()}) when its left edge is not before its
     * right edge, when it ends after SND.NXT (RFC 2018 3: data never sent cannot have been received), or when
     * it starts below SND.UNA. The first block is instead a D-SACK, flagged but never marked, when it starts
     * below SND.UNA or lies within the second block (RFC 2883 4).
     *
     * @param sndUna SND.UNA after this ACK; never moves backward
     * @param sndNxt SND.NXT now
     */
    public int update(int sndUna, int sndNxt, TcpOptions options) {
        if (before(sndNxt, highData)) {
            dropAbove(sndNxt);
        }
        highData = sndNxt;
        advance(sndUna);
        int flags = 0;
        int blocks = options.sackBlockCount();
        for (int block = 0; block < blocks; block++) {
            int left = options.sackLeftEdge(block);
            int right = options.sackRightEdge(block);
            if (!before(left, right) || after(right, highData)) {
                invalidBlocks++;
            } else if (block == 0 && (before(left, highAck) || (blocks > 1 && withinSecondBlock(options, left, right)))) {
                flags |= DUPLICATE_SACK;
            } else if (before(left, highAck)) {
                invalidBlocks++;
            } else if (mark(left, right)) {
                flags |= NEW_SACKED_DATA;
            }
        }
        return flags;
    }

    private static boolean withinSecondBlock(TcpOptions options, int left, int right) {
        return !before(left, options.sackLeftEdge(1)) && !after(right, options.sackRightEdge(1));
    }

    /**
     * Records the cumulative ACK {@code sndUna} (which never moves backward): ranges below it are dropped,
     * and loss recovery ends once it reaches RecoveryPoint (RFC 6675 5 (A)). {@link #update} does this
     * itself; call this directly only for an ACK handled without {@link #update}.
     */
    public void advance(int sndUna) {
        highAck = sndUna;
        if (before(highData, sndUna)) {
            highData = sndUna;
        }
        int dropped = 0;
        while (dropped < count && !after(ends[dropped], sndUna)) {
            sackedBytes -= ends[dropped] - starts[dropped];
            dropped++;
            rangeSteps++;
        }
        removeRanges(0, dropped);
        if (count > 0 && starts[0] == sndUna) {
            // RFC 2018 8: a receiver still holding the SACKed data that starts at SND.UNA would have ACKed past
            // it, so it reneged and every SACKed range is suspect: forget them, the data goes again (never freed)
            reneges++;
            count = 0;
            sackedBytes = 0;
        } else if (count > 0 && before(starts[0], sndUna)) {
            sackedBytes -= sndUna - starts[0];
            starts[0] = sndUna;
        }
        if (before(highRxt, sndUna)) {
            highRxt = sndUna;
        }
        // RFC 6675 4 NextSeg() (4): a rescue is possible again once HighACK passes RescueRxt
        if (rescueDefined && after(sndUna, rescueRxt)) {
            rescueDefined = false;
        }
        // RFC 6675 5 (A) and 5.1: recovery, or the hold-off after a timeout, lasts until RecoveryPoint is ACKed
        if ((inRecovery || recoveryHeldOff) && !before(sndUna, recoveryPoint)) {
            inRecovery = false;
            recoveryHeldOff = false;
            timeoutLossMarked = false;
        }
        if (rackLossMarked && !before(sndUna, rackLostBelow)) {
            rackLossMarked = false;
        }
    }

    /**
     * After a retransmission timeout whose repair does not use the scoreboard (a go-back-N from SND.UNA, which
     * RFC 2018 8 allows since the receiver may have reneged; {@link #timeout} is the RFC 6675 5.1 way): forgets
     * every SACKed range and releases their storage. If the timeout came during loss recovery, recovery ends, RecoveryPoint becomes HighData and no new recovery may start
     * until it is ACKed (RFC 6675 5.1).
     */
    public void clear() {
        starts = null;
        ends = null;
        count = 0;
        sackedBytes = 0;
        highRxt = highAck;
        rescueDefined = false;
        timeoutLossMarked = false;
        rackLossMarked = false;
        if (inRecovery) {
            inRecovery = false;
            recoveryPoint = highData;
            recoveryHeldOff = before(highAck, highData);
        }
    }

    /**
     * After a retransmission timeout: the SACKed ranges are kept and every unSACKed octet below HighData is
     * deemed lost, so that {@link #nextSeg} repairs the holes from SND.UNA upward, skipping SACKed data, as the
     * congestion window reopens (RFC 6675 5.1: the sender SHOULD use the SACK information to choose what to
     * retransmit after a timeout). Any loss recovery ends; RecoveryPoint becomes HighData and no new recovery may
     * start until it is ACKed (RFC 6675 5.1), which also ends this repair. The ranges stay advisory: data is freed
     * only by the cumulative ACK, so a receiver that reneged (RFC 2018 8) costs another timeout, never data.
     *
     * @param sndNxt SND.NXT now, which may have moved since the last {@link #update} (new data sent since)
     */
    public void timeout(int sndNxt) {
        if (after(sndNxt, highData)) {
            highData = sndNxt;
        }
        highRxt = highAck;
        rescueDefined = false;
        inRecovery = false;
        recoveryPoint = highData;
        recoveryHeldOff = before(highAck, highData);
        timeoutLossMarked = recoveryHeldOff;
        lostBelow = highData;
    }

    /**
     * RACK (RFC 8985 6.2) found every unSACKed octet below {@code seq} lost: first transmissions sent before a
     * segment since delivered, and older than the reordering window. Returns whether the mark moved up.
     */
    public boolean markLostBelow(int seq) {
        if (after(seq, highData)) {
            seq = highData;
        }
        if (!after(seq, highAck) || rackLossMarked && !after(seq, rackLostBelow)) {
            return false;
        }
        rackLossMarked = true;
        rackLostBelow = seq;
        return true;
    }

    /**
     * RACK (RFC 8985 6.2) found the retransmission of [start, end) lost: HighRxt comes back to {@code start} so
     * that NextSeg() rule (1) sends it again, and everything below {@code end} is lost, as it was all sent
     * before that retransmission. A retransmission sent after it that is still in flight may go again too: the
     * cost of keeping one HighRxt rather than a mark per segment.
     */
    public void retransmissionLost(int start, int end) {
        if (before(start, highAck)) {
            start = highAck;
        }
        if (before(start, highRxt)) {
            highRxt = start;
        }
        markLostBelow(end);
    }

    /** Whether every octet of [start, end) lies in one SACKed range. */
    public boolean isSacked(int start, int end) {
        for (int range = 0; range < count; range++) {
            if (!after(starts[range], start)) {
                if (!before(ends[range], end)) {
                    return true;
                }
            } else {
                return false;
            }
        }
        return false;
    }

    private boolean markedLost(int seq) {
        return timeoutLossMarked && before(seq, lostBelow) || rackLossMarked && before(seq, rackLostBelow);
    }

    /** The end of the octets {@link #timeout} or RACK marked lost, for a hole starting below it. */
    private int markedLostEnd() {
        if (!timeoutLossMarked) {
            return rackLostBelow;
        }
        return rackLossMarked && after(rackLostBelow, lostBelow) ? rackLostBelow : lostBelow;
    }

    /** Whether the repair after {@link #timeout} is under way: its RecoveryPoint is not yet cumulatively ACKed. */
    public boolean repairingTimeout() {
        return timeoutLossMarked;
    }

    /**
     * RFC 6675 4 IsLost(): whether the octet {@code seq} is deemed lost, i.e. it is outstanding, not SACKed,
     * and either {@link #DUP_THRESH} discontiguous SACKed ranges or more than (DupThresh - 1) * SMSS SACKed
     * octets lie above it, or it lies below the HighData of a {@link #timeout} being repaired.
     */
    public boolean isLost(int seq) {
        if (before(seq, highAck) || !before(seq, highData)) {
            return false;
        }
        int above = 0;
        while (above < count && !after(ends[above], seq)) {
            above++;
        }
        if (above < count && !after(starts[above], seq)) {
            return false;
        }
        return holeLost(above) || markedLost(seq);
    }

    /**
     * Whether the unSACKed octets below range {@code firstRangeAbove} (and above the range before it) are
     * lost. Octets of one hole share the ranges above them, so they are lost or not together, and since
     * fewer ranges and octets lie above higher holes, the lost holes are always the lowest ones.
     */
    private boolean holeLost(int firstRangeAbove) {
        if (count - firstRangeAbove >= DUP_THRESH) {
            return true;
        }
        int bytesAbove = 0;
        for (int range = firstRangeAbove; range < count; range++) {
            bytesAbove += ends[range] - starts[range];
        }
        return holeLost(count - firstRangeAbove, bytesAbove);
    }

    /** {@link #holeLost(int)} given the SACKed ranges and octets above the hole. */
    private boolean holeLost(int rangesAbove, int bytesAbove) {
        return rangesAbove >= DUP_THRESH || bytesAbove > (DUP_THRESH - 1) * smss;
    }

    /**
     * RFC 6675 4 SetPipe(): the octets deemed in flight. Each unSACKed octet in [SND.UNA, SND.NXT) counts
     * once if it is not lost (a), and once more if it lies below HighRxt (b), so an octet retransmitted
     * before it was deemed lost counts twice.
     */
    public int pipe() {
        // One pass: the SACKed octets above each hole are the total less those below it
        int bytesAbove = 0;
        for (int range = 0; range < count; range++) {
            bytesAbove += ends[range] - starts[range];
        }
        int pipe = 0;
        int holeStart = highAck;
        for (int range = 0; range <= count; range++) {
            int holeEnd = range < count ? starts[range] : highData;
            if (before(holeStart, holeEnd)) {
                int notLostFrom = holeStart;
                if (holeLost(count - range, bytesAbove)) {
                    notLostFrom = holeEnd;
                } else if (markedLost(holeStart)) {
                    int markEnd = markedLostEnd();
                    notLostFrom = before(markEnd, holeEnd) ? markEnd : holeEnd;
                }
                pipe += holeEnd - notLostFrom;
                if (before(holeStart, highRxt)) {
                    pipe += (before(highRxt, holeEnd) ? highRxt : holeEnd) - holeStart;
                }
            }
            if (range < count) {
                holeStart = ends[range];
                bytesAbove -= ends[range] - starts[range];
            }
        }
        return pipe;
    }

    /**
     * RFC 6675 5 (4.1) and (4.3): enters loss recovery. RecoveryPoint becomes HighData, and the first
     * unSACKed segment at SND.UNA (up to SMSS octets, stopping at SACKed data) is chosen as the fast
     * retransmission, with HighRxt and RescueRxt set to its end so that neither rules (1)/(3) nor a premature
     * rescue repeat it. Returns {@link NextSegment#LOST_DATA} with the range in {@link #segmentStart()} and
     * {@link #segmentLength()}, or {@link NextSegment#NONE} when every outstanding octet is SACKed.
     *
     * @throws IllegalStateException unless {@link #canEnterRecovery()}
     */
    public NextSegment enterRecovery() {
        if (!canEnterRecovery()) {
            throw new IllegalStateException(inRecovery ? "already in loss recovery" : "held off until RecoveryPoint is ACKed");
        }
        inRecovery = true;
        recoveryPoint = highData;
        highRxt = highAck;
        rescueDefined = false;
        int above = rangesStartingAtOrBefore(highAck);
        int start = unsackedFrom(highAck, above);
        int holeEnd = above < count ? starts[above] : highData;
        if (!before(start, holeEnd)) {
            segmentLength = 0;
            return NextSegment.NONE;
        }
        choose(start, holeEnd);
        highRxt = start + segmentLength;
        rescueRxt = highRxt;
        rescueDefined = true;
        return NextSegment.LOST_DATA;
    }

    /**
     * RFC 6675 4 NextSeg(): chooses the next segment to send during loss recovery and records it as sent,
     * so call it only when that segment will go out (RFC 6675 5 (C.1)). The range is in
     * {@link #segmentStart()} and {@link #segmentLength()} (at most SMSS). Rules, first match wins:
     * <ol>
     * <li>the lowest unSACKed octet at or above HighRxt and below SACKed data, if IsLost(); HighRxt moves to
     *     the segment's end (C.2). The segment stops at the next SACKed range. While a {@link #timeout} is
     *     repaired, the unSACKed octets below its HighData are lost too, with or without SACKed data above.</li>
     * <li>new data at HighData, at most {@code newDataAllowed} octets; HighData moves to its end (C.3).</li>
     * <li>as (1), without requiring IsLost().</li>
     * <li>once per recovery, while HighACK has not passed RescueRxt: the last SMSS (or fewer) octets of the
     *     highest unSACKed hole; RescueRxt becomes RecoveryPoint and HighRxt is left alone.</li>
     * </ol>
     *
     * <p>After {@link NextSegment#NEW_DATA} the engine's SND.NXT must move to the segment's end as HighData
     * did, since the next {@link #update} passes it back.
     *
     * @param newDataAllowed previously unsent octets that are queued and that the peer's window admits now
     */
    public NextSegment nextSeg(int newDataAllowed) {
        int above = rangesStartingAtOrBefore(highRxt);
        // (1.a) S2 >= HighRxt (exclusive here); (1.b) some SACKed range lies above it
        boolean holeBelowSack = above < count;
        if (holeBelowSack && holeLost(above)) {
            choose(unsackedFrom(highRxt, above), starts[above]);
            highRxt = segmentStart + segmentLength;
            return NextSegment.LOST_DATA;
        }
        if (timeoutLossMarked || rackLossMarked) {
            int start = unsackedFrom(highRxt, above);
            if (markedLost(start)) {
                int holeEnd = holeBelowSack ? starts[above] : highData;
                int markEnd = markedLostEnd();
                choose(start, before(markEnd, holeEnd) ? markEnd : holeEnd);
                highRxt = segmentStart + segmentLength;
                return NextSegment.LOST_DATA;
            }
        }
        if (newDataAllowed > 0) {
            segmentStart = highData;
            segmentLength = Math.min(smss, newDataAllowed);
            highData += segmentLength;
            return NextSegment.NEW_DATA;
        }
        if (holeBelowSack) {
            choose(unsackedFrom(highRxt, above), starts[above]);
            highRxt = segmentStart + segmentLength;
            return NextSegment.UNSACKED_DATA;
        }
        if (inRecovery && !rescueDefined && chooseRescue()) {
            rescueRxt = recoveryPoint;
            rescueDefined = true;
            return NextSegment.RESCUE;
        }
        segmentLength = 0;
        return NextSegment.NONE;
    }

    /** Rule (4): the tail of the highest unSACKed hole, which must include its highest octet. */
    private boolean chooseRescue() {
        int holeStart;
        int holeEnd;
        if (count > 0 && ends[count - 1] == highData) {
            holeStart = count > 1 ? ends[count - 2] : highAck;
            holeEnd = starts[count - 1];
        } else {
            holeStart = count > 0 ? ends[count - 1] : highAck;
            holeEnd = highData;
        }
        if (!before(holeStart, holeEnd)) {
            return false;
        }
        int length = Math.min(smss, holeEnd - holeStart);
        segmentStart = holeEnd - length;
        segmentLength = length;
        return true;
    }

    /** Number of ranges starting at or before {@code seq}, which is at least SND.UNA. */
    private int rangesStartingAtOrBefore(int seq) {
        int range = 0;
        while (range < count && !after(starts[range], seq)) {
            range++;
        }
        return range;
    }

    /** The first unSACKed octet at or after {@code seq}, given the number of ranges starting at or before it. */
    private int unsackedFrom(int seq, int rangesAtOrBefore) {
        if (rangesAtOrBefore > 0 && after(ends[rangesAtOrBefore - 1], seq)) {
            return ends[rangesAtOrBefore - 1];
        }
        return seq;
    }

    private void choose(int start, int holeEnd) {
        segmentStart = start;
        segmentLength = Math.min(smss, holeEnd - start);
    }

    /** Marks [left, right), already known to lie within [SND.UNA, SND.NXT]; true when any octet is new. */
    private boolean mark(int left, int right) {
        if (starts == null) {
            starts = new int[MAX_RANGES];
            ends = new int[MAX_RANGES];
        }
        int first = 0;
        while (first < count && before(ends[first], left)) {
            first++;
            rangeSteps++;
        }
        // ranges first..last-1 overlap or touch [left, right) and become one
        int last = first;
        int mergedBytes = 0;
        while (last < count && !after(starts[last], right)) {
            mergedBytes += ends[last] - starts[last];
            last++;
            rangeSteps++;
        }
        if (first == last) {
            return insert(first, left, right);
        }
        int start = before(left, starts[first]) ? left : starts[first];
        int end = after(right, ends[last - 1]) ? right : ends[last - 1];
        starts[first] = start;
        ends[first] = end;
        removeRanges(first + 1, last - first - 1);
        int added = end - start - mergedBytes;
        sackedBytes += added;
        return added > 0;
    }

    /** Inserts a range touching no other at {@code index}, evicting the highest range when full. */
    private boolean insert(int index, int left, int right) {
        if (count == MAX_RANGES) {
            capacityHits++;
            if (index == count) {
                return false;
            }
            count--;
            sackedBytes -= ends[count] - starts[count];
        }
        int moved = count - index;
        System.arraycopy(starts, index, starts, index + 1, moved);
        System.arraycopy(ends, index, ends, index + 1, moved);
        rangeSteps += moved;
        starts[index] = left;
        ends[index] = right;
        count++;
        sackedBytes += right - left;
        return true;
    }

    /** Removes {@code removed} ranges from {@code index} on, without touching {@link #sackedBytes}. */
    private void removeRanges(int index, int removed) {
        if (removed == 0) {
            return;
        }
        int moved = count - index - removed;
        System.arraycopy(starts, index + removed, starts, index, moved);
        System.arraycopy(ends, index + removed, ends, index, moved);
        rangeSteps += moved;
        count -= removed;
    }

    /** SND.NXT moved back to {@code limit} (go-back after a timeout): nothing above it is outstanding. */
    private void dropAbove(int limit) {
        while (count > 0 && !before(starts[count - 1], limit)) {
            count--;
            sackedBytes -= ends[count] - starts[count];
        }
        if (count > 0 && after(ends[count - 1], limit)) {
            sackedBytes -= ends[count - 1] - limit;
            ends[count - 1] = limit;
        }
        if (after(highRxt, limit)) {
            highRxt = limit;
        }
    }

    /** Whether loss recovery is under way: entered and RecoveryPoint not yet cumulatively ACKed. */
    public boolean inRecovery() {
        return inRecovery;
    }

    /**
     * Whether {@link #enterRecovery()} may be called: not in recovery, and not held off after a timeout
     * during recovery (RFC 6675 5.1).
     */
    public boolean canEnterRecovery() {
        return !inRecovery && !recoveryHeldOff;
    }

    /** RecoveryPoint: the SND.NXT at which the current (or last) recovery ends, exclusive. */
    public int recoveryPoint() {
        return recoveryPoint;
    }

    /** HighACK as SND.UNA: the first octet not cumulatively acknowledged. */
    public int highAck() {
        return highAck;
    }

    /** HighData as SND.NXT: the octet after the highest sent. */
    public int highData() {
        return highData;
    }

    /** HighRxt, exclusive: octets below it have been retransmitted in this recovery (at least SND.UNA). */
    public int highRxt() {
        return highRxt;
    }

    /** First sequence number of the segment chosen by the last {@link #nextSeg} or {@link #enterRecovery()}. */
    public int segmentStart() {
        return segmentStart;
    }

    /** Octets of the segment chosen by the last {@link #nextSeg} or {@link #enterRecovery()}; 0 for NONE. */
    public int segmentLength() {
        return segmentLength;
    }

    /** Octets SACKed above SND.UNA, as far as the kept ranges tell. */
    public int sackedBytes() {
        return sackedBytes;
    }

    /** Number of disjoint SACKed ranges, at most {@link #MAX_RANGES}. */
    public int rangeCount() {
        return count;
    }

    /** Left edge of SACKed range {@code index}, ranges in ascending sequence order. */
    public int rangeStart(int index) {
        return starts[checkRange(index)];
    }

    /** Right edge (exclusive) of SACKed range {@code index}, ranges in ascending sequence order. */
    public int rangeEnd(int index) {
        return ends[checkRange(index)];
    }

    private int checkRange(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("range " + index + " of " + count);
        }
        return index;
    }

    /**
     * Disjoint ranges that were forgotten or evicted because {@link #MAX_RANGES} were already kept; the engine
     * counts them in {@link io.usertcp.tcp.TcpCounter#SACK_RANGES_DISCARDED}.
     */
    public long capacityHits() {
        return capacityHits;
    }

    /** Cumulative ACKs that reached SACKed data, showing the receiver had discarded it (RFC 2018 8). */
    public long reneges() {
        return reneges;
    }

    /**
     * SACK blocks ignored as reversed, empty, beyond SND.NXT, or below SND.UNA outside D-SACK position; the engine
     * counts them in {@link io.usertcp.tcp.TcpCounter#SACK_BLOCKS_REJECTED}.
     */
    public long invalidBlocks() {
        return invalidBlocks;
    }

    /**
     * Work meter: ranges examined or moved by {@link #update} and {@link #advance}, summed over the
     * scoreboard's life. At most 2 * {@link #MAX_RANGES} per SACK block and {@link #MAX_RANGES} per cumulative
     * advance, which is what keeps a hostile ACK stream at flat cost.
     */
    public long rangeSteps() {
        return rangeSteps;
    }

    /** For logs and test messages. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("SackScoreboard{una=").append(Integer.toUnsignedString(highAck))
                .append(" nxt=").append(Integer.toUnsignedString(highData))
                .append(" highRxt=").append(Integer.toUnsignedString(highRxt));
        if (inRecovery) {
            text.append(" recoveryPoint=").append(Integer.toUnsignedString(recoveryPoint));
        }
        for (int range = 0; range < count; range++) {
            text.append(range == 0 ? " sacked=" : ",")
                    .append(Integer.toUnsignedString(starts[range])).append('-')
                    .append(Integer.toUnsignedString(ends[range]));
        }
        return text.append('}').toString();
    }

    // RFC 9293 3.4: sequence numbers compare modulo 2^32
    private static boolean before(int a, int b) {
        return a - b < 0;
    }

    private static boolean after(int a, int b) {
        return a - b > 0;
    }
}
