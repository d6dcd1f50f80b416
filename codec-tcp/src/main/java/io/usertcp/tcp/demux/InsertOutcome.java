package io.usertcp.tcp.demux;

/** What adding an entry to a {@link ConnectionTable} or {@link ListenerTable} did. */
public enum InsertOutcome {
    /** The entry is now in the table. */
    ADDED,
    /** The key was already in the table; its entry was left as it was. */
    ALREADY_PRESENT,
    /** The table holds its maximum number of entries; nothing was added. */
    FULL
}
