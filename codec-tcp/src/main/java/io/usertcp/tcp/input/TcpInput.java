package io.usertcp.tcp.input;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.tcp.AckEventPath;
import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.tcp.output.TcpOutput;
import io.usertcp.tcp.reassembly.OfferOutcome;
import io.usertcp.tcp.reassembly.OutOfOrderQueue;
import io.usertcp.tcp.syncookie.SynCookies;

import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.SequenceNumbers.after;
import static io.usertcp.tcp.SequenceNumbers.afterOrEqual;
import static io.usertcp.tcp.SequenceNumbers.before;
import static io.usertcp.tcp.SequenceNumbers.beforeOrEqual;
import static io.usertcp.tcp.SequenceNumbers.inRange;

/**
 * Segment arrival, RFC 9293 3.10.7 in its order: CLOSED (3.10.7.1), LISTEN (3.10.7.2), SYN-SENT (3.10.7.3),
 * and the other states (3.10.7.4): PAWS (RFC 7323 5), the sequence check, RST (RFC 5961 3), SYN (RFC 5961 4),
 * ACK (RFC 5961 5), text and FIN. URG is ignored: RFC 6093 advises applications not to use it, and the
 * pointer is never acted on. Security/compartment (3.10.7.4 third step) does not apply without IP security
 * options.
 *
 * <p>Data and a FIN carried on a SYN or SYN-ACK are not taken: the peer retransmits them after the handshake.
 * Once timestamps are agreed, a segment without them is accepted (RFC 7323 3.2 says SHOULD drop; Linux accepts,
 * and so do we, for middleboxes that strip options); PAWS checks only segments that carry them.
 *
 * <p>A listener whose SYN queue is full, or an engine at its half-open limit, answers SYNs with SYN cookies
 * (RFC 4987 3.6, {@link SynCookies}) and keeps nothing; an ACK returning a valid cookie rebuilds the connection
 * in SYN-RECEIVED and then completes the handshake like any other. A cookie ties the handshake to the peer's ISN,
 * so an ACK whose SEG.SEQ is not ISN + 1 (the peer's first segments after it lost) does not validate, as on Linux.
 *
 * <p>For every acceptable ACK an {@link io.usertcp.tcp.AckEvent} goes to the {@link AckEventPath} (to
 * "tcp-retransmission") before the segment's text is processed. Outgoing ACKs are decided per segment and
 * sent by {@link #finishSegment}, or at the end of the inbound batch when they need not go per segment. One per engine; allocates only the payload slices handed on.
 */
public final class TcpInput {
    /** RFC 7323 5.5: TS.Recent older than 24 days is invalid for PAWS. */
    private static final long PAWS_IDLE_NANOS = TimeUnit.DAYS.toNanos(24);
    /** RFC 7323 3.2: the timestamps option, 10 bytes, padded to 12 as every segment carries it. */
    private static final int TIMESTAMP_OPTION_BYTES = 12;
    /**
     * In-order segments ACKed without delay after an out-of-order one (Linux's TCP_MAX_QUICKACKS): a sender
     * repairing a loss has a small window, and a delayed ACK of its lone segment would stall it.
     */
    private static final int QUICK_ACKS = 16;

    private final TcpEngine engine;
    private final TcpOutput output;

    public TcpInput(TcpEngine engine) {
        this.engine = engine;
        this.output = engine.output();
    }

    /** Active open (RFC 9293 3.10.1): ISS, the SYN, SYN-SENT and the connect timeout. */
    public void openActive(TcpConnection connection, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpStackConfig config = engine.config();
        tcb.iss = engine.initialSequenceNumber(connection.localAddress(), connection.localPort(),
                connection.remoteAddress(), connection.remotePort());
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss;
        tcb.sndMax = tcb.iss;
        tcb.recover = tcb.iss;
        TcpConnectionOptions options = connection.options();
        tcb.receiveMss = options.announcedMss(config);
        tcb.rcvShift = config.windowScaling() ? options.receiveWindowScale() : 0;
        if (config.timestamps()) {
            connection.startTimestamps(timestampOffset(connection), nowNanos);
        }
        tcb.state = TcpState.SYN_SENT;
        engine.counters().increment(TcpCounter.ACTIVE_OPENS);
        startSynTiming(tcb, nowNanos);
        output.sendSyn(connection);
        connection.armTimer(TcpTimerEvent.CONNECT, config.connectTimeoutNanos());
    }

    /** RFC 7323 security considerations: a per-connection offset for TSval, from the keyed ISN function. */
    private int timestampOffset(TcpConnection connection) {
        return engine.initialSequenceNumber(connection.remoteAddress(), connection.remotePort(),
                connection.localAddress(), connection.localPort());
    }

    private static void startSynTiming(TcpControlBlock tcb, long nowNanos) {
        if (!tcb.timestamps) {
            tcb.rttTiming = true;
            tcb.rttSeq = tcb.iss + 1;
            tcb.rttStartNanos = nowNanos;
        }
    }

