package io.usertcp.tcp;

/**
 * Where a {@link TcpEngine} takes initial sequence numbers (and the per-connection timestamp clock offset)
 * from. The stack uses {@link io.usertcp.tcp.isn.InitialSequenceNumberGenerator#generate} (RFC 6528);
 * scripted tests pass a fixed value so a trace can name exact sequence numbers, for example near 2^32.
 */
@FunctionalInterface
public interface InitialSequenceNumberSource {
    int initialSequenceNumber(int localAddress, int localPort, int remoteAddress, int remotePort);
}
