package io.usertcp.tcp.reassembly;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * The receive side's out-of-order queue of one connection: data that arrived beyond RCV.NXT, held until
 * the hole before it fills (RFC 9293 3.10.7.4: segments beyond RCV.NXT are held for later processing).
 *
 * <p><b>Zero copy.</b> Each held piece is a slice of a received frame. {@link #offer} takes its own
 * reference with {@link ByteBuf#retainedSlice(int, int)} (the caller keeps and releases its own);
 * {@link #poll} hands that very slice to the caller, who then owns its reference. Every other way a
 * piece leaves (trimmed away, replaced, pruned, {@link #clear()}) releases it exactly once.
 *
 * <p><b>Overlap.</b> Held pieces never overlap, so every byte is held at most once. Segments may overlap
 * (RFC 9293 3.10.7.4) and the RFC does not say which copy of a byte to keep; the rule here is: a segment
 * that brings no new byte changes nothing ({@link OfferOutcome#DUPLICATE}); any other segment is stored
 * whole as one piece and the held pieces it overlaps give way (released if covered, trimmed if partly
 * covered). So an offer adds at most one piece, and a retransmission covering many small pieces replaces
 * them.
 *
 * <p><b>Caps.</b> {@code maxBytes} caps the payload bytes held and {@code maxPieces} the pieces. A piece
 * pins its whole frame, so the piece cap also bounds the memory really held (pieces times frame size).
 * When a segment does not fit, held data lying wholly above it is pruned, highest first: RFC 9293
 * 3.10.7.4 says only SHOULD hold out-of-order segments and RFC 2018 8 lets a receiver short of buffer
 * space discard data it has SACKed, and the highest data is the farthest from delivery (Linux prunes its
 * out-of-order queue from the right too). Pruning happens only if the
 * segment, or the prefix of it that the byte cap leaves room for, will then be stored; otherwise the new
 * bytes are refused. Both are counted ({@link #prunedBytes()}, {@link #refusedBytes()}). Data is also
 * refused beyond {@link #MAX_REACH} past RCV.NXT, which keeps all held data in one short stretch of the
 * sequence space so that modular comparisons order it consistently.
 *
 * <p><b>Cost.</b> With n held pieces (n &le; maxPieces): offer is a binary search plus a walk over the
 * pieces the segment overlaps plus at most one array shift, O(n) at worst; when a cap is hit, one more
 * O(n) pass. Poll is O(1) per delivered piece. The merged ranges are rebuilt, O(n), on the first range
 * query after a change. So an attacker's thousands of one-byte segments cost at most O(maxPieces) each
 * (SegmentSmack, CVE-2018-5390), as {@link #slotSteps()} measures.
 *
 * <p><b>Memory.</b> An empty queue holds no arrays. The first stored piece allocates arrays of 8 slots,
 * which double up to {@code maxPieces}; they are dropped when the queue empties again. Besides that, a
 * stored piece allocates only its slice object; delivery allocates nothing.
 *
 * <p>Owned by the connection's event loop: no synchronization. Callers pass their current RCV.NXT,
 * which never moves backwards; should it jump, held data outside the new reach is discarded rather than
 * misordered.
 */
public final class OutOfOrderQueue {
    /**
     * How far past RCV.NXT data may lie: RFC 7323 2.3 caps a scaled window at 2^30 bytes, so no acceptable
     * segment reaches further.
     */
    public static final int MAX_REACH = 1 << 30;
    private static final int INITIAL_SLOTS = 8;

    private final int maxBytes;
    private final int maxPieces;

    // Held pieces, sorted by sequence, non-empty, non-overlapping, in slots [first, first + count):
    // piece k holds sequence numbers [starts[k], ends[k]).
    private int[] starts;
    private int[] ends;
    private ByteBuf[] pieces;
    private int first;
    private int count;
    private int heldBytes;

    // Maximal runs of contiguous pieces, rebuilt lazily after a change.
    private int[] rangeStarts;
    private int[] rangeEnds;
    private int rangeCount;
    private boolean rangesStale;

    // The first byte the last offer left held, for the first SACK block (RFC 2018 4).
    private int lastOfferSeq;
    private boolean lastOfferHeld;

    private long refusedOffers;
    private long refusedBytes;
    private long prunedPieces;
    private long prunedBytes;
    private long slotSteps;

    // What measure() found about a segment [from, to) (offsets from RCV.NXT).
    private int overlapFrom;
    private int overlapTo;
    private int overlapBytes;
    private int coveredPieces;

    /**
     * @param maxBytes  most payload bytes held at once, at least 1
     * @param maxPieces most pieces (stored segment slices) held at once, at least 1
     */
    public OutOfOrderQueue(int maxBytes, int maxPieces) {
        if (maxBytes < 1 || maxPieces < 1) {
            throw new IllegalArgumentException("caps must be positive: maxBytes " + maxBytes
                    + ", maxPieces " + maxPieces);
        }
        this.maxBytes = maxBytes;
        this.maxPieces = maxPieces;
    }

    /**
     * Offers the data of a segment that starts at {@code seq}, normally beyond {@code rcvNxt}. Bytes
     * before {@code rcvNxt} are ignored and held data that {@code rcvNxt} has passed is released first.
     * The queue takes its own reference to what it stores; {@code payload}'s reader index and reference
     * count are left as they were. The class comment tells how overlaps and caps are handled.
     *
     * @param rcvNxt  the connection's RCV.NXT
     * @param seq     sequence number of the first byte of {@code payload}
     * @param payload the segment's data, its readable bytes
     */
    public OfferOutcome offer(int rcvNxt, int seq, ByteBuf payload) {
        lastOfferHeld = false;
        discardOutside(rcvNxt);
        int length = payload.readableBytes();
        long seqOffset = seq - rcvNxt;
        long endOffset = seqOffset + length;
        if (length == 0 || endOffset <= 0) {
            return OfferOutcome.DUPLICATE;
        }
        // Bytes before RCV.NXT were delivered already; none lies acceptably beyond MAX_REACH.
        int from = (int) Math.max(seqOffset, 0);
        int to = (int) Math.min(endOffset, MAX_REACH);
        long refused = endOffset - Math.max(to, from);
        if (to <= from) {
            return refuse(refused);
        }
        measure(rcvNxt, from, to);
        int fresh = to - from - overlapBytes;
        if (fresh == 0) {
            if (refused > 0) {
                return refuse(refused);
            }
            rememberOffer(rcvNxt + from);
            return OfferOutcome.DUPLICATE;
        }
        boolean hadOldBytes = seqOffset < 0 || overlapBytes > 0;
        if (heldBytes + fresh > maxBytes || count + 1 - coveredPieces > maxPieces) {
            int fittingTo = makeRoom(rcvNxt, from, to, fresh);
            if (fittingTo == from) {
                return refuse(refused + fresh);
            }
            to = fittingTo;
            int storable = to - from - overlapBytes;
            refused += fresh - storable;
        }
        store(rcvNxt, from, to, seq, payload);
        rememberOffer(rcvNxt + from);
        if (refused > 0) {
            refusedOffers++;
            refusedBytes += refused;
            return OfferOutcome.PARTLY_STORED;
        }
        return hadOldBytes ? OfferOutcome.PARTLY_STORED : OfferOutcome.STORED;
    }

    /**
     * Takes the held piece that starts exactly at {@code rcvNxt}, or returns null when the data at
     * {@code rcvNxt} has not arrived. Held data before {@code rcvNxt} is released first, and a piece that
     * straddles it is trimmed. The caller owns the returned slice (release it once), advances RCV.NXT by
     * its readable bytes and polls again until null.
     */
    public ByteBuf poll(int rcvNxt) {
        discardOutside(rcvNxt);
        if (count == 0 || starts[first] != rcvNxt) {
            return null;
        }
        ByteBuf piece = pieces[first];
        slotSteps++;
        heldBytes -= ends[first] - starts[first];
        pieces[first] = null;
        first++;
        count--;
        changed();
        return piece;
    }

    /** Releases every held piece; the counters keep their values. */
    public void clear() {
        for (int k = first; k < first + count; k++) {
            pieces[k].release();
            pieces[k] = null;
        }
        count = 0;
        heldBytes = 0;
        changed();
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Payload bytes held. */
    public int heldBytes() {
        return heldBytes;
    }

    /** Pieces held (each one a slice of one received segment). */
    public int heldPieces() {
        return count;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int maxPieces() {
        return maxPieces;
    }

    /** Number of maximal runs of contiguous held bytes, in sequence order (the SACK blocks on offer). */
    public int rangeCount() {
        refreshRanges();
        return rangeCount;
    }

    /** Sequence number of the first byte of range {@code index}. */
    public int rangeStart(int index) {
        refreshRanges();
        return rangeStarts[Objects.checkIndex(index, rangeCount)];
    }

    /** Sequence number just past the last byte of range {@code index} (a SACK block's right edge). */
    public int rangeEnd(int index) {
        refreshRanges();
        return rangeEnds[Objects.checkIndex(index, rangeCount)];
    }

    /**
     * The range holding the data of the last {@link #offer}, or -1 if that offer left nothing held or its
     * data has been delivered since. RFC 2018 4: the first SACK block reports the range containing the
     * segment that triggered the ACK.
     */
    public int rangeOfLastOffer() {
        if (!lastOfferHeld) {
            return -1;
        }
        refreshRanges();
        int low = 0;
        int high = rangeCount - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (lastOfferSeq - rangeStarts[middle] < 0) {
                high = middle - 1;
            } else if (lastOfferSeq - rangeEnds[middle] >= 0) {
                low = middle + 1;
            } else {
                return middle;
            }
        }
        return -1;
    }

    /** Offers of which some new bytes were refused (by a cap or the reach limit). */
    public long refusedOffers() {
        return refusedOffers;
    }

    /** New bytes refused by a cap or the reach limit. */
    public long refusedBytes() {
        return refusedBytes;
    }

    /** Held pieces pruned to make room for lower data. */
    public long prunedPieces() {
        return prunedPieces;
    }

    /** Held bytes pruned to make room for lower data. */
    public long prunedBytes() {
        return prunedBytes;
    }

    /**
     * Work meter: slots examined, moved or released by {@link #offer}, {@link #poll} and the range queries, summed
     * over the queue's life. Each call costs O(maxPieces) at most, whatever was offered before, which is what keeps
     * a flood of one-byte holes (SegmentSmack, CVE-2018-5390) at flat cost per segment.
     */
    public long slotSteps() {
        return slotSteps;
    }

    /** Slots currently allocated per array; 0 while no arrays are held. For tests of idle memory. */
    int allocatedSlots() {
        return pieces == null ? 0 : pieces.length;
    }

    private OfferOutcome refuse(long bytes) {
        refusedOffers++;
        refusedBytes += bytes;
        return OfferOutcome.REFUSED;
    }

    private void rememberOffer(int seq) {
        lastOfferSeq = seq;
        lastOfferHeld = true;
    }

    /**
     * Releases held data before {@code rcvNxt} (delivered by the caller already) and data not ending
     * within {@link #MAX_REACH} of it (only if RCV.NXT jumped). Afterwards every held byte lies in
     * [rcvNxt, rcvNxt + MAX_REACH), so offsets from {@code rcvNxt} order the pieces.
     */
    private void discardOutside(int rcvNxt) {
        if (lastOfferHeld && lastOfferSeq - rcvNxt < 0) {
            lastOfferHeld = false;
        }
        if (count == 0 || starts[first] - rcvNxt >= 0 && withinReach(ends[first + count - 1] - rcvNxt)) {
            return;
        }
        // Held data spans at most MAX_REACH, so once the last piece ends within reach, the offsets of all
        // pieces run monotonically and the ones before rcvNxt form a prefix.
        while (count > 0 && !withinReach(ends[first + count - 1] - rcvNxt)) {
            releaseSlot(first + count - 1);
            count--;
        }
        while (count > 0 && ends[first] - rcvNxt <= 0) {
            releaseSlot(first);
            first++;
            count--;
        }
        if (count > 0 && starts[first] - rcvNxt < 0) {
            int delivered = rcvNxt - starts[first];
            pieces[first].skipBytes(delivered);
            starts[first] = rcvNxt;
            heldBytes -= delivered;
        }
        changed();
    }

    private static boolean withinReach(int endOffset) {
        return endOffset > 0 && endOffset <= MAX_REACH;
    }

    private void releaseSlot(int slot) {
        slotSteps++;
        heldBytes -= ends[slot] - starts[slot];
        pieces[slot].release();
        pieces[slot] = null;
    }

    /** Fills the overlap fields for the segment [from, to), offsets from {@code rcvNxt}. */
    private void measure(int rcvNxt, int from, int to) {
        int low = first;
        int high = first + count;
        while (low < high) {
            slotSteps++;
            int middle = (low + high) >>> 1;
            if (ends[middle] - rcvNxt <= from) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        overlapFrom = low;
        int bytes = 0;
        int covered = 0;
        int slot = low;
        for (int last = first + count; slot < last && starts[slot] - rcvNxt < to; slot++) {
            slotSteps++;
            int pieceStart = starts[slot] - rcvNxt;
            int pieceEnd = ends[slot] - rcvNxt;
            bytes += Math.min(pieceEnd, to) - Math.max(pieceStart, from);
            if (pieceStart >= from && pieceEnd <= to) {
                covered++;
            }
        }
        overlapTo = slot;
        overlapBytes = bytes;
        coveredPieces = covered;
    }

    /**
     * Makes room for the segment [from, to) with {@code fresh} new bytes, measured already: finds the
     * longest prefix that fits once everything above it is pruned, then prunes only as much as that
     * prefix needs. Returns the prefix's end, or {@code from} if nothing fits (nothing is pruned then).
     */
    private int makeRoom(int rcvNxt, int from, int to, int fresh) {
        int last = first + count;
        int bytesAbove = 0;
        for (int slot = overlapTo; slot < last; slot++) {
            bytesAbove += ends[slot] - starts[slot];
        }
        slotSteps += last - overlapTo;
        int budget = maxBytes - (heldBytes - bytesAbove);
        if (budget <= 0) {
            return from;
        }
        if (fresh > budget) {
            to = prefixEnd(rcvNxt, from, budget);
            measure(rcvNxt, from, to);
        }
        int piecesBelow = overlapTo - first - coveredPieces;
        if (piecesBelow + 1 > maxPieces) {
            return from;
        }
        int storable = to - from - overlapBytes;
        while (first + count > overlapTo
                && (heldBytes + storable > maxBytes || count + 1 - coveredPieces > maxPieces)) {
            int slot = first + count - 1;
            prunedPieces++;
            prunedBytes += ends[slot] - starts[slot];
            releaseSlot(slot);
            count--;
        }
        return to;
    }

    /** The end of the prefix of the measured segment starting at {@code from} that holds {@code budget} new bytes. */
    private int prefixEnd(int rcvNxt, int from, int budget) {
        int cursor = from;
        for (int slot = overlapFrom; slot < overlapTo; slot++) {
            slotSteps++;
            int pieceStart = starts[slot] - rcvNxt;
            if (pieceStart > cursor) {
                int gap = pieceStart - cursor;
                if (gap >= budget) {
                    return cursor + budget;
                }
                budget -= gap;
            }
            cursor = Math.max(cursor, ends[slot] - rcvNxt);
        }
        return cursor + budget;
    }

    /**
     * Stores [from, to) of the measured segment as one piece: an overlapped piece keeps only what lies
     * outside the segment, and pieces inside it are released.
     */
    private void store(int rcvNxt, int from, int to, int seq, ByteBuf payload) {
        int low = overlapFrom;
        int high = overlapTo;
        if (low < high && starts[low] - rcvNxt < from) {
            int cut = ends[low] - rcvNxt - from;
            ByteBuf kept = pieces[low];
            kept.writerIndex(kept.writerIndex() - cut);
            ends[low] = rcvNxt + from;
            heldBytes -= cut;
            low++;
        }
        if (low < high && ends[high - 1] - rcvNxt > to) {
            int cut = to - (starts[high - 1] - rcvNxt);
            pieces[high - 1].skipBytes(cut);
            starts[high - 1] = rcvNxt + to;
            heldBytes -= cut;
            high--;
        }
        for (int slot = low; slot < high; slot++) {
            releaseSlot(slot);
        }
        int slot = high > low ? collapse(low, high) : openSlot(low);
        int pieceSeq = rcvNxt + from;
        starts[slot] = pieceSeq;
        ends[slot] = rcvNxt + to;
        pieces[slot] = payload.retainedSlice(payload.readerIndex() + (pieceSeq - seq), to - from);
        heldBytes += to - from;
        changed();
    }

    /** Turns the released slots [low, high) into the single slot {@code low}. */
    private int collapse(int low, int high) {
        int last = first + count;
        int removed = high - low - 1;
        if (removed > 0) {
            slotSteps += last - high;
            System.arraycopy(starts, high, starts, low + 1, last - high);
            System.arraycopy(ends, high, ends, low + 1, last - high);
            System.arraycopy(pieces, high, pieces, low + 1, last - high);
            for (int slot = last - removed; slot < last; slot++) {
                pieces[slot] = null;
            }
            count -= removed;
        }
        return low;
    }

    /** Opens an empty slot before the piece now at {@code slot} (or at the end) and returns its index. */
    private int openSlot(int slot) {
        if (pieces == null) {
            int slots = Math.min(INITIAL_SLOTS, maxPieces);
            starts = new int[slots];
            ends = new int[slots];
            pieces = new ByteBuf[slots];
            first = 0;
            slot = 0;
        } else if (count == pieces.length) {
            grow();
            slot -= first;
            first = 0;
        }
        int last = first + count;
        slotSteps += count;
        if (last < pieces.length) {
            System.arraycopy(starts, slot, starts, slot + 1, last - slot);
            System.arraycopy(ends, slot, ends, slot + 1, last - slot);
            System.arraycopy(pieces, slot, pieces, slot + 1, last - slot);
        } else {
            // Deliveries freed the front: move everything there, so appends that follow find room at
            // the end without shifting again.
            int gap = slot - first;
            System.arraycopy(starts, first, starts, 0, gap);
            System.arraycopy(ends, first, ends, 0, gap);
            System.arraycopy(pieces, first, pieces, 0, gap);
            System.arraycopy(starts, slot, starts, gap + 1, last - slot);
            System.arraycopy(ends, slot, ends, gap + 1, last - slot);
            System.arraycopy(pieces, slot, pieces, gap + 1, last - slot);
            for (int stale = count + 1; stale < last; stale++) {
                pieces[stale] = null;
            }
            first = 0;
            slot = gap;
        }
        count++;
        return slot;
    }

    /** Doubles the arrays (up to maxPieces; the caller has checked the cap) and moves the pieces to slot 0. */
    private void grow() {
        int slots = Math.min(maxPieces, pieces.length * 2);
        int[] newStarts = new int[slots];
        int[] newEnds = new int[slots];
        ByteBuf[] newPieces = new ByteBuf[slots];
        System.arraycopy(starts, first, newStarts, 0, count);
        System.arraycopy(ends, first, newEnds, 0, count);
        System.arraycopy(pieces, first, newPieces, 0, count);
        starts = newStarts;
        ends = newEnds;
        pieces = newPieces;
        rangeStarts = null;
        rangeEnds = null;
    }

    private void changed() {
        rangesStale = true;
        if (count == 0) {
            lastOfferHeld = false;
            // Idle connections stay small: no arrays while nothing is held.
            starts = null;
            ends = null;
            pieces = null;
            rangeStarts = null;
            rangeEnds = null;
            first = 0;
        }
    }

    private void refreshRanges() {
        if (!rangesStale) {
            return;
        }
        rangesStale = false;
        rangeCount = 0;
        if (count == 0) {
            return;
        }
        if (rangeStarts == null) {
            rangeStarts = new int[pieces.length];
            rangeEnds = new int[pieces.length];
        }
        slotSteps += count;
        for (int slot = first, last = first + count; slot < last; slot++) {
            if (rangeCount > 0 && rangeEnds[rangeCount - 1] == starts[slot]) {
                rangeEnds[rangeCount - 1] = ends[slot];
            } else {
                rangeStarts[rangeCount] = starts[slot];
                rangeEnds[rangeCount] = ends[slot];
                rangeCount++;
            }
        }
    }
}