    /**
     * A segment matching no connection: a listener's (3.10.7.2) or a closed port's (3.10.7.1). Returns the
     * connection a valid SYN cookie rebuilt, for the segment to go on to {@link #segmentArrives}, else null.
     */
    public TcpConnection segmentWithoutConnection(TcpSegment segment, int sourceAddress, int destinationAddress,
                                                  long nowNanos) {
        TcpListener listener = engine.listenerFor(destinationAddress, segment.destinationPort());
        if (listener != null) {
            return listen(listener, segment, sourceAddress, destinationAddress, nowNanos);
        }
        engine.counters().increment(TcpCounter.NO_PORT);
        // RFC 9293 3.10.7.1: an incoming RST is discarded; anything else is answered with RST
        if (segment.hasFlags(TcpFlags.RST)) {
            engine.counters().increment(TcpCounter.RESETS_IGNORED);
            return null;
        }
        output.sendResetFor(segment, destinationAddress, sourceAddress);
        return null;
    }

    private TcpConnection listen(TcpListener listener, TcpSegment segment, int sourceAddress,
                                 int destinationAddress, long nowNanos) {
        int flags = segment.flags();
        // RFC 9293 3.10.7.2 first: an incoming RST is ignored
        if ((flags & TcpFlags.RST) != 0) {
            engine.counters().increment(TcpCounter.RESETS_IGNORED);
            return null;
        }
        // Second: an ACK to a listener is bad, <SEQ=SEG.ACK><CTL=RST>, unless it returns one of our SYN cookies
        if ((flags & TcpFlags.ACK) != 0) {
            if ((flags & TcpFlags.SYN) == 0 && engine.config().synCookies() && listener.mayHoldSynCookies(nowNanos)) {
                return openFromSynCookie(listener, segment, sourceAddress, destinationAddress, nowNanos);
            }
            output.sendResetFor(segment, destinationAddress, sourceAddress);
            return null;
        }
        // Fourth: neither SYN nor RST nor ACK (FIN, Xmas and null scans): dropped
        if ((flags & TcpFlags.SYN) == 0) {
            engine.counters().increment(TcpCounter.SEGMENTS_WITHOUT_SYN_DROPPED);
            return null;
        }
        if (listener.isClosed()) {
            engine.counters().increment(TcpCounter.SYN_QUEUE_OVERFLOWS);
            return null;
        }
        boolean synQueueFull = listener.synQueueFull();
        if (synQueueFull || engine.halfOpenLimitReached()) {
            engine.counters().increment(synQueueFull ? TcpCounter.SYN_QUEUE_OVERFLOWS
                    : TcpCounter.HALF_OPEN_LIMIT_REACHED);
            if (listener.acceptQueueFull()) {
                engine.counters().increment(TcpCounter.ACCEPT_QUEUE_OVERFLOWS);
            } else if (engine.config().synCookies()) {
                sendSynCookie(listener, segment, sourceAddress, destinationAddress, nowNanos);
            }
            return null;
        }
        if (listener.acceptQueueFull()) {
            engine.counters().increment(TcpCounter.ACCEPT_QUEUE_OVERFLOWS);
            return null;
        }
        TcpConnection connection = engine.openPassive(listener, destinationAddress, segment.destinationPort(),
                sourceAddress, segment.sourcePort());
        if (connection == null) {
            return null;
        }
        // Third: the SYN. RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ, ISS chosen, SYN-ACK sent, SYN-RECEIVED
        TcpControlBlock tcb = connection.controlBlock();
        tcb.irs = segment.sequenceNumber();
        tcb.rcvNxt = tcb.irs + 1;
        tcb.iss = engine.initialSequenceNumber(destinationAddress, segment.destinationPort(), sourceAddress,
                segment.sourcePort());
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss;
        tcb.sndMax = tcb.iss;
        tcb.recover = tcb.iss;
        negotiate(connection, segment.options(), nowNanos);
        acceptSynWindow(tcb, segment);
        tcb.state = TcpState.SYN_RECEIVED;
        engine.counters().increment(TcpCounter.PASSIVE_OPENS);
        connection.statistics().segmentReceived(0, nowNanos);
        startSynTiming(tcb, nowNanos);
        output.sendSyn(connection);
        return null;
    }

    /**
     * RFC 4987 3.6: the SYN-ACK for a SYN the SYN queue has no room for, its ISN a cookie and, when the SYN had
     * timestamps, its TSval carrying the peer's window scale and SACK-permitted; the options offered are those
     * the listener would have agreed to. Nothing is kept: only the final ACK brings the connection into being.
     */
    private void sendSynCookie(TcpListener listener, TcpSegment syn, int sourceAddress, int destinationAddress,
                               long nowNanos) {
        TcpStackConfig config = engine.config();
        TcpOptions peer = syn.options();
        SynCookies cookies = engine.synCookies();
        int localPort = syn.destinationPort();
        int remotePort = syn.sourcePort();
        int peerIsn = syn.sequenceNumber();
        int cookie = cookies.encode(destinationAddress, localPort, sourceAddress, remotePort, peerIsn, nowNanos,
                SynCookies.mssIndex(peer.mss()));
        TcpConnectionOptions options = listener.options();
        boolean timestamps = config.timestamps() && peer.hasTimestamps();
        // Without timestamps nothing could carry window scale or SACK to the ACK, so neither is offered
        boolean windowScaling = timestamps && config.windowScaling() && peer.windowScale() >= 0;
        boolean sack = timestamps && config.sack() && peer.sackPermitted();
        int peerWindowScale = windowScaling ? Math.min(peer.windowScale(), TcpStackConfig.MAX_WINDOW_SCALE) : -1;
        int tsVal = timestamps ? SynCookies.timestampValue(cookies.timestampOffset(destinationAddress, localPort,
                sourceAddress, remotePort, peerIsn), nowNanos, peerWindowScale, sack) : 0;
        output.sendSynCookie(syn, destinationAddress, sourceAddress, cookie, options.announcedMss(config),
                windowScaling ? options.receiveWindowScale() : -1, sack, timestamps, tsVal,
                Math.min(options.receiveBufferBytes(), 0xFFFF));
        listener.synCookieSent(nowNanos);
    }

