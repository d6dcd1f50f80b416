package io.usertcp.ip.reassembly;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.hash.SeededHash;

import java.util.Objects;

/**
 * Reassembles IPv4 datagrams from their fragments (RFC 791 3.2, RFC 1122 3.3.2). One per stack event loop,
 * owned by that thread: no locks.
 *
 * <p><b>Buffers.</b> While a datagram is incomplete each fragment is held as a retained slice of the frame
 * it arrived in: nothing is copied. When the last missing fragment arrives, {@link #offer} copies the
 * datagram once into a new contiguous direct buffer from the allocator and returns it, rather than a
 * composite of the slices: the layers above read headers by absolute index and checksum the data, which is
 * cheaper on one contiguous buffer, and the frames are freed at once. The returned buffer holds the whole
 * datagram, header first, so the caller wraps it with {@link Ipv4Packet#wrap} and carries on as for an
 * unfragmented datagram: the header is the first fragment's (RFC 791 3.2), options included, with the total
 * length set, MF and fragment offset cleared and the checksum recomputed.
 *
 * <p><b>Hostile fragments</b> (RFC 5722's rule for IPv6, applied to IPv4 as Linux does; the teardrop and
 * ping-of-death attacks). Held fragments never overlap. A fragment repeating a held one (same range, same
 * bytes, same MF) is ignored; any other overlap, a fragment past the datagram's known end, a second last
 * fragment ending elsewhere, a last fragment ending before data already held, an empty fragment, a non-last
 * fragment whose length is not a multiple of 8, a datagram that would exceed 65,535 bytes or need more
 * fragments than the cap: each discards the whole datagram. Its key is then remembered, holding no data,
 * until the datagram would have timed out, and its later fragments are dropped on arrival.
 *
 * <p><b>Limits</b> ({@link FragmentReassemblerConfig}). Each fragment is charged the capacity of its
 * frame's buffer, which the slice keeps alive. When a new fragment would take the total charge past the
 * memory cap, or a new datagram would exceed the datagram cap, the oldest datagrams are evicted until it
 * fits, so a flood of incomplete datagrams cannot lock out new ones; a datagram that cannot fit even alone
 * is refused. A datagram not complete within the timeout of its first fragment's arrival is dropped, and
 * {@link ReassemblyTimeoutListener} hears of it when its first fragment had arrived.
 *
 * <p><b>Counting.</b> Every fragment offered ends in exactly one of three places: held, inside a returned
 * datagram, or dropped with one increment of a {@code FRAGMENT_*} {@link DropReason} in the stack's
 * {@link DropCounters} (held fragments of a discarded datagram count under its reason when released). The
 * datagram counters ({@link #reassembledDatagrams()} and the others) count datagrams instead.
 *
 * <p><b>Cost and memory.</b> Datagrams sit on one list in deadline order, so {@link #expire} costs O(1) plus
 * O(1) per datagram due, and eviction takes the list's head. A fragment costs one keyed hash lookup plus
 * O(fragments of its datagram) to place. Datagram records, and each record's fragment arrays, are
 * allocated on first need and reused; steady-state offers allocate only the retained slices (which pooled
 * buffers recycle) and the buffer of each completed datagram.
 *
 * <p>Times are {@code long} nanoseconds from {@code io.netty.util.concurrent.Ticker#nanoTime()} and must
 * never go backwards.
 */
public final class FragmentReassembler {

    // RFC 791 3.1: positions of the header fields rewritten in the reassembled datagram.
    private static final int TOTAL_LENGTH_FIELD = 2;
    private static final int FLAGS_AND_OFFSET_FIELD = 6;
    private static final int CHECKSUM_FIELD = 10;
    /** The reserved bit and DF survive reassembly; MF and the offset describe a fragment, not the datagram. */
    private static final int FLAGS_KEPT = 0x8000 | Ipv4Packet.FLAG_DONT_FRAGMENT;
    /** RFC 791 3.1: the 16-bit total length bounds header plus payload. */
    private static final int MAX_PAYLOAD_END = Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH;

    private final long maxMemoryBytes;
    private final int maxDatagrams;
    private final int maxFragmentsPerDatagram;
    private final long timeoutNanos;
    private final ByteBufAllocator allocator;
    private final DropCounters drops;
    private final ReassemblyTimeoutListener timeoutListener;
    private final DatagramIndex index;
    private final Ipv4Packet firstFragmentView = new Ipv4Packet();

    // Tracked datagrams in deadline order; recycled records chained through 'newer'.
    private PendingDatagram oldest;
    private PendingDatagram newest;
    private PendingDatagram recycled;
    private int tracked;

