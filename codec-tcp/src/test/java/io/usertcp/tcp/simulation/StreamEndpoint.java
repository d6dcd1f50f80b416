package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionEvents;

/**
 * A test application on one end of a connection: it writes a {@link SeededStream} of {@code sendBytes} in
 * chunks whenever the connection is writable and shuts output down (FIN) at its end, and hashes everything it
 * receives with SHA-256 as it arrives, releasing each buffer at once. The seed of the outgoing stream comes
 * from the connection's ports, so the peer can be checked without sharing state: the stream this end sends on
 * local port L to remote port R is {@link #streamSeed}(L, R).
 */
final class StreamEndpoint implements TcpConnectionEvents {
    private static final int CHUNK_BYTES = 64 * 1024;

    private final ByteBufAllocator allocator;
    private final long sendBytes;
    private final String congestionControl;
    private final StreamDigest sent = new StreamDigest();
    private final StreamDigest received = new StreamDigest();
    private TcpConnection connection;
    private SeededStream outgoing;
    private boolean outputShut;
    private boolean peerShutdown;
    private long peerShutdownNanos;
    private boolean closed;
    private Throwable closeCause;

    /**
     * @param congestionControl the algorithm this end sends with, by registered name; null for the stack's
     */
    StreamEndpoint(ByteBufAllocator allocator, long sendBytes, String congestionControl) {
        this.allocator = allocator;
        this.sendBytes = sendBytes;
        this.congestionControl = congestionControl;
    }

    static long streamSeed(int localPort, int remotePort) {
        return ((long) localPort << 16) ^ remotePort ^ 0x9E37_79B9_7F4A_7C15L;
    }

    /** Called for an active open right after connect, so the algorithm is set before the handshake ends. */
    void bind(TcpConnection connection) {
        this.connection = connection;
        if (congestionControl != null) {
            connection.setCongestionControl(congestionControl);
        }
    }

    @Override
    public void onEstablished(TcpConnection connection) {
        if (this.connection == null) {
            bind(connection);
        }
        outgoing = new SeededStream(streamSeed(connection.localPort(), connection.remotePort()), sendBytes);
        fill();
    }

    @Override
    public void onData(TcpConnection connection, ByteBuf data) {
        try {
            received.update(data);
        } finally {
            data.release();
        }
    }

    @Override
    public void onReadComplete(TcpConnection connection) {
    }

    @Override
    public void onPeerShutdown(TcpConnection connection) {
        peerShutdown = true;
        peerShutdownNanos = connection.engine().nowNanos();
    }

    @Override
    public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        if (writable) {
            fill();
        }
    }

    @Override
    public void onClosed(TcpConnection connection, Throwable cause) {
        closed = true;
        closeCause = cause;
    }

    private void fill() {
        if (outgoing == null || outputShut || closed) {
            return;
        }
        while (connection.isWritable() && !outgoing.isFinished()) {
            ByteBuf chunk = allocator.directBuffer(CHUNK_BYTES);
            outgoing.next(chunk, CHUNK_BYTES, sent);
            if (!connection.write(chunk)) {
                throw new AssertionError("write refused on " + connection);
            }
        }
        if (outgoing.isFinished()) {
            outputShut = true;
            connection.shutdownOutput();
        }
        connection.flush();
    }

    TcpConnection connection() {
        return connection;
    }

    StreamDigest sent() {
        return sent;
    }

    StreamDigest received() {
        return received;
    }

    long sendBytes() {
        return sendBytes;
    }

    boolean peerShutdown() {
        return peerShutdown;
    }

    /** When the peer's FIN arrived, after all its data: the end of the incoming transfer. */
    long peerShutdownNanos() {
        return peerShutdownNanos;
    }

    boolean isClosed() {
        return closed;
    }

    Throwable closeCause() {
        return closeCause;
    }

    /** Sent everything, received the peer's FIN, and the connection ended cleanly. */
    boolean isDone() {
        return outputShut && peerShutdown && closed && closeCause == null;
    }

    @Override
    public String toString() {
        return "StreamEndpoint{" + connection + ", sent " + sent.bytes() + '/' + sendBytes + ", received "
                + received.bytes() + (peerShutdown ? " +FIN" : "") + (closed ? ", closed " + closeCause : "")
                + '}';
    }
}
