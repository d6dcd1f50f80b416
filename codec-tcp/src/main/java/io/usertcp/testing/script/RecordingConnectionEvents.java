package io.usertcp.testing.script;

import io.netty.buffer.ByteBuf;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionEvents;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A test application: records what a connection tells it, copying and releasing received data at once. */
public final class RecordingConnectionEvents implements TcpConnectionEvents {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int establishedCount;
    private int dataCount;
    private int readCompleteCount;
    private boolean peerShutdown;
    private boolean closed;
    private Throwable closeCause;
    private int writabilityChanges;

    @Override
    public void onEstablished(TcpConnection connection) {
        establishedCount++;
    }

    @Override
    public void onData(TcpConnection connection, ByteBuf data) {
        try {
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            received.write(bytes, 0, bytes.length);
            dataCount++;
        } finally {
            data.release();
        }
    }

    @Override
    public void onReadComplete(TcpConnection connection) {
        readCompleteCount++;
    }

    @Override
    public void onPeerShutdown(TcpConnection connection) {
        peerShutdown = true;
    }

    @Override
    public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        writabilityChanges++;
    }

    @Override
    public void onClosed(TcpConnection connection, Throwable cause) {
        if (closed) {
            throw new AssertionError("onClosed called twice");
        }
        closed = true;
        closeCause = cause;
    }

    public boolean isEstablished() {
        return establishedCount > 0;
    }

    public int establishedCount() {
        return establishedCount;
    }

    public byte[] receivedBytes() {
        return received.toByteArray();
    }

    public String receivedText() {
        return received.toString(StandardCharsets.US_ASCII);
    }

    public int dataCount() {
        return dataCount;
    }

    public int readCompleteCount() {
        return readCompleteCount;
    }

    public boolean peerShutdown() {
        return peerShutdown;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why the connection closed; null for a clean close (or while open). */
    public Throwable closeCause() {
        return closeCause;
    }

    public int writabilityChanges() {
        return writabilityChanges;
    }
}
