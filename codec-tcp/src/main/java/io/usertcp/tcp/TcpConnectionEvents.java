package io.usertcp.tcp;

import io.netty.buffer.ByteBuf;

/**
 * What a connection tells its application: implemented by the Netty child channel of the transport, and by
 * test sinks. Every method runs on the connection's event loop, synchronously inside the engine, so an
 * implementation must not block; it may call back into the {@link TcpConnection} (write, flush, close).
 */
public interface TcpConnectionEvents {
    /** The handshake completed (active open), or the connection was accepted from a listener (passive open). */
    void onEstablished(TcpConnection connection);

    /**
     * In-order data; ownership of {@code data} (a slice of a received frame) passes to the callee. Called while
     * the connection reads (auto-read on, or {@link TcpConnection#read}), and once more, whether it reads or not,
     * for the data still queued when the connection ends before the application closed it: that data comes
     * before {@link #onClosed}, as Linux lets an application read what arrived before a reset.
     */
    void onData(TcpConnection connection, ByteBuf data);

    /** The end of one inbound batch: after the data of the segments processed together. */
    void onReadComplete(TcpConnection connection);

    /** The peer sent FIN: no more data will arrive. */
    void onPeerShutdown(TcpConnection connection);

    /** The send buffer crossed its high water mark (not writable) or fell back under its low one. */
    void onWritabilityChanged(TcpConnection connection, boolean writable);

    /**
     * The connection is over for the application, called exactly once: {@code cause} is null after a clean
     * close, a {@link java.net.ConnectException} "Connection refused" for a RST answering our SYN, an
     * {@link java.io.IOException} "Connection reset by peer" for a RST later, or a {@link TcpTimeoutException}.
     */
    void onClosed(TcpConnection connection, Throwable cause);
}
