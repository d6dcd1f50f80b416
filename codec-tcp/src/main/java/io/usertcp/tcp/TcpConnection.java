package io.usertcp.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.congestion.CongestionControl;
import io.usertcp.tcp.congestion.CongestionControlFactory;
import io.usertcp.tcp.info.TcpConnectionStatistics;
import io.usertcp.tcp.output.SendBuffer;
import io.usertcp.tcp.reassembly.OutOfOrderQueue;
import io.usertcp.tcp.rtt.RttEstimator;
import io.usertcp.tcp.rtt.TimestampRttSampler;
import io.usertcp.tcp.sack.ReceivedSackBlocks;
import io.usertcp.tcp.recovery.RackLossDetector;
import io.usertcp.tcp.sack.SackScoreboard;
import io.usertcp.timer.TimerEntry;
import io.usertcp.timer.TimerOwner;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;

/**
 * One TCP connection: its control block ({@link #controlBlock()}), buffers, timers and the application's
 * side. The application writes with {@link #write}/{@link #flush}, half-closes with {@link #shutdownOutput},
 * closes with {@link #close} (FIN, or RST when linger 0 is set or unread data remains, RFC 9293 3.10.4 and
 * RFC 2525 2.17) or {@link #abort} (RST), and controls reception with {@link #setAutoRead}: while it does not
 * read, data stays queued here and the advertised window closes (real backpressure).
 *
 * <p>All methods run on the engine's event loop; nothing is synchronized. Allocates at construction (the
 * receive queue and send ring grow when needed; the out-of-order queue allocates only while it holds data).
 */
