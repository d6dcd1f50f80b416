package io.usertcp.ip.reassembly;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;

import java.util.Arrays;

/**
 * One datagram being reassembled, or one remembered after it was discarded so that its later fragments are
 * dropped on arrival. Instances are reused through the reassembler's free list; the fragment arrays are
 * allocated on first need, double when full (the reassembler caps the count) and are kept for the next
 * datagram.
 */
final class PendingDatagram {
    private static final int INITIAL_FRAGMENTS = 4;

    /** RFC 791 3.2: source, destination, protocol and identification name the datagram. */
    long addresses;
    int protocolAndIdentification;

    long deadlineNanos;
    /** Neighbours in deadline order, which is arrival order of first fragments. */
    PendingDatagram older;
    PendingDatagram newer;

    /** Why the datagram was discarded; null while it is being reassembled. */
    DropReason discardedFor;

    // Held fragments, sorted by offset, never overlapping: payload bytes [starts[i], ends[i]) are pieces[i].
    private int[] starts;
    private int[] ends;
    private ByteBuf[] pieces;
    private int count;

    int receivedBytes;
    /** Payload length of the whole datagram; {@link #UNKNOWN} until the fragment without MF arrives. */
    int payloadLength;
    /** Header length of the fragment at offset 0, 0 until it arrives; its piece then begins with that header. */
    int headerLength;
    long chargedBytes;

    static final int UNKNOWN = -1;

    void begin(long addresses, int protocolAndIdentification, long deadlineNanos) {
        this.addresses = addresses;
        this.protocolAndIdentification = protocolAndIdentification;
        this.deadlineNanos = deadlineNanos;
        discardedFor = null;
        receivedBytes = 0;
        payloadLength = UNKNOWN;
        headerLength = 0;
        chargedBytes = 0;
    }

    boolean matches(long addresses, int protocolAndIdentification) {
        return this.addresses == addresses && this.protocolAndIdentification == protocolAndIdentification;
    }

    int fragmentCount() {
        return count;
    }

    /** Where held data ends so far, 0 when nothing is held. */
    int furthestEnd() {
        return count == 0 ? 0 : ends[count - 1];
    }

    /** Index of the first held fragment starting at or after {@code start}, or {@link #fragmentCount()}. */
    int insertionPoint(int start) {
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (starts[middle] < start) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    int start(int fragment) {
        return starts[fragment];
    }

    int end(int fragment) {
        return ends[fragment];
    }

    ByteBuf piece(int fragment) {
        return pieces[fragment];
    }

    /** Index in {@link #piece} of the fragment's first payload byte: past the header for the first fragment. */
    int dataIndex(int fragment) {
        return starts[fragment] == 0 ? headerLength : 0;
    }

    /** Holds {@code piece} (whose reference passes to this datagram) at sorted position {@code at}. */
    void insert(int at, int start, int end, ByteBuf piece) {
        if (starts == null) {
            starts = new int[INITIAL_FRAGMENTS];
            ends = new int[INITIAL_FRAGMENTS];
            pieces = new ByteBuf[INITIAL_FRAGMENTS];
        } else if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
            pieces = Arrays.copyOf(pieces, count * 2);
        }
        System.arraycopy(starts, at, starts, at + 1, count - at);
        System.arraycopy(ends, at, ends, at + 1, count - at);
        System.arraycopy(pieces, at, pieces, at + 1, count - at);
        starts[at] = start;
        ends[at] = end;
        pieces[at] = piece;
        count++;
        receivedBytes += end - start;
    }

    /** Releases every held piece and returns how many there were. */
    int releaseFragments() {
        int released = count;
        for (int i = 0; i < count; i++) {
            pieces[i].release();
            pieces[i] = null;
        }
        count = 0;
        receivedBytes = 0;
        headerLength = 0;
        chargedBytes = 0;
        return released;
    }
}