    /**
     * An ACK to a listener that sent cookies lately: when SEG.ACK - 1 is a valid cookie for SEG.SEQ - 1, the
     * connection is rebuilt in SYN-RECEIVED as the cookie SYN-ACK left it (IRS = SEG.SEQ - 1, ISS = SEG.ACK - 1,
     * the options the cookie carries, the listener's own) and returned, so the ACK completes the handshake
     * through the usual path, and any data or FIN on it is taken. Otherwise the ACK is answered with RST as
     * RFC 9293 3.10.7.2 says. A full accept queue drops the ACK (the peer sends again), as for a queued handshake.
     */
    private TcpConnection openFromSynCookie(TcpListener listener, TcpSegment ack, int sourceAddress,
                                            int destinationAddress, long nowNanos) {
        int localPort = ack.destinationPort();
        int remotePort = ack.sourcePort();
        int irs = ack.sequenceNumber() - 1;
        int iss = ack.acknowledgmentNumber() - 1;
        SynCookies cookies = engine.synCookies();
        int mssIndex = cookies.validate(destinationAddress, localPort, sourceAddress, remotePort, irs, iss,
                nowNanos);
        if (mssIndex < 0) {
            engine.counters().increment(TcpCounter.SYN_COOKIES_FAILED);
            output.sendResetFor(ack, destinationAddress, sourceAddress);
            return null;
        }
        engine.counters().increment(TcpCounter.SYN_COOKIES_VALIDATED);
        if (listener.acceptQueueFull()) {
            engine.counters().increment(TcpCounter.ACCEPT_QUEUE_OVERFLOWS);
            return null;
        }
        TcpConnection connection = engine.openPassive(listener, destinationAddress, localPort, sourceAddress,
                remotePort);
        if (connection == null) {
            return null;
        }
        TcpControlBlock tcb = connection.controlBlock();
        TcpStackConfig config = engine.config();
        TcpConnectionOptions options = connection.options();
        TcpOptions echoed = ack.options();
        tcb.irs = irs;
        tcb.rcvNxt = irs + 1;
        tcb.iss = iss;
        tcb.sndUna = iss;
        tcb.sndNxt = iss + 1;
        tcb.sndMax = iss + 1;
        tcb.recover = iss;
        tcb.sendMss = options.sendMss(config, SynCookies.mss(mssIndex));
        tcb.receiveMss = options.announcedMss(config);
        tcb.timestamps = config.timestamps() && echoed.hasTimestamps();
        int peerWindowScale = tcb.timestamps ? SynCookies.windowScale(echoed.tsEcr()) : -1;
        tcb.windowScaling = config.windowScaling() && peerWindowScale >= 0;
        tcb.sndShift = tcb.windowScaling ? peerWindowScale : 0;
        tcb.rcvShift = tcb.windowScaling ? options.receiveWindowScale() : 0;
        tcb.sackPermitted = tcb.timestamps && config.sack() && SynCookies.sackPermitted(echoed.tsEcr());
        if (tcb.timestamps) {
            tcb.sendMss -= TIMESTAMP_OPTION_BYTES;
            // The SYN's TSval is gone; the ACK's, later, stands for it
            tcb.tsRecent = echoed.tsVal();
            tcb.tsRecentNanos = nowNanos;
            connection.startTimestamps(cookies.timestampOffset(destinationAddress, localPort, sourceAddress,
                    remotePort, irs), nowNanos);
        }
        // RFC 7323 2.2: the window the SYN-ACK offered, unscaled
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + Math.min(options.receiveBufferBytes(), 0xFFFF);
        tcb.lastAckSent = tcb.rcvNxt;
        tcb.state = TcpState.SYN_RECEIVED;
        engine.counters().increment(TcpCounter.PASSIVE_OPENS);
        return connection;
    }

    /**
     * Options of the peer's SYN: MSS (RFC 9293 3.7.1), window scale (RFC 7323 2.2-2.3, shift at most 14),
     * SACK-permitted (RFC 2018 2), timestamps (RFC 7323 3.2, TS.Recent from the SYN). For an active open the
     * SYN-ACK decides: an option we offered is on only if the peer sent it too.
     */
    private void negotiate(TcpConnection connection, TcpOptions peer, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpStackConfig config = engine.config();
        TcpConnectionOptions options = connection.options();
        tcb.sendMss = options.sendMss(config, peer.mss());
        if (peer.mss() >= 0 && peer.mss() < config.minSendMss()) {
            // A tiny MSS would make us send a packet per handful of bytes (CVE-2019-11479): the floor applies
            engine.counters().increment(TcpCounter.MSS_RAISED_TO_FLOOR);
        }
        tcb.receiveMss = options.announcedMss(config);
        tcb.windowScaling = config.windowScaling() && peer.windowScale() >= 0;
        if (tcb.windowScaling) {
            tcb.sndShift = Math.min(peer.windowScale(), TcpStackConfig.MAX_WINDOW_SCALE);
            tcb.rcvShift = options.receiveWindowScale();
        } else {
            tcb.sndShift = 0;
            tcb.rcvShift = 0;
        }
        tcb.sackPermitted = config.sack() && peer.sackPermitted();
        tcb.timestamps = config.timestamps() && peer.hasTimestamps();
        if (tcb.timestamps) {
            // RFC 9293 3.7.1: Eff.snd.MSS leaves out the TCP options, and every segment carries timestamps
            tcb.sendMss -= TIMESTAMP_OPTION_BYTES;
            tcb.tsRecent = peer.tsVal();
            tcb.tsRecentNanos = nowNanos;
            if (connection.timestampSampler() == null) {
                connection.startTimestamps(timestampOffset(connection), nowNanos);
            }
        }
    }

