package io.usertcp.tcp.demux;

import io.usertcp.codec.ipv4.Ipv4Address;

/**
 * The listening sockets of one event loop, by local address and port, where a SYN that matches no
 * connection looks next. A listener bound to the wildcard address 0.0.0.0 accepts for every local address;
 * one bound to a specific address takes precedence for that address, as with BSD sockets.
 *
 * <p>It is a {@link ConnectionTable} whose remote half is always zero, so it shares that table's layout,
 * seeded hash (the local port of a SYN is also the peer's choice), allocation-free lookups and cap. Whether
 * a specific and a wildcard listener may share a port is the binding layer's decision; this table holds
 * both if asked. Owned by one thread.
 *
 * @param <V> the listener type
 */
public final class ListenerTable<V> {
    private final ConnectionTable<V> table;

    /**
     * @param initialCapacity listeners the table holds before it first grows
     * @param maxEntries      most listeners it ever holds, 1 to {@link ConnectionTable#MAX_ENTRIES}
     */
    public ListenerTable(int initialCapacity, int maxEntries) {
        table = new ConnectionTable<>(initialCapacity, maxEntries);
    }

    /**
     * The listener for a segment addressed to {@code localAddress:localPort}: the one bound to exactly that
     * address, else the one bound to the wildcard address on that port, else null. At most two probes,
     * allocates nothing.
     */
    public V lookup(int localAddress, int localPort) {
        V exact = table.get(localAddress, localPort, 0, 0);
        if (exact != null || localAddress == Ipv4Address.UNSPECIFIED) {
            return exact;
        }
        return table.get(Ipv4Address.UNSPECIFIED, localPort, 0, 0);
    }

    /** The listener bound to exactly this address (0.0.0.0 for the wildcard) and port, or null. */
    public V get(int localAddress, int localPort) {
        return table.get(localAddress, localPort, 0, 0);
    }

    /**
     * Binds a listener to an address (0.0.0.0 for the wildcard) and port unless that exact pair is taken or
     * the table is full.
     */
    public InsertOutcome add(int localAddress, int localPort, V listener) {
        return table.add(localAddress, localPort, 0, 0, listener);
    }

    /** Removes and returns the listener bound to exactly this address and port, or null. */
    public V remove(int localAddress, int localPort) {
        return table.remove(localAddress, localPort, 0, 0);
    }

    public int size() {
        return table.size();
    }

    public int maxEntries() {
        return table.maxEntries();
    }

    /**
     * Hands every listener to {@code visitor}, in no particular order; the visitor must not add or remove
     * listeners.
     *
     * @throws java.util.ConcurrentModificationException if the visitor changed the table
     */
    public void forEach(ListenerVisitor<? super V> visitor) {
        table.forEach((localAddress, localPort, remoteAddress, remotePort, listener) ->
                visitor.visit(localAddress, localPort, listener));
    }
}
