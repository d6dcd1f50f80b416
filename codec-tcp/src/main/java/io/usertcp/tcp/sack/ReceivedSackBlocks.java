package io.usertcp.tcp.sack;

import io.usertcp.codec.tcp.TcpOptions;

/**
 * The data receiver's side of SACK (RFC 2018 4): which out-of-order blocks to report in each outgoing ACK,
 * and in what order. One per connection, owned by its event loop; its one array is allocated with it and
 * nothing allocates per ACK.
 *
 * <p>The reassembly queue owns the out-of-order data. This class remembers only the blocks an ACK can
 * carry, at most {@link TcpOptions#MAX_SACK_BLOCKS}, ordered by how recently each was the first block:
 * <ul>
 * <li>{@link #received} for each segment queued out of order, with the whole contiguous block of queued
 *     data that now holds it: that block goes first in the next ACK and merges with the blocks it touches;</li>
 * <li>{@link #fill} for each outgoing ACK: blocks covered by RCV.NXT vanish, the rest are written newest
 *     first, as many as the caller allows (3 beside timestamps, else 4);</li>
 * <li>{@link #clear} when queued out-of-order data is discarded (reneging, RFC 2018 8), since a block must
 *     only report data held.</li>
 * </ul>
 *
 * <p>Queued blocks beyond the four remembered go unreported until a segment next lands in one; the peer
 * loses nothing by it, as it keeps what earlier ACKs reported (RFC 2018 4 repeats recent blocks for the
 * same reason: ACKs get lost).
 *
 * <p>D-SACK (RFC 2883) is implemented: {@link #duplicateReceived} makes the next ACK report the duplicate
 * as its first block, followed by the block containing it, if any. Only a D-SACK may lie below RCV.NXT.
 */
public final class ReceivedSackBlocks {
    private static final int CAPACITY = TcpOptions.MAX_SACK_BLOCKS;

    /** Left edge of block i at 2i, right edge at 2i + 1; block 0 is the most recently reported first. */
    private final int[] edges = new int[2 * CAPACITY];
    private int count;

    private boolean duplicatePending;
    private int duplicateLeft;
    private int duplicateRight;

    /**
     * A segment was queued out of order and now lies in the contiguous queued block [left, right). That
     * block becomes the newest (RFC 2018 4: the first block reports the segment that triggered the ACK);
     * remembered blocks it overlaps or touches are merged into it, and the least recently reported block
     * is forgotten when all {@link TcpOptions#MAX_SACK_BLOCKS} are taken. An empty block is ignored.
     */
    public void received(int left, int right) {
        if (!before(left, right)) {
            return;
        }
        int kept = 0;
        for (int block = 0; block < count; block++) {
            int blockLeft = edges[2 * block];
            int blockRight = edges[2 * block + 1];
            if (!after(blockLeft, right) && !before(blockRight, left)) {
                left = before(blockLeft, left) ? blockLeft : left;
                right = after(blockRight, right) ? blockRight : right;
            } else {
                edges[2 * kept] = blockLeft;
                edges[2 * kept + 1] = blockRight;
                kept++;
            }
        }
        count = kept == CAPACITY ? CAPACITY - 1 : kept;
        System.arraycopy(edges, 0, edges, 2, 2 * count);
        edges[0] = left;
        edges[1] = right;
        count++;
    }

    /**
     * A segment carried [left, right), data already received (below RCV.NXT or already queued): the next
     * ACK reports it first as a D-SACK (RFC 2883 4). Replaces a D-SACK not yet sent; an empty range is
     * ignored.
     */
    public void duplicateReceived(int left, int right) {
        if (!before(left, right)) {
            return;
        }
        duplicatePending = true;
        duplicateLeft = left;
        duplicateRight = right;
    }

    /** Out-of-order data was discarded: forget every block, and any pending D-SACK. */
    public void clear() {
        count = 0;
        duplicatePending = false;
    }

    /**
     * Adds the SACK blocks for an outgoing ACK to {@code options} and returns how many. First drops what
     * {@code rcvNxt} covers (RFC 2018 4: blocks report only data above RCV.NXT). Then writes a pending
     * D-SACK followed by the block containing it (RFC 2883 4), then the remembered blocks, most recently
     * reported first, stopping at {@code maxBlocks} (3 when timestamps are on, else 4; RFC 2018 3) or when
     * {@code options} is full. A D-SACK is reported in one ACK only.
     */
    public int fill(TcpOptions options, int rcvNxt, int maxBlocks) {
        dropCovered(rcvNxt);
        int room = Math.min(maxBlocks, TcpOptions.MAX_SACK_BLOCKS - options.sackBlockCount());
        if (room <= 0) {
            return 0;
        }
        int added = 0;
        int containing = -1;
        if (duplicatePending) {
            duplicatePending = false;
            options.addSackBlock(duplicateLeft, duplicateRight);
            added++;
            containing = blockContaining(duplicateLeft, duplicateRight);
            if (containing >= 0 && added < room) {
                options.addSackBlock(edges[2 * containing], edges[2 * containing + 1]);
                added++;
            }
        }
        for (int block = 0; block < count && added < room; block++) {
            if (block != containing) {
                options.addSackBlock(edges[2 * block], edges[2 * block + 1]);
                added++;
            }
        }
        return added;
    }

    private int blockContaining(int left, int right) {
        for (int block = 0; block < count; block++) {
            if (!before(left, edges[2 * block]) && !after(right, edges[2 * block + 1])) {
                return block;
            }
        }
        return -1;
    }

    /** Removes blocks at or below {@code rcvNxt} and trims one straddling it, keeping the order. */
    private void dropCovered(int rcvNxt) {
        int kept = 0;
        for (int block = 0; block < count; block++) {
            int left = edges[2 * block];
            int right = edges[2 * block + 1];
            if (after(right, rcvNxt)) {
                edges[2 * kept] = before(left, rcvNxt) ? rcvNxt : left;
                edges[2 * kept + 1] = right;
                kept++;
            }
        }
        count = kept;
    }

    /** Blocks remembered (before {@link #fill} drops those RCV.NXT has covered). */
    public int blockCount() {
        return count;
    }

    // RFC 9293 3.4: sequence numbers compare modulo 2^32
    private static boolean before(int a, int b) {
        return a - b < 0;
    }

    private static boolean after(int a, int b) {
        return a - b > 0;
    }
}