    /** RFC 7323 2.2: the window of a SYN is never scaled. */
    private static void acceptSynWindow(TcpControlBlock tcb, TcpSegment segment) {
        tcb.sndWnd = segment.window();
        tcb.maxSndWnd = tcb.sndWnd;
        tcb.sndWl1 = segment.sequenceNumber();
        tcb.sndWl2 = segment.acknowledgmentNumber();
    }

    /** A segment for an existing connection; RFC 9293 3.10.7.3 and 3.10.7.4. */
    public void segmentArrives(TcpConnection connection, TcpSegment segment, long nowNanos, AckEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        tcb.lastReceiveNanos = nowNanos;
        tcb.keepAliveProbes = 0;
        connection.statistics().segmentReceived(segment.payloadLength(), nowNanos);
        if (tcb.state == TcpState.SYN_SENT) {
            synSent(connection, segment, nowNanos, path);
        } else {
            synchronizedOrReceived(connection, segment, nowNanos, path);
        }
        finishSegment(connection);
    }

    /** RFC 9293 3.10.7.3. */
    private void synSent(TcpConnection connection, TcpSegment segment, long nowNanos, AckEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        int flags = segment.flags();
        int ack = segment.acknowledgmentNumber();
        boolean hasAck = (flags & TcpFlags.ACK) != 0;
        // First: an ACK must acknowledge our SYN: ISS < SEG.ACK =< SND.NXT
        if (hasAck && !inRange(ack, tcb.iss + 1, tcb.sndMax + 1)) {
            if ((flags & TcpFlags.RST) == 0) {
                output.sendResetFor(segment, connection.localAddress(), connection.remoteAddress());
            }
            return;
        }
        // Second: RST. RFC 5961 3.2 keeps the SYN-SENT rule: acceptable only with an acceptable ACK
        if ((flags & TcpFlags.RST) != 0) {
            if (hasAck) {
                connection.resetByPeer();
            }
            return;
        }
        // RFC 9293 3.10.7.3 fifth, ahead of the fourth: neither SYN nor RST, dropped
        if ((flags & TcpFlags.SYN) == 0) {
            engine.counters().increment(TcpCounter.SEGMENTS_WITHOUT_SYN_DROPPED);
            return;
        }
        // Fourth: the SYN
        tcb.irs = segment.sequenceNumber();
        tcb.rcvNxt = tcb.irs + 1;
        negotiate(connection, segment.options(), nowNanos);
        acceptSynWindow(tcb, segment);
        if (hasAck) {
            int previousUna = tcb.sndUna;
            tcb.sndUna = ack;
            if (before(tcb.sndNxt, ack)) {
                tcb.sndNxt = ack;
            }
            tcb.state = TcpState.ESTABLISHED;
            // RFC 7323 2.2: our window is scaled from now on; the edge we offered on the SYN stays
            tcb.rcvAdvertisedEdge = tcb.rcvNxt + Math.min(connection.options().receiveBufferBytes(), 0xFFFF);
            path.ackArrived(engine.ackEvent().set(connection, nowNanos, previousUna, ack - previousUna, 1, false,
                    false, echo(tcb, segment), segment.options().tsEcr(), segment.options()));
            connection.established();
            tcb.ackNow = true;
        } else {
            // Simultaneous open (RFC 9293 3.5 figure 8): SYN-RECEIVED, SYN-ACK with our ISS
            tcb.state = TcpState.SYN_RECEIVED;
            output.sendSyn(connection);
        }
    }

    private static boolean echo(TcpControlBlock tcb, TcpSegment segment) {
        TcpOptions options = segment.options();
        return tcb.timestamps && options.hasTimestamps() && options.tsEcr() != 0;
    }

