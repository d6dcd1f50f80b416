package io.usertcp.tcp;

import io.usertcp.tcp.syncookie.SynCookies;

import java.util.ArrayDeque;

/**
 * A listening endpoint (RFC 9293 LISTEN) on one event loop: SYNs for its address and port open connections
 * in SYN-RECEIVED (at most {@link TcpStackConfig#synQueueLimit()} at a time), which wait in the accept queue
 * once established (at most {@code backlog}). A full SYN queue answers new SYNs with SYN cookies (or drops
 * them when cookies are off), and a full accept queue drops the handshake's last ACK, so the peer retransmits
 * later, as Linux does; both are counted. Its connections
 * start with its {@link #options()}, as a Linux listener's children inherit its socket options.
 */
public final class TcpListener {
    private final TcpEngine engine;
    private final int localAddress;
    private final int localPort;
    private final int backlog;
    private final TcpAcceptor acceptor;
    private final ArrayDeque<TcpConnection> acceptQueue;
    private TcpConnectionOptions options;
    private int synQueueLength;
    private boolean closed;
    private boolean synCookiesSent;
    private long lastSynCookieNanos;

    TcpListener(TcpEngine engine, int localAddress, int localPort, int backlog, TcpConnectionOptions options,
                TcpAcceptor acceptor) {
        this.engine = engine;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.backlog = backlog;
        this.options = options;
        this.acceptor = acceptor;
        this.acceptQueue = new ArrayDeque<>(Math.min(backlog, 64));
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public int backlog() {
        return backlog;
    }

    /** The options each connection opened from now on starts with. */
    public TcpConnectionOptions options() {
        return options;
    }

    /**
     * Changes the options of the connections opened from now on; handshakes under way keep theirs.
     *
     * @throws IllegalArgumentException if the options name an unknown congestion control
     */
    public void setOptions(TcpConnectionOptions options) {
        engine.congestionAlgorithms().get(options.congestionControl());
        this.options = options;
    }

    /** Handshakes in SYN-RECEIVED. */
    public int synQueueLength() {
        return synQueueLength;
    }

    /** Established connections not yet accepted. */
    public int acceptQueueLength() {
        return acceptQueue.size();
    }

    /**
     * Takes the oldest established connection, binds it to {@code events} and tells them it is established
     * (queued data then follows); null when none waits.
     */
    public TcpConnection accept(TcpConnectionEvents events) {
        TcpConnection connection = acceptQueue.poll();
        if (connection != null) {
            connection.accepted(events);
            engine.flush();
        }
        return connection;
    }

    /** Stops listening: no more SYNs are taken, and connections not yet accepted are reset. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.removeListener(this);
        TcpConnection connection;
        while ((connection = acceptQueue.poll()) != null) {
            connection.abort();
        }
        engine.flush();
    }

    public boolean isClosed() {
        return closed;
    }

    /** The SYN queue holds {@link TcpStackConfig#synQueueLimit()} handshakes. */
    public boolean synQueueFull() {
        return synQueueLength >= engine.config().synQueueLimit();
    }

    /** The accept queue holds {@code backlog} connections. */
    public boolean acceptQueueFull() {
        return acceptQueue.size() >= backlog;
    }

    /** This listener answered a SYN with a cookie at {@code nowNanos}. */
    public void synCookieSent(long nowNanos) {
        synCookiesSent = true;
        lastSynCookieNanos = nowNanos;
    }

    /**
     * Whether a cookie of this listener may still come back at {@code nowNanos}; only then is an ACK to it
     * checked as one (as Linux checks only after a recent overflow), so stray ACKs cost no MAC.
     */
    public boolean mayHoldSynCookies(long nowNanos) {
        return synCookiesSent && SynCookies.mayStillBeValid(lastSynCookieNanos, nowNanos);
    }

    void synReceived() {
        synQueueLength++;
        engine.halfOpenStarted();
    }

    /** A handshake left SYN-RECEIVED: established (then queued for accept) or abandoned. */
    void handshakeEnded(TcpConnection connection, boolean established) {
        synQueueLength--;
        engine.halfOpenEnded();
        if (established && !closed) {
            acceptQueue.add(connection);
            acceptor.onAcceptable(this);
        } else if (established) {
            connection.abort();
        }
    }

    /** An established connection closed before it was accepted. */
    void forget(TcpConnection connection) {
        acceptQueue.remove(connection);
    }
}