    private long heldBytes;
    private int heldFragments;

    private long reassembled;
    private long timedOut;
    private long overlapping;
    private long oversize;
    private long malformed;
    private long tooFragmented;
    private long evicted;
    private long refusedForMemory;

    /**
     * @param allocator       allocates the buffer of each reassembled datagram
     * @param drops           the stack's drop counters, incremented once per fragment dropped
     * @param timeoutListener told of timed-out datagrams whose first fragment had arrived
     */
    public FragmentReassembler(FragmentReassemblerConfig config, ByteBufAllocator allocator, DropCounters drops,
                               ReassemblyTimeoutListener timeoutListener) {
        maxMemoryBytes = config.maxMemoryBytes();
        maxDatagrams = config.maxDatagrams();
        maxFragmentsPerDatagram = config.maxFragmentsPerDatagram();
        timeoutNanos = config.timeoutNanos();
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.drops = Objects.requireNonNull(drops, "drops");
        this.timeoutListener = Objects.requireNonNull(timeoutListener, "timeoutListener");
        index = new DatagramIndex(maxDatagrams, new SeededHash());
    }

    /**
     * Takes one fragment of a datagram addressed to this host. The reassembler retains what it keeps; the
     * caller still owns, and releases as usual, the frame {@code fragment} views. Expired datagrams are
     * dropped first, as by {@link #expire}.
     *
     * @param fragment a view, already validated by {@link Ipv4Packet#wrap}, of a datagram with MF set or a
     *                 non-zero fragment offset
     * @return the reassembled datagram, header first, when this fragment completed it (the caller owns and
     *         releases it); null while the datagram is incomplete, or when the fragment or its datagram was
     *         dropped
     * @throws IllegalArgumentException if {@code fragment} is not a fragment, a bug in the caller
     */
    public ByteBuf offer(Ipv4Packet fragment, long nowNanos) {
        if (!fragment.isFragment()) {
            throw new IllegalArgumentException("not a fragment: MF clear and offset 0");
        }
        expire(nowNanos);
        long addresses = (long) fragment.sourceAddress() << 32 | (fragment.destinationAddress() & 0xFFFF_FFFFL);
        int protocolAndIdentification = fragment.protocol() << 16 | fragment.identification();
        PendingDatagram datagram = index.get(addresses, protocolAndIdentification);
        if (datagram != null && datagram.discardedFor != null) {
            drops.increment(datagram.discardedFor);
            return null;
        }
        int start = fragment.fragmentOffset();
        int length = fragment.payloadLength();
        int end = start + length;
        boolean last = !fragment.moreFragments();
        // RFC 791 3.2: fragments other than the last carry a multiple of 8 bytes; an empty one carries nothing
        if (length == 0 || (!last && (length & 7) != 0)) {
            malformed++;
            return reject(datagram, DropReason.FRAGMENT_MALFORMED);
        }
        if (exceedsMaximumSize(datagram, fragment, start, end)) {
            oversize++;
            return reject(datagram, DropReason.FRAGMENT_TOO_LARGE);
        }
        int at;
        if (datagram == null) {
            datagram = track(addresses, protocolAndIdentification, nowNanos);
            at = 0;
        } else {
            at = datagram.insertionPoint(start);
            DropReason conflict = conflict(datagram, fragment, at, start, end, last);
            if (conflict == DropReason.FRAGMENT_DUPLICATE) {
                return drop(conflict);
            }
            if (conflict != null) {
                if (conflict == DropReason.FRAGMENT_OVERLAP) {
                    overlapping++;
                } else {
                    tooFragmented++;
                }
                return reject(datagram, conflict);
            }
        }
        int charge = fragment.buffer().capacity();
        if (!makeRoom(datagram, charge)) {
            refusedForMemory++;
            forget(datagram, DropReason.FRAGMENT_MEMORY_LIMIT);
            return drop(DropReason.FRAGMENT_MEMORY_LIMIT);
        }
        hold(datagram, fragment, at, start, end, charge);
        if (last) {
            datagram.payloadLength = end;
        }
        return datagram.receivedBytes == datagram.payloadLength ? assemble(datagram) : null;
    }

    /**
     * RFC 791 3.1: header plus payload must fit the 16-bit total length. The header is the first fragment's,
     * counted as the minimum until it arrives.
     */
    private static boolean exceedsMaximumSize(PendingDatagram datagram, Ipv4Packet fragment, int start, int end) {
        if (end > MAX_PAYLOAD_END) {
            return true;
        }
        int headerLength = start == 0 ? fragment.headerLength()
                : datagram == null || datagram.headerLength == 0 ? Ipv4Packet.MIN_HEADER_LENGTH
                : datagram.headerLength;
        int furthestEnd = datagram == null ? end : Math.max(end, datagram.furthestEnd());
        return headerLength + furthestEnd > Ipv4Packet.MAX_TOTAL_LENGTH;
    }