    /** RFC 9293 3.10.7.4: SYN-RECEIVED and the synchronized states. */
    private void synchronizedOrReceived(TcpConnection connection, TcpSegment segment, long nowNanos,
                                        AckEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        int flags = segment.flags();
        int seq = segment.sequenceNumber();
        int payloadLength = segment.payloadLength();
        int segmentLength = payloadLength + ((flags & TcpFlags.SYN) != 0 ? 1 : 0)
                + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
        boolean reset = (flags & TcpFlags.RST) != 0;
        TcpOptions options = segment.options();

        // RFC 7323 5.3 R1: PAWS, before the sequence check; a RST is exempt
        if (tcb.timestamps && options.hasTimestamps() && !reset && before(options.tsVal(), tcb.tsRecent)
                && nowNanos - tcb.tsRecentNanos < PAWS_IDLE_NANOS) {
            engine.counters().increment(TcpCounter.PAWS_REJECTED);
            output.sendOutOfWindowAck(connection, nowNanos);
            return;
        }

        // First: the four-case acceptability test
        int window = tcb.receiveWindow();
        if (!acceptable(tcb, seq, segmentLength, window)) {
            engine.counters().increment(TcpCounter.OUT_OF_WINDOW);
            if (reset) {
                return;
            }
            if (tcb.state == TcpState.SYN_RECEIVED && (flags & (TcpFlags.SYN | TcpFlags.ACK)) == TcpFlags.SYN) {
                // The peer repeats its SYN: our SYN-ACK was lost, so send it again rather than a bare ACK. (A
                // SYN-ACK here is a simultaneous open crossing ours: the ACK below completes it, RFC 9293 3.5.)
                output.sendSyn(connection);
                return;
            }
            if (tcb.state == TcpState.TIME_WAIT && (flags & TcpFlags.FIN) != 0) {
                // RFC 9293 3.10.7.4: a retransmitted FIN in TIME-WAIT is acknowledged and restarts 2*MSL
                connection.restartTimeWait();
            }
            if (payloadLength > 0 && beforeOrEqual(seq + payloadLength, tcb.rcvNxt)) {
                // Data we have: the sender missed our ACK and needs one, with a D-SACK block (RFC 2883 4)
                recordDuplicateTimestamp(connection, segment, nowNanos);
                if (tcb.sackPermitted) {
                    connection.receivedSackBlocks().duplicateReceived(seq, seq + payloadLength);
                }
                tcb.ackNow = true;
            } else {
                output.sendOutOfWindowAck(connection, nowNanos);
            }
            return;
        }
        // RFC 7323 4.3: TS.Recent follows the segment that the last ACK asked for
        if (tcb.timestamps && options.hasTimestamps() && beforeOrEqual(seq, tcb.lastAckSent)
                && afterOrEqual(options.tsVal(), tcb.tsRecent)) {
            tcb.tsRecent = options.tsVal();
            tcb.tsRecentNanos = nowNanos;
        }

        // Second: RST (RFC 5961 3.2): exactly RCV.NXT resets; elsewhere in the window, a challenge ACK
        if (reset) {
            if (seq == tcb.rcvNxt) {
                connection.resetByPeer();
            } else {
                output.sendChallengeAck(connection, nowNanos);
            }
            return;
        }

        // Fourth: SYN. RFC 9293: a passive SYN-RECEIVED returns to LISTEN; else RFC 5961 4.2 challenge ACK
        if ((flags & TcpFlags.SYN) != 0) {
            if (tcb.state == TcpState.SYN_RECEIVED && tcb.passiveOpen) {
                connection.terminate(null);
            } else {
                output.sendChallengeAck(connection, nowNanos);
            }
            return;
        }

        // Fifth: ACK. Without it the segment is dropped
        if ((flags & TcpFlags.ACK) == 0) {
            return;
        }
        int ack = segment.acknowledgmentNumber();
        if (tcb.state == TcpState.SYN_RECEIVED) {
            if (!inRange(ack, tcb.sndUna + 1, tcb.sndMax + 1)) {
                output.sendResetFor(segment, connection.localAddress(), connection.remoteAddress());
                return;
            }
            if (!connection.mayCompleteHandshake()) {
                engine.counters().increment(TcpCounter.ACCEPT_QUEUE_OVERFLOWS);
                return;
            }
            tcb.state = TcpState.ESTABLISHED;
            tcb.sndWnd = segment.window() << tcb.sndShift;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seq;
            tcb.sndWl2 = ack;
            int previousUna = tcb.sndUna;
            tcb.sndUna = ack;
            path.ackArrived(engine.ackEvent().set(connection, nowNanos, previousUna, ack - previousUna, 1, false,
                    false, echo(tcb, segment), options.tsEcr(), options));
            connection.established();
            if (tcb.state == TcpState.CLOSED) {
                return;
            }
        } else if (!processAck(connection, segment, ack, nowNanos, path)) {
            return;
        }

        // Seventh: segment text (sixth, URG, is ignored)
        if (payloadLength > 0) {
            if (connection.isApplicationClosed() && tcb.state.acceptsText()) {
                // RFC 9293 3.10.4 (RFC 2525 2.17): nobody will read this data; say so with a reset, as Linux does
                output.sendReset(connection);
                connection.terminate(null);
                return;
            }
            receiveText(connection, segment, window);
        }

        // Eighth: FIN
        if ((flags & TcpFlags.FIN) != 0) {
            int finSeq = seq + payloadLength;
            if (finSeq == tcb.rcvNxt) {
                if (tcb.state == TcpState.TIME_WAIT) {
                    connection.restartTimeWait();
                } else {
                    peerFin(connection);
                }
            } else if (after(finSeq, tcb.rcvNxt) && tcb.state.acceptsText()) {
                tcb.pendingPeerFin = true;
                tcb.pendingPeerFinSeq = finSeq;
            }
            tcb.ackNow = true;
        }
    }

