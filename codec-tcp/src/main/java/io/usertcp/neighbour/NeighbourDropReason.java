package io.usertcp.neighbour;

/** Why the {@link NeighbourTable} released an outbound frame instead of handing it to its output. */
public enum NeighbourDropReason {
    /** The address already had the most frames one entry may hold waiting; the oldest of them went. */
    ENTRY_QUEUE_FULL,
    /** The table already held the most waiting frames in total; the oldest of all went. */
    TOTAL_QUEUE_FULL,
    /** No ARP reply came after every request; all the entry's waiting frames went. */
    RESOLUTION_FAILED,
    /** Every entry was still resolving, so none could make room for a new address. */
    TABLE_FULL,
    /** The owner cleared the table, for example when the stack stopped. */
    CLEARED;

    private static final NeighbourDropReason[] VALUES = values();

    static NeighbourDropReason[] all() {
        return VALUES;
    }
}