    /**
     * Why a fragment cannot join the held ones at sorted position {@code at}: a byte-for-byte duplicate, an
     * overlap or contradicted end, or one fragment too many; null when it fits.
     */
    private DropReason conflict(PendingDatagram datagram, Ipv4Packet fragment, int at, int start, int end,
                                boolean last) {
        int count = datagram.fragmentCount();
        if (at < count && datagram.start(at) == start && datagram.end(at) == end) {
            // The held fragment of this range is the last one exactly when the datagram's length ends there
            boolean sameFragment = last == (datagram.payloadLength == end)
                    && ByteBufUtil.equals(fragment.buffer(), fragment.payloadOffset(), datagram.piece(at),
                    datagram.dataIndex(at), end - start);
            return sameFragment ? DropReason.FRAGMENT_DUPLICATE : DropReason.FRAGMENT_OVERLAP;
        }
        // RFC 5722 3 (its rule, for IPv4 too): any overlap discards the datagram
        if ((at > 0 && datagram.end(at - 1) > start) || (at < count && datagram.start(at) < end)) {
            return DropReason.FRAGMENT_OVERLAP;
        }
        // RFC 791 3.2: the fragment without MF fixes the length; nothing may lie beyond it
        int knownEnd = datagram.payloadLength;
        if (last ? (knownEnd != PendingDatagram.UNKNOWN && end != knownEnd) || end < datagram.furthestEnd()
                : knownEnd != PendingDatagram.UNKNOWN && end > knownEnd) {
            return DropReason.FRAGMENT_OVERLAP;
        }
        return count == maxFragmentsPerDatagram ? DropReason.FRAGMENT_TOO_MANY : null;
    }

    private ByteBuf drop(DropReason reason) {
        drops.increment(reason);
        return null;
    }

    /**
     * Drops a hostile fragment and discards its datagram, if one is tracked, remembering the key so that the
     * datagram's later fragments are dropped too.
     */
    private ByteBuf reject(PendingDatagram datagram, DropReason reason) {
        if (datagram != null) {
            release(datagram, reason);
            datagram.discardedFor = reason;
        }
        return drop(reason);
    }

    /**
     * Evicts the oldest other datagrams until {@code charge} more bytes fit; false, evicting nothing, if the
     * datagram would not fit even alone.
     */
    private boolean makeRoom(PendingDatagram datagram, int charge) {
        if (datagram.chargedBytes + charge > maxMemoryBytes) {
            return false;
        }
        // Other datagrams hold the excess, so one of them is always there to evict
        while (heldBytes + charge > maxMemoryBytes) {
            evict(oldest == datagram ? datagram.newer : oldest);
        }
        return true;
    }

    private void evict(PendingDatagram victim) {
        if (victim.discardedFor == null) {
            evicted++;
        }
        forget(victim, DropReason.FRAGMENT_MEMORY_LIMIT);
    }

    private PendingDatagram track(long addresses, int protocolAndIdentification, long nowNanos) {
        if (tracked == maxDatagrams) {
            evict(oldest);
        }
        PendingDatagram datagram = recycled;
        if (datagram == null) {
            datagram = new PendingDatagram();
        } else {
            recycled = datagram.newer;
        }
        // RFC 1122 3.3.2: a fixed timeout, not taken from the TTL; it runs from the first fragment and is never
        // restarted, so a slow drip of fragments cannot hold memory indefinitely
        datagram.begin(addresses, protocolAndIdentification, nowNanos + timeoutNanos);
        datagram.older = newest;
        datagram.newer = null;
        if (newest == null) {
            oldest = datagram;
        } else {
            newest.newer = datagram;
        }
        newest = datagram;
        index.put(datagram);
        tracked++;
        return datagram;
    }

    private void hold(PendingDatagram datagram, Ipv4Packet fragment, int at, int start, int end, int charge) {
        ByteBuf piece;
        if (start == 0) {
            // The first fragment keeps its header: it becomes the datagram's and an ICMP error quotes it
            datagram.headerLength = fragment.headerLength();
            piece = fragment.buffer().retainedSlice(fragment.offset(), fragment.headerLength() + end);
        } else {
            piece = fragment.buffer().retainedSlice(fragment.payloadOffset(), end - start);
        }
        datagram.insert(at, start, end, piece);
        datagram.chargedBytes += charge;
        heldBytes += charge;
        heldFragments++;
    }

