package io.usertcp.neighbour;

/**
 * Where an entry of the {@link NeighbourTable} stands, a subset of Linux's neighbour states (RFC 1122
 * 2.3.2.1 leaves the cache-validation method to the implementation).
 */
public enum NeighbourState {
    /** Broadcast requests are out and no reply has come; outbound frames wait in the entry's queue. */
    INCOMPLETE,
    /** The MAC address was confirmed less than the reachable time ago. */
    REACHABLE,
    /** The reachable time has passed and nothing has used the entry since; the MAC is kept, unconfirmed. */
    STALE,
    /**
     * Used while stale: frames go to the cached MAC while unicast requests ask the neighbour to confirm it
     * (RFC 1122 2.3.2.1 "unicast poll"); without a reply the entry is removed.
     */
    PROBE
}