    /**
     * RFC 7323 4.3 for a retransmission of data we already have (passed PAWS, SEG.SEQ =< Last.ACK.sent): its
     * TSval becomes TS.Recent, so the duplicate ACK it triggers echoes this transmission. Otherwise the ACK
     * would echo an earlier transmission whose own ACK was lost, and the sender's RTTM sample (RFC 7323 4.1)
     * would span every retransmission timeout since: tens of seconds that inflate SRTT and pin the RTO at its
     * maximum on a lossy path. Only a duplicate ending within one receive buffer of RCV.NXT counts, so a
     * blind segment from far back in sequence space cannot move TS.Recent.
     */
    private void recordDuplicateTimestamp(TcpConnection connection, TcpSegment segment, long nowNanos) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpOptions options = segment.options();
        int end = segment.sequenceNumber() + segment.payloadLength();
        if (tcb.timestamps && options.hasTimestamps() && beforeOrEqual(segment.sequenceNumber(), tcb.lastAckSent)
                && afterOrEqual(options.tsVal(), tcb.tsRecent)
                && after(end, tcb.rcvNxt - connection.options().receiveBufferBytes())) {
            tcb.tsRecent = options.tsVal();
            tcb.tsRecentNanos = nowNanos;
        }
    }

    /** RFC 9293 3.3 / 3.10.7.4 first step: the four cases of segment length and window. */
    private static boolean acceptable(TcpControlBlock tcb, int seq, int segmentLength, int window) {
        if (segmentLength == 0) {
            return window == 0 ? seq == tcb.rcvNxt : inRange(seq, tcb.rcvNxt, tcb.rcvNxt + window);
        }
        if (window == 0) {
            // RFC 9293 3.10.7.4: with a zero window, ACKs (and RSTs) must still be processed; the text is not
            // taken. A segment at RCV.NXT passes for its control part, and receiveText keeps none of it.
            return seq == tcb.rcvNxt;
        }
        return inRange(seq, tcb.rcvNxt, tcb.rcvNxt + window)
                || inRange(seq + segmentLength - 1, tcb.rcvNxt, tcb.rcvNxt + window);
    }

    /**
     * RFC 9293 3.10.7.4 fifth step for ESTABLISHED and later, with the RFC 5961 5.2 range. Returns false when
     * the segment is done with (dropped, or the connection closed).
     */
    private boolean processAck(TcpConnection connection, TcpSegment segment, int ack, long nowNanos,
                               AckEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        // RFC 5961 5.2: acceptable is (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT; otherwise ACK and drop
        if (after(ack, tcb.sndMax) || before(ack, tcb.sndUna - tcb.maxSndWnd)) {
            engine.counters().increment(TcpCounter.UNACCEPTABLE_ACKS);
            output.sendOutOfWindowAck(connection, nowNanos);
            return false;
        }
        int seq = segment.sequenceNumber();
        int previousUna = tcb.sndUna;
        int flightBefore = tcb.flightSize();
        boolean newAck = after(ack, tcb.sndUna);
        if (newAck) {
            acknowledge(connection, ack);
        }
        // RFC 9293 3.10.7.4: update the send window from a segment that is not older than the last update
        boolean windowChanged = false;
        if (beforeOrEqual(tcb.sndUna, ack)
                && (before(tcb.sndWl1, seq) || tcb.sndWl1 == seq && beforeOrEqual(tcb.sndWl2, ack))) {
            int window = segment.window() << tcb.sndShift;
            windowChanged = window != tcb.sndWnd;
            tcb.sndWnd = window;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, window);
            tcb.sndWl1 = seq;
            tcb.sndWl2 = ack;
            if (output.peerWindowOpen(connection)) {
                // RFC 9293 3.8.6.1: the window opened (to a size worth using, 3.8.6.2.1), probing stops
                connection.cancelTimer(TcpTimerEvent.PERSIST);
                tcb.persistBackoff = 0;
                tcb.peerWindowStalled = false;
            }
        }
        int flags = segment.flags();
        // RFC 5681 2: a duplicate ACK carries no data, no SYN/FIN, the same ACK and window, data outstanding
        boolean duplicate = !newAck && ack == tcb.sndUna && segment.payloadLength() == 0
                && (flags & (TcpFlags.SYN | TcpFlags.FIN)) == 0 && !windowChanged && tcb.sndMax != tcb.sndUna;
        // RFC 6675 2: with SACK, an ACK reporting new SACKed data counts even if it updated the window
        boolean sackInformation = tcb.sackPermitted && segment.options().sackBlockCount() > 0 && !newAck
                && ack == tcb.sndUna && tcb.sndMax != tcb.sndUna;
        if (newAck || duplicate || sackInformation) {
            path.ackArrived(engine.ackEvent().set(connection, nowNanos, previousUna, ack - previousUna, flightBefore,
                    duplicate, segment.options().sackBlockCount() > 0, echo(tcb, segment),
                    segment.options().tsEcr(), segment.options()));
            if (tcb.state == TcpState.CLOSED) {
                return false;
            }
        }
        switch (tcb.state) {
            case FIN_WAIT_1:
                if (tcb.finAcknowledged()) {
                    tcb.state = TcpState.FIN_WAIT_2;
                    if (connection.isApplicationClosed()) {
                        connection.armTimer(TcpTimerEvent.FIN_WAIT_2, engine.config().finWait2TimeoutNanos());
                    }
                }
                return true;
            case CLOSING:
                if (tcb.finAcknowledged()) {
                    connection.enterTimeWait();
                }
                return false;
            case LAST_ACK:
                if (tcb.finAcknowledged()) {
                    connection.terminate(null);
                }
                return false;
            default:
                return true;
        }
    }

    /** SND.UNA advances to {@code ack}: acknowledged data leaves the send buffer (the SYN and FIN hold none). */
    private static void acknowledge(TcpConnection connection, int ack) {
        TcpControlBlock tcb = connection.controlBlock();
        int dataFrom = tcb.sndUna == tcb.iss ? tcb.iss + 1 : tcb.sndUna;
        int dataTo = tcb.finQueued && after(ack, tcb.finSeq) ? tcb.finSeq : ack;
        int dataAcked = dataTo - dataFrom;
        if (dataAcked > 0) {
            connection.sendBuffer().acknowledge(dataAcked);
            connection.statistics().bytesAcknowledged(dataAcked, connection.engine().nowNanos(),
                    connection.rttEstimator().srttNanos());
        }
        tcb.sndUna = ack;
        if (before(tcb.sndNxt, ack)) {
            tcb.sndNxt = ack;
        }
        connection.updateWritability();
    }

    /**
     * Seventh step: in-order text to the application (a slice of the frame, no copy), out-of-order text to the
     * reassembly queue with an immediate ACK and SACK blocks (RFC 5681 4.2, RFC 2018 4). Text beyond the window
     * offered is cut off; its loss is the sender's to repair.
     */
    private void receiveText(TcpConnection connection, TcpSegment segment, int window) {
        TcpControlBlock tcb = connection.controlBlock();
        if (!tcb.state.acceptsText()) {
            return;
        }
        int seq = segment.sequenceNumber();
        int from = segment.payloadOffset();
        int length = segment.payloadLength();
        if (before(seq, tcb.rcvNxt)) {
            int old = tcb.rcvNxt - seq;
            from += old;
            length -= old;
            seq = tcb.rcvNxt;
        }
        int room = tcb.rcvNxt + window - seq;
        if (length > room) {
            length = Math.max(room, 0);
            tcb.ackNow = true;
        }
        if (length <= 0) {
            tcb.ackNow = true;
            return;
        }
        ByteBuf buffer = segment.buffer();
        OutOfOrderQueue queue = connection.outOfOrderQueue();
        if (seq != tcb.rcvNxt) {
            long refusedBefore = queue.refusedOffers();
            long prunedBefore = queue.prunedPieces();
            OfferOutcome outcome = queue.offer(tcb.rcvNxt, seq, buffer.slice(from, length));
            engine.counters().add(TcpCounter.OUT_OF_ORDER_REFUSED, queue.refusedOffers() - refusedBefore);
            engine.counters().add(TcpCounter.OUT_OF_ORDER_PRUNED, queue.prunedPieces() - prunedBefore);
            if (outcome != OfferOutcome.REFUSED) {
                engine.counters().increment(TcpCounter.OUT_OF_ORDER_SEGMENTS);
                connection.statistics().outOfOrderSegmentReceived();
                int range = queue.rangeOfLastOffer();
                if (range >= 0 && tcb.sackPermitted) {
                    connection.receivedSackBlocks().received(queue.rangeStart(range), queue.rangeEnd(range));
                }
            }
            tcb.ackNow = true;
            tcb.quickAcks = QUICK_ACKS;
            return;
        }
        boolean fillsHole = !queue.isEmpty();
        connection.deliver(buffer.retainedSlice(from, length));
        tcb.rcvNxt += length;
        tcb.bytesSinceAck += length;
        ByteBuf piece;
        while ((piece = queue.poll(tcb.rcvNxt)) != null) {
            int pieceLength = piece.readableBytes();
            connection.deliver(piece);
            tcb.rcvNxt += pieceLength;
        }
        if (tcb.pendingPeerFin && tcb.pendingPeerFinSeq == tcb.rcvNxt) {
            tcb.pendingPeerFin = false;
            peerFin(connection);
        }
        // RFC 5681 4.2: ACK at once when a hole is filled
        if (fillsHole) {
            tcb.ackNow = true;
        } else if (tcb.quickAcks > 0) {
            tcb.quickAcks--;
            tcb.ackAtBatchEnd = true;
        } else if (tcb.bytesSinceAck >= 2 * fullSegmentPayload(tcb)) {
            // RFC 9293 3.8.6.3 (RFC 1122 4.2.3.2): an ACK for at least every second full-sized segment; it may
            // wait for the end of the inbound batch, so a batch of segments gets one ACK
            tcb.ackAtBatchEnd = true;
        }
    }

    /**
     * The payload of a full-sized segment from the peer: the MSS we announced less the timestamps option every
     * segment carries once agreed (RFC 9293 3.7.1: the MSS counts options too, RFC 7323 3.2).
     */
    private static int fullSegmentPayload(TcpControlBlock tcb) {
        return tcb.receiveMss - (tcb.timestamps ? TIMESTAMP_OPTION_BYTES : 0);
    }

    /** Eighth step: the peer's FIN at RCV.NXT. */
    private void peerFin(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.peerFinReceived) {
            return;
        }
        tcb.peerFinReceived = true;
        tcb.rcvNxt += 1;
        tcb.ackNow = true;
        switch (tcb.state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                tcb.state = TcpState.CLOSE_WAIT;
                break;
            case FIN_WAIT_1:
                if (tcb.finAcknowledged()) {
                    connection.enterTimeWait();
                } else {
                    tcb.state = TcpState.CLOSING;
                }
                break;
            case FIN_WAIT_2:
                connection.enterTimeWait();
                break;
            default:
                break;
        }
        connection.peerShutdown();
    }

    /**
     * After a segment: data (which carries the ACK) if the windows allow, else an ACK now if this segment needs
     * its own (out of order, duplicate, a filled hole, a FIN: RFC 5681 4.2, RFC 2883), else one at the end of
     * the inbound batch if due ({@link TcpEngine#readComplete}), else the delayed-ACK timer for data not yet
     * acknowledged (RFC 9293 3.8.6.3: at most the configured delay).
     */
    public void finishSegment(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.state == TcpState.CLOSED) {
            return;
        }
        if (tcb.state.isSynchronized() && tcb.state != TcpState.TIME_WAIT) {
            output.sendData(connection);
        }
        if (tcb.ackNow) {
            output.sendAck(connection);
            return;
        }
        if (tcb.ackAtBatchEnd) {
            engine.acknowledgeAtBatchEnd(connection);
        }
        // The timer also bounds a deferred ACK's wait should the batch never be declared complete
        if (tcb.bytesSinceAck > 0 && !connection.isTimerArmed(TcpTimerEvent.DELAYED_ACK)) {
            connection.armTimer(TcpTimerEvent.DELAYED_ACK, engine.config().delayedAckNanos());
        }
    }

    /** End of the inbound batch: the ACK a connection deferred goes now, unless data already carried it. */
    public void finishBatch(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.ackAtBatchEnd && tcb.state.isSynchronized() && tcb.state != TcpState.TIME_WAIT) {
            output.sendAck(connection);
        }
        tcb.ackAtBatchEnd = false;
    }

    /**
     * An ICMP error quoting a segment we sent (RFC 1122 4.2.3.9, RFC 5927, RFC 1191). The quoted sequence number
     * must lie in [SND.UNA, SND.MAX) or the error is ignored (RFC 5927 4.1: a blind attacker rarely guesses
     * it). Fragmentation needed lowers the send MSS to fit the next-hop MTU (never below the configured floor,
     * never raised) and sends the flight again at the new size. Protocol and port unreachable refuse a
     * connection still in its handshake; in a synchronized state they are soft errors like every other
     * (RFC 5927 4.1 recommends it), which never close a connection.
     */
    public void icmpError(int type, int code, int nextHopMtu, int localAddress, int localPort, int remoteAddress,
                          int remotePort, int quotedSequenceNumber) {
        TcpConnection connection = engine.connection(localAddress, localPort, remoteAddress, remotePort);
        if (connection == null) {
            engine.counters().increment(TcpCounter.ICMP_ERRORS_IGNORED);
            return;
        }
        TcpControlBlock tcb = connection.controlBlock();
        if (!inRange(quotedSequenceNumber, tcb.sndUna, tcb.sndMax)) {
            engine.counters().increment(TcpCounter.ICMP_ERRORS_IGNORED);
            return;
        }
        if (type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE && code == IcmpMessage.CODE_FRAGMENTATION_NEEDED) {
            pathMtuReduced(connection, nextHopMtu);
            return;
        }
        boolean hard = type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE
                && (code == IcmpMessage.CODE_PROTOCOL_UNREACHABLE || code == IcmpMessage.CODE_PORT_UNREACHABLE);
        boolean opening = tcb.state == TcpState.SYN_SENT || tcb.state == TcpState.SYN_RECEIVED && !tcb.passiveOpen;
        if (hard && opening) {
            connection.terminate(new ConnectException("Connection refused"));
            return;
        }
        engine.counters().increment(TcpCounter.ICMP_SOFT_ERRORS);
    }

    /** RFC 1191 6.4: a smaller path MTU lowers the MSS, and what was in flight is sent again in smaller segments. */
    private void pathMtuReduced(TcpConnection connection, int nextHopMtu) {
        TcpControlBlock tcb = connection.controlBlock();
        int mss = Math.max(nextHopMtu - TcpStackConfig.HEADER_OVERHEAD, engine.config().minSendMss())
                - (tcb.timestamps ? TIMESTAMP_OPTION_BYTES : 0);
        // A zero (pre-RFC 1191 router) or larger MTU says nothing usable: the MSS never grows by ICMP
        if (nextHopMtu == 0 || mss >= tcb.sendMss) {
            engine.counters().increment(TcpCounter.ICMP_ERRORS_IGNORED);
            return;
        }
        engine.counters().increment(TcpCounter.PATH_MTU_REDUCTIONS);
        tcb.sendMss = mss;
        if (connection.sackScoreboard() != null) {
            connection.sackScoreboard().setSmss(mss);
        }
        if (connection.congestionControl() == null) {
            return;
        }
        engine.signalCongestion(engine.congestionEvent().set(CongestionSignal.MSS_CHANGE, connection,
                engine.nowNanos(), 0, 0, connection.rttEstimator().srttNanos(), 0, connection.rttEstimator().rtoNanos()));
        // The router dropped the large segments: go back to SND.UNA, without a congestion response (RFC 1191 6.5)
        tcb.sndNxt = tcb.sndUna;
        tcb.rttTiming = false;
        output.sendData(connection);
    }
}
