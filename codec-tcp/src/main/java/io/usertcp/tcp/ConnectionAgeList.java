package io.usertcp.tcp;

/**
 * The connections of one engine in one limited state (TIME-WAIT, or orphaned), oldest first, so a full set gives
 * up its oldest member in O(1). Intrusive: the links live in the {@link TcpConnection}, so joining and leaving
 * allocate nothing. A connection is in at most one such list at a time. Owned by the engine's thread.
 */
final class ConnectionAgeList {
    private TcpConnection oldest;
    private TcpConnection newest;
    private int size;

    int size() {
        return size;
    }

    /** The member that joined first, or null when empty. */
    TcpConnection oldest() {
        return oldest;
    }

    boolean contains(TcpConnection connection) {
        return connection.ageList == this;
    }

    /** Appends {@code connection} as the newest member; it must be in no list. */
    void add(TcpConnection connection) {
        if (connection.ageList != null) {
            throw new IllegalStateException(connection + " is already in a connection list");
        }
        connection.ageList = this;
        connection.olderInList = newest;
        connection.newerInList = null;
        if (newest == null) {
            oldest = connection;
        } else {
            newest.newerInList = connection;
        }
        newest = connection;
        size++;
    }

    /** Unlinks {@code connection} if it is a member; otherwise does nothing. */
    void remove(TcpConnection connection) {
        if (connection.ageList != this) {
            return;
        }
        TcpConnection older = connection.olderInList;
        TcpConnection newer = connection.newerInList;
        if (older == null) {
            oldest = newer;
        } else {
            older.newerInList = newer;
        }
        if (newer == null) {
            newest = older;
        } else {
            newer.olderInList = older;
        }
        connection.ageList = null;
        connection.olderInList = null;
        connection.newerInList = null;
        size--;
    }
}
