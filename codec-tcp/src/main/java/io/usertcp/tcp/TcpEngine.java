package io.usertcp.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.stack.InboundPacket;
import io.usertcp.stack.OutboundDatagram;
import io.usertcp.tcp.congestion.CongestionControlAlgorithms;
import io.usertcp.tcp.demux.ConnectionTable;
import io.usertcp.tcp.demux.InsertOutcome;
import io.usertcp.tcp.demux.ListenerTable;
import io.usertcp.tcp.input.TcpInput;
import io.usertcp.tcp.isn.InitialSequenceNumberGenerator;
import io.usertcp.tcp.isn.SipHash24;
import io.usertcp.tcp.output.TcpOutput;
import io.usertcp.tcp.retransmission.RetransmissionControl;
import io.usertcp.tcp.syncookie.SynCookies;
import io.usertcp.timer.TimingWheel;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The TCP engine of one event loop: configuration, clock, timing wheel, connection and listener tables,
 * initial sequence numbers, counters, and the core logic ({@link TcpInput}, {@link TcpOutput},
 * {@link RetransmissionControl}) the stack pipeline's TCP handlers call. Segments leave through the context
 * of "tcp-demux" ({@link #attach}), so they pass "icmp", "ipv4" and "ethernet" on their way to the device.
 *
 * <p>The loop (or a test harness) drives time: {@link #expireTimers()} runs due timers, each delivered as a
 * {@link TcpTimerEvent} through the pipeline. Reusable per-loop objects (the segment view, the events, the
 * outbound datagram) live here, so nothing is allocated per segment. Owned by one thread.
 */
public final class TcpEngine {
    private final TcpStackConfig config;
    private final Ticker ticker;
    private final FrameBuffers frameBuffers;
    private final TimingWheel timingWheel;
    private final ConnectionTable<TcpConnection> connections;
    private final ListenerTable<TcpListener> listeners;
    private final InitialSequenceNumberSource sequenceNumbers;
    private final SynCookies synCookies;
    private final CongestionControlAlgorithms congestionAlgorithms;
    private final TcpConnectionOptions connectionDefaults;
    private final TcpCounters counters = new TcpCounters();
    private final ConnectionAgeList timeWaitConnections = new ConnectionAgeList();
    private final ConnectionAgeList orphanConnections = new ConnectionAgeList();
    private final DropCounters dropCounters = new DropCounters();
    private final TcpSegment segment = new TcpSegment();
    private final AckEvent ackEvent = new AckEvent();
    private final CongestionEvent congestionEvent = new CongestionEvent();
    private final TcpTimerEvent timerEvent = new TcpTimerEvent();
    private final OutboundDatagram datagram = new OutboundDatagram();
    private final TcpInput input;
    private final TcpOutput output;
    private final RetransmissionControl retransmission;
    private ChannelHandlerContext context;
    private boolean flushPending;
    private int nextEphemeralPort;
    private int halfOpenConnections;
    private TcpConnection batchHead;

    /** An engine with RFC 6528 sequence numbers under a fresh key and the built-in congestion controls. */
    public TcpEngine(TcpStackConfig config, Ticker ticker, ByteBufAllocator allocator) {
        this(config, ticker, allocator, new InitialSequenceNumberGenerator(ticker)::generate,
                new CongestionControlAlgorithms());
    }

    public TcpEngine(TcpStackConfig config, Ticker ticker, ByteBufAllocator allocator,
                     InitialSequenceNumberSource sequenceNumbers, CongestionControlAlgorithms congestionAlgorithms) {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.frameBuffers = new FrameBuffers(allocator);
        this.timingWheel = new TimingWheel(ticker);
        this.connections = new ConnectionTable<>(64, config.maxConnections());
        this.listeners = new ListenerTable<>(8, config.maxListeners());
        this.sequenceNumbers = Objects.requireNonNull(sequenceNumbers, "sequenceNumbers");
        this.synCookies = new SynCookies(SipHash24.withRandomKey(new SecureRandom()));
        this.congestionAlgorithms = Objects.requireNonNull(congestionAlgorithms, "congestionAlgorithms");
        congestionAlgorithms.get(config.congestionControl());
        this.connectionDefaults = TcpConnectionOptions.from(config);
        this.output = new TcpOutput(this);
        this.input = new TcpInput(this);
        this.retransmission = new RetransmissionControl(this);
        this.nextEphemeralPort = config.firstEphemeralPort();
    }

    public TcpStackConfig config() {
        return config;
    }

    /** The options a connection or listener starts with unless given others: the stack's. */
    public TcpConnectionOptions connectionDefaults() {
        return connectionDefaults;
    }

    public Ticker ticker() {
        return ticker;
    }

    public long nowNanos() {
        return ticker.nanoTime();
    }

    public FrameBuffers frameBuffers() {
        return frameBuffers;
    }

    public TimingWheel timingWheel() {
        return timingWheel;
    }

    public TcpCounters counters() {
        return counters;
    }

    /** Segments dropped by validation (checksum, data offset, options). */
    public DropCounters dropCounters() {
        return dropCounters;
    }

    public CongestionControlAlgorithms congestionAlgorithms() {
        return congestionAlgorithms;
    }

    public TcpInput input() {
        return input;
    }

    public TcpOutput output() {
        return output;
    }

    public RetransmissionControl retransmission() {
        return retransmission;
    }

    /** The segment view "tcp-demux" wrapped for the packet now in the pipeline. */
    public TcpSegment segment() {
        return segment;
    }

    public AckEvent ackEvent() {
        return ackEvent;
    }

    public CongestionEvent congestionEvent() {
        return congestionEvent;
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Connections in TIME-WAIT, at most {@link TcpStackConfig#maxTimeWaitConnections()}. */
    public int timeWaitCount() {
        return timeWaitConnections.size();
    }

    /** Orphaned connections ({@link TcpConnection#isOrphan()}), at most {@link TcpStackConfig#maxOrphanConnections()}. */
    public int orphanCount() {
        return orphanConnections.size();
    }

    /** The connection with this 4-tuple, or null. */
    public TcpConnection connection(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return connections.get(localAddress, localPort, remoteAddress, remotePort);
    }

    /** Visits every connection in the table (for listings); the action must not open or close connections. */
    public void forEachConnection(Consumer<TcpConnection> action) {
        connections.forEach((localAddress, localPort, remoteAddress, remotePort, connection) ->
                action.accept(connection));
    }

    /** Called by "tcp-demux" when it joins the pipeline: segments are written through its context. */
    public void attach(ChannelHandlerContext context) {
        this.context = context;
    }

    public void detach(ChannelHandlerContext context) {
        if (this.context == context) {
            this.context = null;
        }
    }

    /**
     * Opens a listener on {@code localAddress} (0 for every address) and {@code localPort}, with an accept
     * queue of {@code backlog} connections, whose connections start with the stack's options.
     *
     * @throws IllegalStateException if the address and port are taken or the listener table is full
     */
    public TcpListener listen(int localAddress, int localPort, int backlog, TcpAcceptor acceptor) {
        return listen(localAddress, localPort, backlog, connectionDefaults, acceptor);
    }

    /**
     * Opens a listener as {@link #listen(int, int, int, TcpAcceptor)} does, whose connections start with
     * {@code options}: its receive buffer decides the window and window scale of the SYN-ACK, as a Linux
     * listener's SO_RCVBUF decides its children's.
     *
     * @throws IllegalArgumentException if the options name an unknown congestion control
     */
    public TcpListener listen(int localAddress, int localPort, int backlog, TcpConnectionOptions options,
                              TcpAcceptor acceptor) {
        if (backlog < 1 || localPort < 1 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("backlog " + backlog + ", port " + localPort);
        }
        congestionAlgorithms.get(options.congestionControl());
        TcpListener listener = new TcpListener(this, localAddress, localPort, backlog, options,
                Objects.requireNonNull(acceptor, "acceptor"));
        InsertOutcome outcome = listeners.add(localAddress, localPort, listener);
        if (outcome == InsertOutcome.FULL) {
            counters.increment(TcpCounter.LISTENER_TABLE_FULL);
        }
        if (outcome != InsertOutcome.ADDED) {
            throw new IllegalStateException("cannot listen on port " + localPort + ": " + outcome);
        }
        return listener;
    }

    /** The listener for a segment to {@code localAddress:localPort} (exact address first, then wildcard), or null. */
    public TcpListener listenerFor(int localAddress, int localPort) {
        return listeners.lookup(localAddress, localPort);
    }

    void removeListener(TcpListener listener) {
        listeners.remove(listener.localAddress(), listener.localPort());
    }

    /**
     * Active open (RFC 9293 3.10.1) from {@code localAddress} and an ephemeral port to the remote endpoint:
     * sends the SYN and returns the connection in SYN-SENT; {@code events} learns the outcome. The connection
     * has the stack's options.
     *
     * @throws IllegalStateException when no ephemeral port is free or the connection table is full
     */
    public TcpConnection connect(int localAddress, int remoteAddress, int remotePort, TcpConnectionEvents events) {
        return connect(localAddress, remoteAddress, remotePort, connectionDefaults, events);
    }

    /**
     * Active open as {@link #connect(int, int, int, TcpConnectionEvents)}, with {@code options}, which the SYN
     * already follows: its MSS and window scale come from their clamp and receive buffer.
     *
     * @throws IllegalArgumentException if the options name an unknown congestion control
     */
    public TcpConnection connect(int localAddress, int remoteAddress, int remotePort, TcpConnectionOptions options,
                                 TcpConnectionEvents events) {
        return connect(localAddress, 0, remoteAddress, remotePort, options, events);
    }

    /**
     * Active open as {@link #connect(int, int, int, TcpConnectionOptions, TcpConnectionEvents)}, from
     * {@code localPort}, or from an ephemeral port when it is 0 (a socket bound to a port before connect).
     *
     * @throws IllegalStateException when the port is taken by a listener or by a connection to the same remote
     *                               endpoint, no ephemeral port is free, or the connection table is full
     */
    public TcpConnection connect(int localAddress, int localPort, int remoteAddress, int remotePort,
                                 TcpConnectionOptions options, TcpConnectionEvents events) {
        Objects.requireNonNull(events, "events");
        congestionAlgorithms.get(options.congestionControl());
        if (localPort != 0 && (connections.get(localAddress, localPort, remoteAddress, remotePort) != null
                || listeners.lookup(localAddress, localPort) != null)) {
            throw new IllegalStateException("address already in use: port " + localPort);
        }
        int sourcePort = localPort != 0 ? localPort : freeEphemeralPort(localAddress, remoteAddress, remotePort);
        TcpConnection connection = new TcpConnection(this, localAddress, sourcePort, remoteAddress, remotePort,
                options);
        if (register(connection) != InsertOutcome.ADDED) {
            counters.increment(TcpCounter.CONNECTION_TABLE_FULL);
            throw new IllegalStateException("connection table full");
        }
        connection.bindActive(events);
        input.openActive(connection, nowNanos());
        flush();
        return connection;
    }

    private int freeEphemeralPort(int localAddress, int remoteAddress, int remotePort) {
        int first = config.firstEphemeralPort();
        int range = config.lastEphemeralPort() - first + 1;
        for (int attempt = 0; attempt < range; attempt++) {
            int port = nextEphemeralPort;
            nextEphemeralPort = port == config.lastEphemeralPort() ? first : port + 1;
            if (connections.get(localAddress, port, remoteAddress, remotePort) == null
                    && listeners.lookup(localAddress, port) == null) {
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port toward " + remotePort);
    }

    /** A new connection in the table for a SYN that reached {@code listener}; null when the table is full. */
    public TcpConnection openPassive(TcpListener listener, int localAddress, int localPort, int remoteAddress,
                                     int remotePort) {
        TcpConnection connection = new TcpConnection(this, localAddress, localPort, remoteAddress, remotePort,
                listener.options());
        if (register(connection) != InsertOutcome.ADDED) {
            counters.increment(TcpCounter.CONNECTION_TABLE_FULL);
            return null;
        }
        connection.bindListener(listener);
        listener.synReceived();
        return connection;
    }

    /**
     * Adds a new connection to the table. A full table gives up its oldest TIME-WAIT connection for it: a live
     * connection is worth more than the remainder of an old one's 2*MSL (as Linux reuses TIME-WAIT ports).
     */
    private InsertOutcome register(TcpConnection connection) {
        InsertOutcome outcome = connections.add(connection.localAddress(), connection.localPort(),
                connection.remoteAddress(), connection.remotePort(), connection);
        if (outcome == InsertOutcome.FULL && timeWaitConnections.size() > 0) {
            reclaimOldestTimeWait();
            outcome = connections.add(connection.localAddress(), connection.localPort(), connection.remoteAddress(),
                    connection.remotePort(), connection);
        }
        return outcome;
    }

    void unregister(TcpConnection connection) {
        connections.remove(connection.localAddress(), connection.localPort(), connection.remoteAddress(),
                connection.remotePort());
        if (connection.ageList != null) {
            connection.ageList.remove(connection);
        }
    }

    /**
     * {@code connection} entered TIME-WAIT. At {@link TcpStackConfig#maxTimeWaitConnections()} the oldest TIME-WAIT
     * connection makes room: it is freed silently, as its 2*MSL would have freed it.
     */
    void enteredTimeWait(TcpConnection connection) {
        orphanConnections.remove(connection);
        if (timeWaitConnections.size() >= config.maxTimeWaitConnections()) {
            reclaimOldestTimeWait();
        }
        timeWaitConnections.add(connection);
    }

    private void reclaimOldestTimeWait() {
        counters.increment(TcpCounter.TIME_WAIT_RECLAIMED);
        timeWaitConnections.oldest().terminate(null);
    }

    /**
     * {@code connection} became an orphan ({@link TcpConnection#isOrphan()}); nothing happens if it already was.
     * Beyond {@link TcpStackConfig#maxOrphanConnections()} the oldest orphan is reset (RST, then freed), as Linux
     * does with too many orphans: nobody reads from it, and the peer learns at once instead of at its timeout.
     */
    void orphaned(TcpConnection connection) {
        if (orphanConnections.contains(connection)) {
            return;
        }
        if (orphanConnections.size() >= config.maxOrphanConnections()) {
            TcpConnection oldest = orphanConnections.oldest();
            counters.increment(TcpCounter.ORPHANS_RESET);
            output.sendReset(oldest);
            oldest.terminate(null);
        }
        orphanConnections.add(connection);
    }

    /** Connections in SYN-RECEIVED opened by any of this engine's listeners. */
    public int halfOpenConnectionCount() {
        return halfOpenConnections;
    }

    /** {@link TcpStackConfig#maxHalfOpenConnections()} handshakes are under way: SYNs get cookies or are dropped. */
    public boolean halfOpenLimitReached() {
        return halfOpenConnections >= config.maxHalfOpenConnections();
    }

    void halfOpenStarted() {
        halfOpenConnections++;
    }

    void halfOpenEnded() {
        halfOpenConnections--;
    }

    /** The SYN cookie codec, under this engine's own key (RFC 4987 3.6). */
    public SynCookies synCookies() {
        return synCookies;
    }

    /** RFC 6528 initial sequence number for a 4-tuple. */
    public int initialSequenceNumber(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return sequenceNumbers.initialSequenceNumber(localAddress, localPort, remoteAddress, remotePort);
    }

    /**
     * "tcp-demux": validates the TCP segment of {@code packet} into {@link #segment()} and looks its connection
     * up. Returns the connection (also attached to the packet), or null when the packet was consumed here:
     * dropped as invalid, or answered as a segment for a listener or a closed port (RFC 9293 3.10.7.1-2). An ACK
     * returning a valid SYN cookie returns the connection it rebuilt, so the ACK completes the handshake.
     */
    public TcpConnection demultiplex(InboundPacket packet) {
        int source = packet.sourceAddress();
        int destination = packet.destinationAddress();
        DropReason drop = segment.wrap(packet.transportBuffer(), packet.transportOffset(), packet.transportLength(),
                source, destination);
        if (drop != null) {
            dropCounters.increment(drop);
            packet.release();
            return null;
        }
        counters.increment(TcpCounter.SEGMENTS_RECEIVED);
        if (segment.hasFlags(TcpFlags.RST)) {
            counters.increment(TcpCounter.RESETS_RECEIVED);
        }
        TcpConnection connection = connections.get(destination, segment.destinationPort(), source,
                segment.sourcePort());
        if (connection == null) {
            connection = input.segmentWithoutConnection(segment, source, destination, nowNanos());
            if (connection == null) {
                packet.release();
                flush();
                return null;
            }
        }
        packet.setConnection(connection);
        return connection;
    }

    /** Hands a finished segment (header prepended) to the network layer; ownership of {@code segmentBuffer} passes. */
    public void transmit(ByteBuf segmentBuffer, int sourceAddress, int destinationAddress) {
        ChannelHandlerContext target = context;
        if (target == null) {
            segmentBuffer.release();
            counters.increment(TcpCounter.OUTPUT_DETACHED);
            return;
        }
        counters.increment(TcpCounter.SEGMENTS_SENT);
        datagram.set(segmentBuffer, sourceAddress, destinationAddress, Ipv4Packet.PROTOCOL_TCP, 0, true);
        target.write(datagram, target.voidPromise());
        flushPending = true;
    }

    /** Flushes what {@link #transmit} wrote since the last flush. */
    public void flush() {
        if (flushPending && context != null) {
            flushPending = false;
            context.flush();
        }
    }

    /**
     * The stack is going away: every connection is aborted (RST where synchronized, RFC 9293 3.10.5) and every
     * listener closed, releasing all their buffers.
     */
    public void close() {
        List<TcpConnection> open = new ArrayList<>(connections.size());
        connections.forEach((localAddress, localPort, remoteAddress, remotePort, connection) -> open.add(connection));
        for (TcpConnection connection : open) {
            connection.abort();
        }
        List<TcpListener> listening = new ArrayList<>(listeners.size());
        listeners.forEach((localAddress, localPort, listener) -> listening.add(listener));
        for (TcpListener listener : listening) {
            listener.close();
        }
        flush();
    }

    /** Runs the timers due now (each as a {@link TcpTimerEvent} through the pipeline), then flushes. */
    public int expireTimers() {
        int ran = timingWheel.expire(ticker.nanoTime());
        flush();
        return ran;
    }

    /**
     * Sends a congestion signal raised outside an ACK (by output, for an idle restart) through the pipeline from
     * "tcp-demux", so it reaches whichever handler is registered as "tcp-congestion".
     */
    public void signalCongestion(CongestionEvent event) {
        ChannelHandlerContext target = context;
        if (target != null) {
            target.fireChannelRead(event);
        }
    }

    void dispatchTimer(TcpConnection connection, int kind, long nowNanos) {
        ChannelHandlerContext target = context;
        if (target != null) {
            target.fireUserEventTriggered(timerEvent.set(connection, kind, nowNanos));
        }
    }

    void joinBatch(TcpConnection connection) {
        if (!connection.inBatch) {
            connection.inBatch = true;
            connection.batchNext = batchHead;
            batchHead = connection;
        }
    }

    /**
     * RFC 9293 3.8.6.3: the ACK due for {@code connection} (every second full-sized segment) goes at the end of
     * the inbound batch, once, however many segments the batch brought it.
     */
    public void acknowledgeAtBatchEnd(TcpConnection connection) {
        joinBatch(connection);
    }

    /**
     * End of an inbound batch: tells each connection that received data, once, then sends each deferred ACK
     * that no segment has carried meanwhile (the application's reply to the data may have).
     */
    public void readComplete() {
        TcpConnection connection = batchHead;
        batchHead = null;
        while (connection != null) {
            TcpConnection next = connection.batchNext;
            connection.batchNext = null;
            connection.inBatch = false;
            if (connection.readCompletePending) {
                connection.readCompletePending = false;
                connection.readComplete();
            }
            input.finishBatch(connection);
            connection = next;
        }
        flush();
    }
}
