package io.usertcp.neighbour;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ARP cache of one stack (RFC 826, RFC 1122 2.3.2): IPv4 address to Ethernet address, the frames
 * waiting while an address resolves, and the timers that keep entries fresh. It decides; the
 * {@link NeighbourOutput} its owner supplies sends requests and frames.
 *
 * <p>Owned by one thread (the stack's event loop): no locks. Every array is allocated in the constructor,
 * sized by the {@link NeighbourTableConfig}; lookups, queueing, ARP input and timer ticks allocate nothing.
 * Time is a {@code long} from {@code io.netty.util.concurrent.Ticker#nanoTime()} passed into each call and
 * must never go backwards.
 *
 * <p>Lifecycle of an entry:
 * <ul>
 *   <li>{@link #enqueue} for an unknown address creates it {@link NeighbourState#INCOMPLETE}, parks the
 *       frame and broadcasts a request; requests repeat every retry interval up to the configured number,
 *       then the entry fails: its frames are dropped and {@link NeighbourOutput#resolutionFailed} is
 *       called.</li>
 *   <li>An ARP packet from the address makes it {@link NeighbourState#REACHABLE} and sends the waiting
 *       frames in order.</li>
 *   <li>After the reachable time it turns {@link NeighbourState#STALE}; the next use still gets the MAC
 *       but starts unicast probes ({@link NeighbourState#PROBE}); a reply makes it reachable again, no
 *       reply removes it. A stale entry nobody uses is removed after the stale time.</li>
 * </ul>
 *
 * <p>ARP input policy ({@link #onArpPacket}), RFC 826's merge algorithm with these choices:
 * <ul>
 *   <li>An entry is created only from a request whose target is our address: the sender is about to
 *       receive our reply and talk to us. A reply nobody asked for (no entry for its sender) creates
 *       nothing, so a host on the link cannot plant entries or fill the table with unsolicited replies;
 *       this is Linux's default (arp_accept 0).</li>
 *   <li>Any packet from a sender we have an entry for updates it, as RFC 826 merges before looking at
 *       the target; so a gratuitous ARP (sender address equal to target address) refreshes an existing
 *       entry and creates none.</li>
 *   <li>A packet claiming our own address from another MAC is an address conflict (RFC 5227): counted,
 *       never cached and never answered. Senders with a group or zero MAC, or a multicast, broadcast,
 *       reserved, loopback or "this network" address, are rejected and counted. Sender 0.0.0.0 is an
 *       address probe (RFC 5227 2.1.1): answered when it asks for our address, never cached.</li>
 * </ul>
 *
 * <p>Bounds: at most {@code capacity} entries; a new one evicts the least recently used resolved entry,
 * and when every entry is still resolving the new one is refused. Waiting frames are capped per entry and
 * in total, the oldest giving way. Every such event is counted. Only entries send requests, each at most one
 * per retry interval, so however many addresses traffic (or a spoofed SYN flood drawing SYN-ACKs) names, the
 * table sends at most {@code capacity} requests per retry interval; and it answers each request for our
 * address with exactly one reply, never amplifying.
 *
 * <p>Timers: the owner calls {@link #tick} periodically, at least as often as the retry interval it wants
 * honoured (100 ms is a good period). Entries sit on one list per timer kind, each in deadline order, so a
 * tick costs O(1) plus O(1) per entry that is due. A reachable entry used past its deadline starts
 * reconfirmation at once, however late the next tick comes.
 */
public final class NeighbourTable {
    /** What {@link #lookup} returns for an address without a usable MAC; no MAC has bits above 48. */
    public static final long NOT_RESOLVED = -1L;

    private static final int NONE = SlotLists.NONE;
    private static final int ABSENT = AddressIndex.ABSENT;
    // Lists of entry slots in deadline order, one per timer kind; PROBE shares INCOMPLETE's retry timer.
    private static final int REACHABLE_TIMERS = 0;
    private static final int STALE_TIMERS = 1;
    private static final int RETRY_TIMERS = 2;
    private static final int TIMER_KINDS = 3;
    private static final int ONLY_LIST = 0;

    private final int localIp;
    private final long localMac;
    private final NeighbourOutput output;
    private final int capacity;
    private final int queuedFramesPerEntry;
    private final long reachableTimeNanos;
    private final long staleTimeNanos;
    private final int maxRequests;
    private final long retryIntervalNanos;

    private final AddressIndex index;
    private final int[] ips;
    private final long[] macs;
    private final NeighbourState[] states;
    private final long[] deadlines;
    private final int[] requestsSentForEntry;
    /** Bumped when a slot's entry is removed, so a flush in progress notices its entry went away. */
    private final int[] generations;
    private final SlotLists timers;
    /** Resolved entries with nothing waiting, least recently used first: the eviction order. */
    private final SlotLists recency;
    private final int[] freeSlots;
    private int freeSlotCount;

    private final ByteBuf[] frames;
    /** Waiting frames, one list per entry slot, in arrival order. */
    private final SlotLists entryQueues;
    /** Every waiting frame in arrival order, to find the oldest when the total cap is reached. */
    private final SlotLists arrivalOrder;
    private final int[] freeFrameNodes;
    private int freeFrameNodeCount;

    private long requestsSent;
    private long repliesReceived;
    private long entriesCreated;
    private long entriesEvicted;
    private long entriesExpired;
    private long entriesRefused;
    private long resolutionFailures;
    private long framesQueued;
    private final long[] framesDropped = new long[NeighbourDropReason.all().length];
    private long conflicts;
    private long sendersRejected;

    /**
     * @param localIp  our IPv4 address: requests for it are answered, packets claiming it are conflicts
     * @param localMac our Ethernet address, to tell a conflict from our own packet
     */
    public NeighbourTable(NeighbourTableConfig config, int localIp, long localMac, NeighbourOutput output) {
        this.localIp = localIp;
        this.localMac = localMac;
        this.output = output;
        capacity = config.capacity();
        queuedFramesPerEntry = config.queuedFramesPerEntry();
        reachableTimeNanos = config.reachableTimeNanos();
        staleTimeNanos = config.staleTimeNanos();
        maxRequests = config.maxRequests();
        retryIntervalNanos = config.retryIntervalNanos();

        index = new AddressIndex(capacity, ThreadLocalRandom.current().nextInt());
        ips = new int[capacity];
        macs = new long[capacity];
        states = new NeighbourState[capacity];
        deadlines = new long[capacity];
        requestsSentForEntry = new int[capacity];
        generations = new int[capacity];
        timers = new SlotLists(capacity, TIMER_KINDS);
        recency = new SlotLists(capacity, 1);
        freeSlots = new int[capacity];
        for (int slot = 0; slot < capacity; slot++) {
            freeSlots[slot] = capacity - 1 - slot;
        }
        freeSlotCount = capacity;

        int frameNodes = config.queuedFramesTotal();
        frames = new ByteBuf[frameNodes];
        entryQueues = new SlotLists(frameNodes, capacity);
        arrivalOrder = new SlotLists(frameNodes, 1);
        freeFrameNodes = new int[frameNodes];
        for (int node = 0; node < frameNodes; node++) {
            freeFrameNodes[node] = frameNodes - 1 - node;
        }
        freeFrameNodeCount = frameNodes;
    }

    /**
     * The MAC to send to {@code ip}, or {@link #NOT_RESOLVED} when there is none yet (no entry, or still
     * resolving: hand the frame to {@link #enqueue}). Marks the entry used; using a stale entry starts
     * reconfirming it, which may call {@link NeighbourOutput#sendArpRequest}.
     */
    public long lookup(int ip, long now) {
        int slot = index.get(ip);
        if (slot == ABSENT || states[slot] == NeighbourState.INCOMPLETE) {
            return NOT_RESOLVED;
        }
        return use(slot, now);
    }

    /**
     * Hands over an outbound frame for {@code ip} ({@code frame} holds what follows the Ethernet header,
     * with headroom for it). The table owns the frame from here: it is transmitted at once if the address
     * is resolved, parked otherwise (starting resolution for a new address), or released if no entry can
     * be made.
     *
     * @return false if the frame was dropped because every entry is still resolving
     */
    public boolean enqueue(int ip, ByteBuf frame, long now) {
        int slot = index.get(ip);
        if (slot != ABSENT && states[slot] != NeighbourState.INCOMPLETE && entryQueues.size(slot) == 0) {
            output.transmit(frame, use(slot, now));
            return true;
        }
        if (slot != ABSENT) {
            park(slot, frame);
            return true;
        }
        slot = allocate(ip);
        if (slot == ABSENT) {
            drop(frame, NeighbourDropReason.TABLE_FULL);
            return false;
        }
        states[slot] = NeighbourState.INCOMPLETE;
        macs[slot] = 0;
        requestsSentForEntry[slot] = 0;
        park(slot, frame);
        sendRequest(slot, now);
        return true;
    }

    /**
     * Takes in a decoded ARP packet (RFC 826 merge algorithm; see the class comment for the policy).
     *
     * @param operation {@link ArpPacket#OPERATION_REQUEST} or {@link ArpPacket#OPERATION_REPLY}
     * @return true when the caller must answer: a request for our address from an acceptable sender
     */
    public boolean onArpPacket(int operation, long senderMac, int senderIp, int targetIp, long now) {
        if (operation == ArpPacket.OPERATION_REPLY) {
            repliesReceived++;
        }
        if (senderIp == localIp) {
            // RFC 5227 2.4: someone else claims our address. Our own packet looped back is not a conflict.
            if ((senderMac & MacAddress.BROADCAST) != (localMac & MacAddress.BROADCAST)) {
                conflicts++;
            }
            return false;
        }
        if (!isAcceptableSender(senderMac, senderIp)) {
            sendersRejected++;
            return false;
        }
        boolean request = operation == ArpPacket.OPERATION_REQUEST;
        boolean forUs = targetIp == localIp;
        if (senderIp != Ipv4Address.UNSPECIFIED) {
            // RFC 826: a sender already in the table gets its hardware address updated before the target
            // is even looked at.
            int slot = index.get(senderIp);
            if (slot != ABSENT) {
                confirm(slot, senderMac, now);
            } else if (forUs && request) {
                // RFC 826 adds the sender when we are the target; replies are left out (unsolicited).
                createResolved(senderIp, senderMac, now);
            }
        }
        return forUs && request;
    }

    /** Runs the timers that are due: retries, resolution failures, staleness and expiry. */
    public void tick(long now) {
        int slot;
        while ((slot = timers.first(REACHABLE_TIMERS)) != NONE && isDue(slot, now)) {
            states[slot] = NeighbourState.STALE;
            deadlines[slot] = now + staleTimeNanos;
            timers.moveToLast(STALE_TIMERS, slot);
        }
        while ((slot = timers.first(STALE_TIMERS)) != NONE && isDue(slot, now)) {
            removeEntry(slot);
            entriesExpired++;
        }
        while ((slot = timers.first(RETRY_TIMERS)) != NONE && isDue(slot, now)) {
            if (requestsSentForEntry[slot] < maxRequests) {
                sendRequest(slot, now);
            } else if (states[slot] == NeighbourState.INCOMPLETE) {
                fail(slot);
            } else {
                // An unanswered probe: forget the MAC; the next frame starts a fresh resolution.
                removeEntry(slot);
                entriesExpired++;
            }
        }
    }

    /**
     * Forgets every entry and releases every waiting frame (counted as {@link NeighbourDropReason#CLEARED});
     * the owner calls this when the stack stops. Costs O(capacity). Counters are kept.
     */
    public void clear() {
        int node;
        while ((node = arrivalOrder.first(ONLY_LIST)) != NONE) {
            drop(takeFrame(node), NeighbourDropReason.CLEARED);
        }
        for (int slot = 0; slot < capacity; slot++) {
            if (states[slot] != null) {
                removeEntry(slot);
            }
        }
    }

    /** The state of the entry for {@code ip}, or null when the table has none. */
    public NeighbourState state(int ip) {
        int slot = index.get(ip);
        return slot == ABSENT ? null : states[slot];
    }

    /** Entries held now, incomplete ones included. */
    public int size() {
        return capacity - freeSlotCount;
    }

    /** Frames waiting for resolution now. */
    public int waitingFrames() {
        return frames.length - freeFrameNodeCount;
    }

    /** ARP requests asked of the output, broadcast and unicast. */
    public long requestsSent() {
        return requestsSent;
    }

    /** ARP replies taken in, solicited or not. */
    public long repliesReceived() {
        return repliesReceived;
    }

    public long entriesCreated() {
        return entriesCreated;
    }

    /** Resolved entries removed to make room for a new address. */
    public long entriesEvicted() {
        return entriesEvicted;
    }

    /** Entries removed because they stayed stale unused or did not answer a probe. */
    public long entriesExpired() {
        return entriesExpired;
    }

    /** New entries not made because every slot held an entry still resolving. */
    public long entriesRefused() {
        return entriesRefused;
    }

    /** Resolutions that got no reply to any request. */
    public long resolutionFailures() {
        return resolutionFailures;
    }

    /** Frames ever parked waiting for resolution. */
    public long framesQueued() {
        return framesQueued;
    }

    public long framesDropped(NeighbourDropReason reason) {
        return framesDropped[reason.ordinal()];
    }

    /** Frames dropped for any reason. */
    public long framesDropped() {
        long total = 0;
        for (long count : framesDropped) {
            total += count;
        }
        return total;
    }

    /** ARP packets from another MAC claiming our address. */
    public long conflicts() {
        return conflicts;
    }

    /** ARP packets ignored for an unusable sender MAC or address. */
    public long sendersRejected() {
        return sendersRejected;
    }

    private static boolean isAcceptableSender(long mac, int ip) {
        if (MacAddress.isMulticast(mac) || (mac & MacAddress.BROADCAST) == 0) {
            return false;
        }
        // RFC 1122 3.2.1.3: none of these is ever a host's own address on a link.
        return ip == Ipv4Address.UNSPECIFIED
                || !(Ipv4Address.isThisNetwork(ip) || Ipv4Address.isMulticast(ip) || Ipv4Address.isReserved(ip)
                || Ipv4Address.isLimitedBroadcast(ip) || Ipv4Address.isLoopback(ip));
    }

    /** Ticker time wraps like sequence numbers, so compare by difference. */
    private boolean isDue(int slot, long now) {
        return now - deadlines[slot] >= 0;
    }

    private long use(int slot, long now) {
        long mac = macs[slot];
        NeighbourState state = states[slot];
        if (entryQueues.size(slot) == 0) {
            recency.moveToLast(ONLY_LIST, slot);
        }
        if (state == NeighbourState.STALE || (state == NeighbourState.REACHABLE && isDue(slot, now))) {
            // RFC 1122 2.3.2.1: revalidate a cached entry in use by polling the neighbour directly.
            states[slot] = NeighbourState.PROBE;
            requestsSentForEntry[slot] = 0;
            sendRequest(slot, now);
        }
        return mac;
    }

    private void confirm(int slot, long mac, long now) {
        NeighbourState previous = states[slot];
        macs[slot] = mac;
        states[slot] = NeighbourState.REACHABLE;
        deadlines[slot] = now + reachableTimeNanos;
        requestsSentForEntry[slot] = 0;
        timers.moveToLast(REACHABLE_TIMERS, slot);
        if (previous != NeighbourState.INCOMPLETE) {
            return;
        }
        // The output may call back into the table while frames go out; stop if that removed this entry.
        int generation = generations[slot];
        int node;
        while (generations[slot] == generation && (node = entryQueues.first(slot)) != NONE) {
            output.transmit(takeFrame(node), macs[slot]);
        }
        if (generations[slot] == generation) {
            recency.moveToLast(ONLY_LIST, slot);
        }
    }

    private void createResolved(int ip, long mac, long now) {
        int slot = allocate(ip);
        if (slot == ABSENT) {
            return;
        }
        macs[slot] = mac;
        states[slot] = NeighbourState.REACHABLE;
        deadlines[slot] = now + reachableTimeNanos;
        requestsSentForEntry[slot] = 0;
        timers.addLast(REACHABLE_TIMERS, slot);
        recency.addLast(ONLY_LIST, slot);
    }

    /** A free slot registered for {@code ip}, evicting the least recently used resolved entry if full. */
    private int allocate(int ip) {
        if (freeSlotCount == 0) {
            int victim = recency.first(ONLY_LIST);
            if (victim == NONE) {
                entriesRefused++;
                return ABSENT;
            }
            removeEntry(victim);
            entriesEvicted++;
        }
        int slot = freeSlots[--freeSlotCount];
        ips[slot] = ip;
        index.put(ip, slot);
        entriesCreated++;
        return slot;
    }

    /** Only for entries with no waiting frames: failures and {@link #clear} drop them first. */
    private void removeEntry(int slot) {
        index.remove(ips[slot]);
        timers.remove(slot);
        recency.remove(slot);
        states[slot] = null;
        generations[slot]++;
        freeSlots[freeSlotCount++] = slot;
    }

    private void sendRequest(int slot, long now) {
        requestsSentForEntry[slot]++;
        deadlines[slot] = now + retryIntervalNanos;
        timers.moveToLast(RETRY_TIMERS, slot);
        requestsSent++;
        long destination = states[slot] == NeighbourState.INCOMPLETE ? MacAddress.BROADCAST : macs[slot];
        output.sendArpRequest(ips[slot], destination);
    }

    private void fail(int slot) {
        int ip = ips[slot];
        int node;
        while ((node = entryQueues.first(slot)) != NONE) {
            drop(takeFrame(node), NeighbourDropReason.RESOLUTION_FAILED);
        }
        removeEntry(slot);
        resolutionFailures++;
        output.resolutionFailed(ip);
    }

    private void park(int slot, ByteBuf frame) {
        if (entryQueues.size(slot) >= queuedFramesPerEntry) {
            drop(takeFrame(entryQueues.first(slot)), NeighbourDropReason.ENTRY_QUEUE_FULL);
        } else if (freeFrameNodeCount == 0) {
            drop(takeFrame(arrivalOrder.first(ONLY_LIST)), NeighbourDropReason.TOTAL_QUEUE_FULL);
        }
        int node = freeFrameNodes[--freeFrameNodeCount];
        frames[node] = frame;
        entryQueues.addLast(slot, node);
        arrivalOrder.addLast(ONLY_LIST, node);
        framesQueued++;
    }

    private ByteBuf takeFrame(int node) {
        ByteBuf frame = frames[node];
        frames[node] = null;
        entryQueues.remove(node);
        arrivalOrder.remove(node);
        freeFrameNodes[freeFrameNodeCount++] = node;
        return frame;
    }

    private void drop(ByteBuf frame, NeighbourDropReason reason) {
        framesDropped[reason.ordinal()]++;
        frame.release();
    }
}
