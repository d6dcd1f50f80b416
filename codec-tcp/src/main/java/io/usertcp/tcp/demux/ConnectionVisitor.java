package io.usertcp.tcp.demux;

/** Receives each entry of a {@link ConnectionTable} in {@link ConnectionTable#forEach}. */
@FunctionalInterface
public interface ConnectionVisitor<V> {
    void visit(int localAddress, int localPort, int remoteAddress, int remotePort, V connection);
}