public final class TcpConnection implements TimerOwner {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TcpConnection.class);

    private final TcpEngine engine;
    private final TcpControlBlock tcb = new TcpControlBlock();
    private final int localAddress;
    private final int localPort;
    private final int remoteAddress;
    private final int remotePort;
    private final SendBuffer sendBuffer = new SendBuffer();
    private final ArrayDeque<ByteBuf> receiveQueue = new ArrayDeque<>(4);
    private final OutOfOrderQueue outOfOrderQueue;
    private final ReceivedSackBlocks receivedSackBlocks = new ReceivedSackBlocks();
    private final RttEstimator rttEstimator;
    private final TimerEntry[] timers = new TimerEntry[TcpTimerEvent.KINDS];
    private final TcpConnectionStatistics statistics = new TcpConnectionStatistics();
    private TimestampRttSampler timestampSampler;
    private SackScoreboard sackScoreboard;
    private RackLossDetector rackLossDetector;
    private CongestionControl congestionControl;
    private TcpConnectionOptions options;
    private TcpConnectionEvents events;
    private TcpListener listener;
    private int unreadBytes;
    private boolean autoRead = true;
    private boolean writable = true;
    private boolean lingerZero;
    private boolean closedNotified;
    private boolean applicationClosed;
    /**
     * Intrusive list of the connections with work for the end of the current inbound batch: data delivered
     * ({@link #readCompletePending}) or an ACK deferred to it ({@link TcpControlBlock#ackAtBatchEnd}).
     */
    TcpConnection batchNext;
    boolean inBatch;
    boolean readCompletePending;
    /** The engine's list this connection is in (its TIME-WAIT or its orphans), and its neighbours there. */
    ConnectionAgeList ageList;
    TcpConnection olderInList;
    TcpConnection newerInList;

    TcpConnection(TcpEngine engine, int localAddress, int localPort, int remoteAddress, int remotePort,
                  TcpConnectionOptions options) {
        this.engine = engine;
        this.options = options;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        TcpStackConfig config = engine.config();
        this.outOfOrderQueue = new OutOfOrderQueue(config.outOfOrderMaxBytes(), config.outOfOrderMaxSegments());
        this.rttEstimator = new RttEstimator(config.rttConfig());
        for (int kind = 0; kind < timers.length; kind++) {
            timers[kind] = new TimerEntry(this, kind);
        }
        tcb.keepAlive = config.keepAlive();
    }

    // ---- application side

    public TcpState state() {
        return tcb.state;
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteAddress() {
        return remoteAddress;
    }

    public int remotePort() {
        return remotePort;
    }

    public TcpEngine engine() {
        return engine;
    }

    /**
     * Queues {@code data} for sending (ownership passes); it leaves at the next {@link #flush}. Returns false,
     * releasing the data, once output is shut down or the connection is closed.
     */
    public boolean write(ByteBuf data) {
        TcpState state = tcb.state;
        if (tcb.finQueued || state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            data.release();
            return false;
        }
        sendBuffer.append(data);
        updateWritability();
        return true;
    }

    /** Sends what the windows, Nagle and silly window avoidance allow now. */
    public void flush() {
        engine.output().sendData(this);
        engine.flush();
    }

    /**
     * Half-close: a FIN follows the queued data (RFC 9293 3.10.4). In SYN-SENT the connection simply closes.
     */
    public void shutdownOutput() {
        switch (tcb.state) {
            case SYN_SENT:
                terminate(null);
                break;
            case SYN_RECEIVED:
                // RFC 9293 3.10.4: queued until ESTABLISHED
                tcb.shutdownPending = true;
                break;
            case ESTABLISHED:
                queueFin(TcpState.FIN_WAIT_1);
                break;
            case CLOSE_WAIT:
                queueFin(TcpState.LAST_ACK);
                break;
            default:
                return;
        }
        engine.flush();
    }

    private void queueFin(TcpState next) {
        tcb.finQueued = true;
        int dataStart = tcb.sndUna == tcb.iss ? tcb.iss + 1 : tcb.sndUna;
        tcb.finSeq = dataStart + sendBuffer.size();
        tcb.state = next;
        engine.output().sendData(this);
    }

    /**
     * Closes: no more data is read or written. Sends FIN after the queued data, or RST when linger 0 is set or
     * received data was never read (RFC 2525 2.17: data would be lost silently otherwise). The application is
     * told {@link TcpConnectionEvents#onClosed} once the connection is done. Until then it is an orphan
     * ({@link #isOrphan()}), which the engine may reset when there are too many.
     */
    public void close() {
        applicationClosed = true;
        if (lingerZero || unreadBytes > 0) {
            abort();
            return;
        }
        shutdownOutput();
        if (tcb.state == TcpState.FIN_WAIT_2 && !isTimerArmed(TcpTimerEvent.FIN_WAIT_2)) {
            // Half-closed before: nobody reads the peer's data any more, so the FIN-WAIT-2 timeout runs from now (as
            // Linux's tcp_close arms tcp_fin_timeout for a socket closed in FIN-WAIT-2)
            armTimer(TcpTimerEvent.FIN_WAIT_2, engine.config().finWait2TimeoutNanos());
        }
        if (isOrphan()) {
            engine.orphaned(this);
            engine.flush();
        }
    }

    /**
     * The application closed this connection, which lives on only to finish closing (FIN-WAIT-1, FIN-WAIT-2,
     * CLOSING, LAST-ACK). The engine caps how many such orphans there are.
     */
    public boolean isOrphan() {
        TcpState state = tcb.state;
        return applicationClosed && (state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2
                || state == TcpState.CLOSING || state == TcpState.LAST_ACK);
    }

    /** Abort (RFC 9293 3.10.5): RST in synchronized states, then CLOSED at once; queued data is discarded. */
    public void abort() {
        TcpState state = tcb.state;
        if (state == TcpState.CLOSED) {
            return;
        }
        if (state == TcpState.SYN_RECEIVED || state.isSynchronized() && state != TcpState.TIME_WAIT) {
            engine.output().sendReset(this);
        }
        terminate(null);
        engine.flush();
    }

    /** SO_KEEPALIVE: probe the peer after the configured idle time (RFC 9293 3.8.4). */
    public void setKeepAlive(boolean keepAlive) {
        tcb.keepAlive = keepAlive;
        if (keepAlive && tcb.state.isSynchronized() && !isTimerArmed(TcpTimerEvent.KEEPALIVE)) {
            armTimer(TcpTimerEvent.KEEPALIVE, options.keepAliveIdleNanos());
        } else if (!keepAlive) {
            cancelTimer(TcpTimerEvent.KEEPALIVE);
        }
    }

    /** This connection's settings: the stack's, its listener's or its opener's, as changed since. */
    public TcpConnectionOptions options() {
        return options;
    }

    /**
     * TCP_NODELAY is {@code !enabled}. Turning Nagle off sends what it was holding back at once, as Linux does
     * when TCP_NODELAY is set.
     */
    public void setNagle(boolean enabled) {
        options = options.withNagle(enabled);
        if (!enabled) {
            flush();
        }
    }

    /** SO_SNDBUF: the writability water marks follow at once (see {@link #updateWritability}). */
    public void setSendBufferBytes(int bytes) {
        options = options.withSendBufferBytes(bytes);
        updateWritability();
    }

    /**
     * SO_RCVBUF after the SYN: the window scale is fixed by then, so a buffer larger than the largest window it
     * expresses (65535 shifted by it) is clamped to that (RFC 7323 2.3). A smaller buffer shrinks the window
     * only as data arrives: the right edge already advertised stays (RFC 9293 3.8.6 SHLD-14, RFC 7323 2.4).
     */
    public void setReceiveBufferBytes(int bytes) {
        options = options.withReceiveBufferBytes((int) Math.min(bytes, 0xFFFFL << tcb.rcvShift));
        engine.output().sendWindowUpdateIfUseful(this);
        engine.flush();
    }

    /**
     * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT. While keep-alive waits out the idle time, the new idle time
     * counts from the peer's last segment, as on Linux; probes already sent continue at the new interval.
     */
    public void setKeepAliveTiming(long idleNanos, long intervalNanos, int probes) {
        options = options.withKeepAliveTiming(idleNanos, intervalNanos, probes);
        if (tcb.keepAlive && tcb.keepAliveProbes == 0 && isTimerArmed(TcpTimerEvent.KEEPALIVE)) {
            long silent = engine.nowNanos() - tcb.lastReceiveNanos;
            armTimer(TcpTimerEvent.KEEPALIVE, Math.max(0, idleNanos - silent));
        }
    }

    /** TCP_USER_TIMEOUT (RFC 5482); 0 leaves giving up to R2. Checked at the next retransmission or probe. */
    public void setUserTimeoutNanos(long nanos) {
        options = options.withUserTimeoutNanos(nanos);
    }

    /**
     * TCP_MAXSEG: a clamp on the MSS we announce and the MSS we send. It takes effect at the handshake, so set it
     * in the options given to {@link TcpEngine#connect} or the listener; on a connection already past its SYN it
     * is kept for reading back and changes nothing, as on Linux.
     */
    public void setMaxSegmentSize(int mss) {
        options = options.withMaxSegmentSize(mss);
    }

    /** The application called {@link #close}: it reads and writes no more. */
    public boolean isApplicationClosed() {
        return applicationClosed;
    }

    /** SO_LINGER with a zero timeout: {@link #close} aborts with RST. */
    public void setLingerZero(boolean lingerZero) {
        this.lingerZero = lingerZero;
    }

    /**
     * Whether received data goes to {@link TcpConnectionEvents#onData} as it arrives. Off, it stays queued and
     * the window closes; turning it on delivers what is queued and reopens the window.
     */
    public void setAutoRead(boolean autoRead) {
        this.autoRead = autoRead;
        if (autoRead) {
            read();
        }
    }

    public boolean isAutoRead() {
        return autoRead;
    }

    /** Delivers the data queued while not reading, and sends a window update if that opened the window enough. */
    public void read() {
        if (events == null || receiveQueue.isEmpty()) {
            return;
        }
        ByteBuf data;
        while ((data = receiveQueue.poll()) != null) {
            unreadBytes -= data.readableBytes();
            events.onData(this, data);
        }
        events.onReadComplete(this);
        engine.output().sendWindowUpdateIfUseful(this);
        engine.flush();
    }

    /** Received bytes queued for the application and not yet delivered. */
    public int unreadBytes() {
        return unreadBytes;
    }

    public boolean isWritable() {
        return writable;
    }

    /** Bytes written and not yet acknowledged. */
    public int sendBufferedBytes() {
        return sendBuffer.size();
    }

    /** Opened by a listener. */
    public boolean isPassiveOpen() {
        return tcb.passiveOpen;
    }

    // ---- engine side

    /** Running totals for {@link io.usertcp.tcp.info.TcpInfo}; the engine counts into them. */
    public TcpConnectionStatistics statistics() {
        return statistics;
    }

    /** The RFC 9293 control block; the engine's working state. */
    public TcpControlBlock controlBlock() {
        return tcb;
    }

    public SendBuffer sendBuffer() {
        return sendBuffer;
    }

    public OutOfOrderQueue outOfOrderQueue() {
        return outOfOrderQueue;
    }

    public ReceivedSackBlocks receivedSackBlocks() {
        return receivedSackBlocks;
    }

    public RttEstimator rttEstimator() {
        return rttEstimator;
    }

    /** The RFC 7323 RTTM clock, null unless timestamps were negotiated. */
    public TimestampRttSampler timestampSampler() {
        return timestampSampler;
    }

    public void startTimestamps(int offset, long nowNanos) {
        timestampSampler = new TimestampRttSampler(rttEstimator, offset, nowNanos);
    }

    /** The RFC 6675 sender scoreboard, created at establishment when SACK was agreed; null otherwise. */
    public SackScoreboard sackScoreboard() {
        return sackScoreboard;
    }

    /** RACK-TLP loss detection (RFC 8985), with the scoreboard when the peer SACKs; null otherwise. */
    public RackLossDetector rackLossDetector() {
        return rackLossDetector;
    }

    /**
     * Chooses this connection's congestion control by its registered name, as Linux's TCP_CONGESTION socket
     * option does; the one in its {@link #options()} applies otherwise. Chosen before the handshake completes,
     * the algorithm starts with it; chosen later, a fresh instance replaces the current one.
     *
     * @throws IllegalArgumentException if no algorithm has that name
     */
    public void setCongestionControl(String name) {
        CongestionControlFactory factory = engine.congestionAlgorithms().get(name);
        options = options.withCongestionControl(name);
        if (congestionControl != null) {
            congestionControl = factory.newInstance(tcb.sendMss);
        }
    }

    /** The congestion control, created when the handshake fixes the send MSS; null before. */
    public CongestionControl congestionControl() {
        return congestionControl;
    }

    /** The application's events; null for a passive connection not yet accepted. */
    public TcpConnectionEvents events() {
        return events;
    }

    void bindActive(TcpConnectionEvents events) {
        this.events = events;
    }

    void bindListener(TcpListener listener) {
        this.listener = listener;
        tcb.passiveOpen = true;
    }

    /**
     * The data in the network, which the congestion window limits: FlightSize, or during recovery and the repair
     * after a timeout the RFC 6675 pipe (without SACK, in recovery, FlightSize less the segments duplicate ACKs
     * report as delivered).
     */
    public int pipe() {
        int flight = tcb.flightSize();
        if (sackScoreboard != null && (tcb.inRecovery || sackScoreboard.repairingTimeout())) {
            return sackScoreboard.pipe();
        }
        if (tcb.inRecovery) {
            return Math.max(0, flight - tcb.duplicateAcks * tcb.sendMss);
        }
        return flight;
    }

    public void armTimer(int kind, long delayNanos) {
        engine.timingWheel().armAfter(timers[kind], delayNanos);
    }

    public void cancelTimer(int kind) {
        engine.timingWheel().cancel(timers[kind]);
    }

    public boolean isTimerArmed(int kind) {
        return engine.timingWheel().isArmed(timers[kind]);
    }

    @Override
    public void timerExpired(int kind, long nowNanos) {
        engine.dispatchTimer(this, kind, nowNanos);
    }

    /** In-order data for the application: delivered now, or queued while it does not read. */
    public void deliver(ByteBuf data) {
        statistics.bytesDelivered(data.readableBytes());
        if (events != null && autoRead && receiveQueue.isEmpty() && !applicationClosed) {
            events.onData(this, data);
        } else {
            receiveQueue.add(data);
            unreadBytes += data.readableBytes();
        }
        readCompletePending = true;
        engine.joinBatch(this);
    }

    void readComplete() {
        if (events != null && autoRead && !closedNotified && listener == null) {
            events.onReadComplete(this);
        }
    }

    /** The handshake completed: congestion control starts with the negotiated MSS; the application is told. */
    public void established() {
        congestionControl = engine.congestionAlgorithms().get(options.congestionControl()).newInstance(tcb.sendMss);
        if (tcb.sackPermitted) {
            sackScoreboard = new SackScoreboard(tcb.sendMss, tcb.sndUna);
            rackLossDetector = new RackLossDetector();
        }
        if (tcb.synTimedOut) {
            rttEstimator.beginDataAfterSynTimeout();
        }
        cancelTimer(TcpTimerEvent.CONNECT);
        tcb.lastReceiveNanos = engine.nowNanos();
        tcb.lastSendNanos = tcb.lastReceiveNanos;
        if (tcb.keepAlive) {
            armTimer(TcpTimerEvent.KEEPALIVE, options.keepAliveIdleNanos());
        }
        if (tcb.shutdownPending) {
            tcb.shutdownPending = false;
            queueFin(TcpState.FIN_WAIT_1);
            if (isOrphan()) {
                engine.orphaned(this);
            }
        }
        if (logger.isDebugEnabled()) {
            logger.debug("{} established: mss {}, window scale {}, sack {}, timestamps {}, {}", this, tcb.sendMss,
                    tcb.windowScaling ? tcb.sndShift + "/" + tcb.rcvShift : "off", tcb.sackPermitted, tcb.timestamps,
                    congestionControl.name());
        }
        if (listener != null) {
            listener.handshakeEnded(this, true);
        } else if (events != null) {
            events.onEstablished(this);
        }
    }

    /** Whether a passive handshake may complete now: false while the listener's accept queue is full. */
    public boolean mayCompleteHandshake() {
        return listener == null || !listener.acceptQueueFull();
    }

    void accepted(TcpConnectionEvents events) {
        this.events = events;
        listener = null;
        events.onEstablished(this);
        if (tcb.state == TcpState.CLOSED) {
            return;
        }
        read();
        if (tcb.peerFinReceived) {
            events.onPeerShutdown(this);
        }
    }

    /** The peer's FIN: the application learns no more data comes. */
    public void peerShutdown() {
        if (events != null && listener == null) {
            events.onPeerShutdown(this);
        }
    }

    /**
     * Enters TIME-WAIT (RFC 9293 3.10.7.4) for 2*MSL, or less when the engine reclaims it early (its TIME-WAIT cap,
     * or a full connection table); the application is done with the connection now.
     */
    public void enterTimeWait() {
        tcb.state = TcpState.TIME_WAIT;
        for (TimerEntry timer : timers) {
            engine.timingWheel().cancel(timer);
        }
        armTimer(TcpTimerEvent.TIME_WAIT, engine.config().timeWaitNanos());
        releaseBuffers();
        engine.enteredTimeWait(this);
        notifyClosed(null);
    }

    /** Restarts the 2*MSL timer (a retransmitted FIN arrived in TIME-WAIT). */
    public void restartTimeWait() {
        armTimer(TcpTimerEvent.TIME_WAIT, engine.config().timeWaitNanos());
    }

    /** A RST arrived in a synchronized state (RFC 9293 3.10.7.4 second step). */
    public void resetByPeer() {
        TcpState state = tcb.state;
        if (state == TcpState.SYN_RECEIVED && tcb.passiveOpen) {
            // RFC 9293 3.10.7.4: a passive open returns to LISTEN, which is the listener itself here
            terminate(null);
        } else if (state == TcpState.SYN_RECEIVED || state == TcpState.SYN_SENT) {
            terminate(new ConnectException("Connection refused"));
        } else if (state == TcpState.CLOSING || state == TcpState.LAST_ACK || state == TcpState.TIME_WAIT) {
            terminate(null);
        } else {
            terminate(new IOException("Connection reset by peer"));
        }
    }

    /** Goes to CLOSED: timers cancelled, buffers released, the table entry removed, the application told. */
    public void terminate(Throwable cause) {
        if (tcb.state == TcpState.CLOSED) {
            return;
        }
        boolean handshaking = tcb.state == TcpState.SYN_RECEIVED;
        if (handshaking || tcb.state == TcpState.SYN_SENT) {
            engine.counters().increment(TcpCounter.FAILED_CONNECTION_ATTEMPTS);
        }
        if (logger.isDebugEnabled()) {
            logger.debug("{} closed from {}{}", this, tcb.state, cause == null ? "" : ": " + cause);
        }
        tcb.state = TcpState.CLOSED;
        for (TimerEntry timer : timers) {
            engine.timingWheel().cancel(timer);
        }
        releaseBuffers();
        engine.unregister(this);
        if (listener != null) {
            if (handshaking) {
                listener.handshakeEnded(this, false);
            } else {
                listener.forget(this);
            }
        }
        notifyClosed(cause);
    }

    private void releaseBuffers() {
        sendBuffer.clear();
        outOfOrderQueue.clear();
        receivedSackBlocks.clear();
        handOverUnread();
    }

    /**
     * Data received in order and not read yet stays the application's when the connection ends under it (a RST,
     * a timeout, the last ACK of a half-closed connection): Linux lets it be read before the reset is reported.
     * Only an application that closed has given it up.
     */
    private void handOverUnread() {
        if (receiveQueue.isEmpty()) {
            return;
        }
        boolean handOver = events != null && listener == null && !applicationClosed && !closedNotified;
        ByteBuf data;
        while ((data = receiveQueue.poll()) != null) {
            if (handOver) {
                events.onData(this, data);
            } else {
                data.release();
            }
        }
        unreadBytes = 0;
        if (handOver) {
            events.onReadComplete(this);
        }
    }

    private void notifyClosed(Throwable cause) {
        if (!closedNotified && events != null && listener == null) {
            closedNotified = true;
            events.onClosed(this, cause);
        }
    }

    /** Checks the send buffer against its water marks (high: the send buffer size; low: half of it). */
    public void updateWritability() {
        int buffered = sendBuffer.size();
        int high = options.sendBufferBytes();
        if (writable && buffered >= high) {
            writable = false;
            if (events != null) {
                events.onWritabilityChanged(this, false);
            }
        } else if (!writable && buffered <= high / 2) {
            writable = true;
            if (events != null) {
                events.onWritabilityChanged(this, true);
            }
        }
    }

    @Override
    public String toString() {
        return "TcpConnection{" + Ipv4Address.format(localAddress) + ':' + localPort + " -> "
                + Ipv4Address.format(remoteAddress) + ':' + remotePort + ", " + tcb.state + '}';
    }
}
