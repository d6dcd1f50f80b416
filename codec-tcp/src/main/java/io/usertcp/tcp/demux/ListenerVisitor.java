package io.usertcp.tcp.demux;

/** Receives each entry of a {@link ListenerTable} in {@link ListenerTable#forEach}. */
@FunctionalInterface
public interface ListenerVisitor<V> {
    void visit(int localAddress, int localPort, V listener);
}