    private ByteBuf assemble(PendingDatagram datagram) {
        int headerLength = datagram.headerLength;
        int totalLength = headerLength + datagram.payloadLength;
        ByteBuf first = datagram.piece(0);
        ByteBuf out = allocator.directBuffer(totalLength);
        out.writeBytes(first, 0, headerLength);
        for (int i = 0; i < datagram.fragmentCount(); i++) {
            out.writeBytes(datagram.piece(i), datagram.dataIndex(i), datagram.end(i) - datagram.start(i));
        }
        // RFC 791 3.2: the first fragment's header, now describing the whole datagram
        out.setShort(TOTAL_LENGTH_FIELD, totalLength);
        out.setShort(FLAGS_AND_OFFSET_FIELD, first.getUnsignedShort(FLAGS_AND_OFFSET_FIELD) & FLAGS_KEPT);
        out.setShort(CHECKSUM_FIELD, 0);
        out.setShort(CHECKSUM_FIELD, InternetChecksum.compute(out, 0, headerLength));
        reassembled++;
        forget(datagram, null);
        return out;
    }

    /**
     * Drops every datagram whose timeout has passed, telling the {@link ReassemblyTimeoutListener} of each
     * whose first fragment had arrived, and forgets discarded datagrams remembered as long. Call it from a
     * periodic timer so memory is freed while no fragments arrive.
     *
     * @return how many incomplete datagrams timed out
     */
    public int expire(long nowNanos) {
        int expired = 0;
        while (oldest != null && nowNanos - oldest.deadlineNanos >= 0) {
            PendingDatagram datagram = oldest;
            if (datagram.discardedFor == null) {
                expired++;
                timedOut++;
                if (datagram.headerLength != 0) {
                    ByteBuf first = datagram.piece(0);
                    if (firstFragmentView.wrap(first, 0, first.readableBytes()) == null) {
                        timeoutListener.reassemblyTimedOut(firstFragmentView);
                    }
                }
            }
            forget(datagram, DropReason.FRAGMENT_TIMEOUT);
        }
        return expired;
    }

    /** Releases every held fragment and forgets every datagram, counting nothing; for shutting down. */
    public void release() {
        while (oldest != null) {
            forget(oldest, null);
        }
    }

    /** Releases the datagram's fragments, each counted under {@code reason} unless it is null. */
    private void release(PendingDatagram datagram, DropReason reason) {
        heldBytes -= datagram.chargedBytes;
        int released = datagram.releaseFragments();
        heldFragments -= released;
        if (reason != null) {
            for (int i = 0; i < released; i++) {
                drops.increment(reason);
            }
        }
    }

    /** Releases the datagram's fragments as {@link #release} does and stops tracking it. */
    private void forget(PendingDatagram datagram, DropReason reason) {
        release(datagram, reason);
        index.remove(datagram);
        if (datagram.older == null) {
            oldest = datagram.newer;
        } else {
            datagram.older.newer = datagram.newer;
        }
        if (datagram.newer == null) {
            newest = datagram.older;
        } else {
            datagram.newer.older = datagram.older;
        }
        datagram.older = null;
        datagram.newer = recycled;
        recycled = datagram;
        tracked--;
    }

    /** Datagrams tracked: in progress, or remembered as discarded. */
    public int trackedDatagrams() {
        return tracked;
    }

    /** Fragments held for incomplete datagrams. */
    public int heldFragments() {
        return heldFragments;
    }

    /** What the held fragments are charged against the memory cap. */
    public long heldBytes() {
        return heldBytes;
    }

    public long reassembledDatagrams() {
        return reassembled;
    }

    /** Datagrams dropped incomplete when their timeout passed. */
    public long timedOutDatagrams() {
        return timedOut;
    }

    /** Datagrams discarded for overlapping fragments or a contradicted end. */
    public long overlappingDatagrams() {
        return overlapping;
    }

    /** Datagrams, or lone fragments, discarded for reaching beyond 65,535 bytes. */
    public long oversizeDatagrams() {
        return oversize;
    }

    /** Datagrams, or lone fragments, discarded for an empty fragment or a length not a multiple of 8. */
    public long malformedDatagrams() {
        return malformed;
    }

    /** Datagrams discarded for needing more fragments than the per-datagram cap. */
    public long tooFragmentedDatagrams() {
        return tooFragmented;
    }

    /** Incomplete datagrams evicted, oldest first, to make room for newer fragments. */
    public long evictedDatagrams() {
        return evicted;
    }

    /** Datagrams refused because they could not fit under the memory cap even alone. */
    public long memoryLimitDatagrams() {
        return refusedForMemory;
    }
}
