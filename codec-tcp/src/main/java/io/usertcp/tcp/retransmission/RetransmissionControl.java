package io.usertcp.tcp.retransmission;

import io.usertcp.tcp.AckEvent;
import io.usertcp.tcp.CongestionEvent;
import io.usertcp.tcp.CongestionEventPath;
import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimeoutException;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.tcp.output.TcpOutput;
import io.usertcp.tcp.recovery.RackLossDetector;
import io.usertcp.tcp.recovery.RackLossDetector.TimerPurpose;
import io.usertcp.tcp.rtt.RetransmissionLimits;
import io.usertcp.tcp.rtt.RttEstimator;
import io.usertcp.tcp.sack.NextSegment;
import io.usertcp.tcp.sack.SackScoreboard;

import static io.usertcp.tcp.SequenceNumbers.after;
import static io.usertcp.tcp.SequenceNumbers.afterOrEqual;
import static io.usertcp.tcp.SequenceNumbers.before;

/**
 * Loss detection and repair for the connections of one engine, the logic behind "tcp-retransmission":
 * <ul>
 *   <li>RTT samples (RFC 6298 with Karn's rule, or RFC 7323 RTTM from the timestamp echo) and the
 *   retransmission timer: restarted when new data is acknowledged, stopped when nothing is outstanding
 *   (RFC 6298 5.2, 5.3).</li>
 *   <li>With a SACK peer, RFC 6675 loss recovery on the connection's {@link SackScoreboard}: entered at
 *   DupThresh duplicate ACKs or when IsLost(SND.UNA), then NextSeg() chooses lost holes, new data, other
 *   holes and the rescue retransmission while cwnd - pipe allows.</li>
 *   <li>With a SACK peer also RACK-TLP (RFC 8985, {@link RackLossDetector}): a segment is lost once a later-sent
 *   one was delivered and the reordering window has passed, which finds lost retransmissions and losses with
 *   fewer than DupThresh segments behind them; the reordering timer and the tail loss probe share the
 *   retransmission timer with the RTO, as in Linux.</li>
 *   <li>Without SACK, fast retransmit on the third duplicate ACK (RFC 5681 3.2) and NewReno recovery (RFC
 *   6582): a partial ACK retransmits the next unacknowledged segment; an ACK covering {@code recover} ends the
 *   recovery. New data flows while cwnd exceeds the pipe ({@link TcpConnection#pipe()}).</li>
 *   <li>Limited Transmit (RFC 3042): each of the first two duplicate ACKs sends one new segment, cwnd
 *   unchanged.</li>
 *   <li>Timer expiry (RFC 6298 5.4-5.6): back off and give up at R2 (RFC 9293 3.8.3,
 *   {@link RetransmissionLimits}); the SYN and SYN-ACK too, with the SYN limit. With SACK, the scoreboard is
 *   kept and NextSeg() retransmits the unSACKed data as slow start reopens cwnd (RFC 6675 5.1); without it,
 *   go-back-N from SND.UNA.</li>
 * </ul>
 * Congestion events go to the {@link CongestionEventPath} ("tcp-congestion"), never to the algorithm directly.
 * One per engine; allocates nothing.
 */
public final class RetransmissionControl {
    /** RFC 5681 3.2: the duplicate ACK threshold. */
    public static final int DUPLICATE_ACK_THRESHOLD = 3;

    private final TcpEngine engine;

    public RetransmissionControl(TcpEngine engine) {
        this.engine = engine;
    }

    /** An acceptable ACK of new data, or a duplicate ACK. */
    public void onAck(AckEvent event, CongestionEventPath path) {
        TcpConnection connection = event.connection();
        if (connection.sackScoreboard() != null) {
            onAckWithSack(event, connection.sackScoreboard(), path);
            return;
        }
        TcpControlBlock tcb = connection.controlBlock();
        long now = event.nowNanos();
        if (event.bytesAcked() <= 0) {
            if (event.isDuplicate()) {
                duplicateAck(connection, now, path);
            }
            return;
        }
        sampleRtt(connection, event);
        tcb.retransmissions = 0;
        tcb.firstTransmitNanos = now;
        boolean handshake = event.previousSndUna() == tcb.iss;
        int dataAcked = handshake ? event.bytesAcked() - 1 : event.bytesAcked();
        if (tcb.inRecovery) {
            if (afterOrEqual(tcb.sndUna, tcb.recover)) {
                // RFC 6582 3.2 step 3: full acknowledgment, recovery ends
                tcb.inRecovery = false;
                tcb.duplicateAcks = 0;
                signal(path, CongestionSignal.RECOVERY_EXIT, connection, now, 0, 0);
            } else {
                // RFC 6582 3.2 step 5: a partial ACK retransmits the first unacknowledged segment
                tcb.duplicateAcks = Math.max(0, tcb.duplicateAcks - Math.max(1, dataAcked / tcb.sendMss));
                signal(path, CongestionSignal.RECOVERY_ACK, connection, now, dataAcked, event.bytesInFlightBefore());
                engine.output().retransmitFirst(connection);
            }
        } else {
            tcb.duplicateAcks = 0;
            if (tcb.recoverPending && after(tcb.sndUna - 1, tcb.recover)) {
                tcb.recoverPending = false;
            }
            if (dataAcked > 0 && connection.congestionControl() != null) {
                signal(path, CongestionSignal.ACK, connection, now, dataAcked, event.bytesInFlightBefore());
            }
        }
        restartTimer(connection);
    }

    /** RFC 6298 5.2 and 5.3: after new data is acknowledged, stop the timer or restart it. */
    private static void restartTimer(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.sndMax == tcb.sndUna) {
            connection.cancelTimer(TcpTimerEvent.RETRANSMISSION);
        } else {
            connection.armTimer(TcpTimerEvent.RETRANSMISSION, connection.rttEstimator().rtoNanos());
        }
    }

    /**
     * RFC 6675 5 for a peer that SACKs: the scoreboard is updated from every ACK; recovery starts at DupThresh
     * duplicate ACKs or when the segment at SND.UNA is deemed lost, and in recovery each ACK lets NextSeg()
     * choose what to send while cwnd - pipe allows a segment. Recovery ends when SND.UNA passes the recovery
     * point (5 (A)).
     */
    private void onAckWithSack(AckEvent event, SackScoreboard board, CongestionEventPath path) {
        TcpConnection connection = event.connection();
        TcpControlBlock tcb = connection.controlBlock();
        long now = event.nowNanos();
        long rejectedBefore = board.invalidBlocks();
        long discardedBefore = board.capacityHits();
        int flags = board.update(tcb.sndUna, tcb.sndMax, event.options());
        engine.counters().add(TcpCounter.SACK_BLOCKS_REJECTED, board.invalidBlocks() - rejectedBefore);
        engine.counters().add(TcpCounter.SACK_RANGES_DISCARDED, board.capacityHits() - discardedBefore);
        RackLossDetector rack = connection.rackLossDetector();
        boolean progress = event.bytesAcked() > 0;
        int dataAcked = 0;
        if (progress) {
            sampleRtt(connection, event);
            tcb.retransmissions = 0;
            tcb.firstTransmitNanos = now;
            dataAcked = event.previousSndUna() == tcb.iss ? event.bytesAcked() - 1 : event.bytesAcked();
            rack.onProgress();
        } else if (event.isDuplicate() || (flags & SackScoreboard.NEW_SACKED_DATA) != 0) {
            tcb.duplicateAcks++;
        }
        RttEstimator rtt = connection.rttEstimator();
        rack.onAck(board, tcb.sndUna, (flags & SackScoreboard.DUPLICATE_SACK) != 0,
                tcb.inRecovery || board.repairingTimeout(), rtt.srttNanos(), now);
        if (tcb.inRecovery) {
            if (!board.inRecovery()) {
                tcb.inRecovery = false;
                tcb.duplicateAcks = 0;
                signal(path, CongestionSignal.RECOVERY_EXIT, connection, now, 0, 0);
            } else {
                if (dataAcked > 0) {
                    signal(path, CongestionSignal.RECOVERY_ACK, connection, now, dataAcked,
                            event.bytesInFlightBefore());
                }
                sendRecoverySegments(connection, board);
            }
        } else {
            if (progress) {
                tcb.duplicateAcks = 0;
            }
            if (dataAcked > 0) {
                signal(path, CongestionSignal.ACK, connection, now, dataAcked, event.bytesInFlightBefore());
            }
            if (tcb.sndMax != tcb.sndUna && board.canEnterRecovery()
                    && (tcb.duplicateAcks >= SackScoreboard.DUP_THRESH || board.isLost(tcb.sndUna))) {
                enterSackRecovery(connection, board, now, path);
                armSackTimer(connection, rack, progress);
                return;
            }
            if (board.repairingTimeout()) {
                sendRecoverySegments(connection, board);
            } else if (!progress && tcb.duplicateAcks > 0 && tcb.duplicateAcks < SackScoreboard.DUP_THRESH) {
                limitedTransmit(connection);
            }
        }
        armSackTimer(connection, rack, progress);
    }

    /**
     * The retransmission timer of a SACK connection serves three purposes, the earliest needed winning (RFC 8985
     * 6.3, 7.2, RFC 6298): the RACK reordering timer while a segment waits out its reordering window; then the
     * tail loss probe, in recovery too ({@link RackLossDetector} says why); otherwise the RTO, restarted only when
     * new data is acknowledged (RFC 6298 5.3), so duplicate ACKs never postpone it.
     */
    private static void armSackTimer(TcpConnection connection, RackLossDetector rack, boolean progress) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.sndMax == tcb.sndUna) {
            connection.cancelTimer(TcpTimerEvent.RETRANSMISSION);
            rack.setTimerPurpose(TimerPurpose.RETRANSMISSION_TIMEOUT);
            return;
        }
        RttEstimator rtt = connection.rttEstimator();
        long rto = rtt.rtoNanos();
        long reorder = rack.reorderDelayNanos();
        if (reorder > 0 && reorder < rto) {
            connection.armTimer(TcpTimerEvent.RETRANSMISSION, reorder);
            rack.setTimerPurpose(TimerPurpose.REORDER_TIMEOUT);
            return;
        }
        TimerPurpose purpose = rack.timerPurpose();
        boolean rearm = progress || !connection.isTimerArmed(TcpTimerEvent.RETRANSMISSION)
                || purpose == TimerPurpose.REORDER_TIMEOUT;
        long probe = rack.probeTimeoutNanos(rtt.srttNanos(), rto, tcb.flightSize(), tcb.sendMss);
        if (probe > 0) {
            // A probe that has become possible (recovery just began) comes before the RTO armed for it
            if (rearm || purpose == TimerPurpose.RETRANSMISSION_TIMEOUT) {
                connection.armTimer(TcpTimerEvent.RETRANSMISSION, probe);
                rack.setTimerPurpose(TimerPurpose.LOSS_PROBE);
            }
            return;
        }
        if (rearm || purpose != TimerPurpose.RETRANSMISSION_TIMEOUT) {
            armRetransmissionTimeout(connection);
        }
    }

    /**
     * A segment went out (new data when {@code newData}). RFC 6298 5.1: the timer starts if it is not running.
     * RFC 8985 7.2: with RACK-TLP, sending new data (re)starts the probe timeout instead, so that the tail of
     * what is sent now is probed after PTO rather than left to the RTO; an RTO already running keeps running.
     */
    public void onSegmentSent(TcpConnection connection, boolean newData) {
        RackLossDetector rack = connection.rackLossDetector();
        boolean armed = connection.isTimerArmed(TcpTimerEvent.RETRANSMISSION);
        if (rack != null && newData && (!armed || rack.timerPurpose() == TimerPurpose.LOSS_PROBE)
                && armLossProbe(connection, rack)) {
            return;
        }
        if (!armed) {
            armRetransmissionTimeout(connection);
        }
    }

    /** RFC 8985 7.2: arms the probe timeout when a probe may be scheduled. */
    private static boolean armLossProbe(TcpConnection connection, RackLossDetector rack) {
        TcpControlBlock tcb = connection.controlBlock();
        RttEstimator rtt = connection.rttEstimator();
        long probe = rack.probeTimeoutNanos(rtt.srttNanos(), rtt.rtoNanos(), tcb.flightSize(), tcb.sendMss);
        if (probe <= 0) {
            return false;
        }
        connection.armTimer(TcpTimerEvent.RETRANSMISSION, probe);
        rack.setTimerPurpose(TimerPurpose.LOSS_PROBE);
        return true;
    }

    /** Arms the retransmission timer for the RTO itself, whatever it was armed for. */
    private static void armRetransmissionTimeout(TcpConnection connection) {
        connection.armTimer(TcpTimerEvent.RETRANSMISSION, connection.rttEstimator().rtoNanos());
        if (connection.rackLossDetector() != null) {
            connection.rackLossDetector().setTimerPurpose(TimerPurpose.RETRANSMISSION_TIMEOUT);
        }
    }

    /** RFC 8985 6.3: the reordering timer expired; what waited out its window is lost now, and is repaired. */
    private void reorderTimeout(TcpConnection connection, RackLossDetector rack, long now, CongestionEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        SackScoreboard board = connection.sackScoreboard();
        RttEstimator rtt = connection.rttEstimator();
        rack.onReorderTimeout(board, tcb.sndUna, tcb.inRecovery || board.repairingTimeout(), rtt.srttNanos(),
                now);
        if (!tcb.inRecovery && board.canEnterRecovery() && board.isLost(tcb.sndUna)) {
            enterSackRecovery(connection, board, now, path);
        } else if (tcb.inRecovery || board.repairingTimeout()) {
            sendRecoverySegments(connection, board);
        }
        armSackTimer(connection, rack, false);
    }

    /**
     * RFC 8985 7.3: the probe timeout expired. One segment goes regardless of cwnd, the highest segment sent
     * again. 7.3 prefers new data, but a lone in-order segment is what a receiver may hold its ACK for (RFC 9293
     * 3.8.6.3; Linux waits 40 ms or more when its window is not moving), which turns each probe into a
     * delayed-ACK wait; a duplicate segment is ACKed at once (RFC 9293 3.10.7.4, with a D-SACK, RFC 2883), and a
     * lost one arrives above the hole and is SACKed at once (RFC 5681 4.2). Then the next probe if one may follow
     * ({@link RackLossDetector#probeTimeoutNanos}), else the RTO.
     */
    private void lossProbe(TcpConnection connection, RackLossDetector rack) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.sndNxt == tcb.sndMax) {
            rack.probeSent();
            int length = Math.min(tcb.sendMss, tcb.sndMax - tcb.sndUna);
            engine.output().retransmitRange(connection, tcb.sndMax - length, length);
        }
        if (!armLossProbe(connection, rack)) {
            armRetransmissionTimeout(connection);
        }
    }

    /** RFC 6675 5 (4): loss recovery begins with the first unSACKed segment, then (C) as cwnd allows. */
    private void enterSackRecovery(TcpConnection connection, SackScoreboard board, long now, CongestionEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        tcb.inRecovery = true;
        tcb.recover = tcb.sndMax;
        tcb.recoverPending = true;
        engine.counters().increment(TcpCounter.FAST_RETRANSMITS);
        connection.statistics().fastRecoveryEntered();
        signal(path, CongestionSignal.CONGESTION, connection, now, 0, tcb.flightSize());
        if (board.enterRecovery() != NextSegment.NONE) {
            engine.output().retransmitRange(connection, board.segmentStart(), board.segmentLength());
        }
        armRetransmissionTimeout(connection);
        sendRecoverySegments(connection, board);
    }

    /**
     * RFC 6675 5 (C): while cwnd - pipe >= SMSS, send what NextSeg() chooses (also after a timeout, RFC 6675
     * 5.1). Returns whether anything was sent.
     */
    private boolean sendRecoverySegments(TcpConnection connection, SackScoreboard board) {
        TcpControlBlock tcb = connection.controlBlock();
        int cwnd = connection.congestionControl().congestionWindow();
        TcpOutput output = engine.output();
        boolean sent = false;
        // Each choice but the one-off rescue raises pipe by its length, so this ends; the budget makes sure
        for (int budget = cwnd / tcb.sendMss + 1; budget > 0 && cwnd - board.pipe() >= tcb.sendMss; budget--) {
            NextSegment next = board.nextSeg(output.newDataAllowed(connection));
            if (next == NextSegment.NONE) {
                return sent;
            }
            if (next == NextSegment.NEW_DATA) {
                output.sendNewData(connection, board.segmentLength());
            } else {
                output.retransmitRange(connection, board.segmentStart(), board.segmentLength());
            }
            sent = true;
        }
        return sent;
    }

    /**
     * RFC 3042 2 (Limited Transmit): on each of the first two duplicate ACKs, one new segment if the peer's
     * window admits it and FlightSize stays within cwnd + 2 * SMSS; cwnd itself does not change. Only a
     * full-sized segment goes, or the last of the queued data.
     */
    private void limitedTransmit(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpOutput output = engine.output();
        int allowed = output.newDataAllowed(connection);
        int unsent = tcb.sndUna + connection.sendBuffer().size() - tcb.sndNxt;
        int length = Math.min(allowed, tcb.sendMss);
        if (length <= 0 || length < tcb.sendMss && length != unsent || tcb.sndNxt != tcb.sndMax
                || tcb.flightSize() + length > connection.congestionControl().congestionWindow() + 2 * tcb.sendMss) {
            return;
        }
        output.sendNewData(connection, length);
    }

    private void sampleRtt(TcpConnection connection, AckEvent event) {
        TcpControlBlock tcb = connection.controlBlock();
        long now = event.nowNanos();
        if (tcb.timestamps) {
            // RFC 7323 4.1: RTTM from the echoed TSval, valid for retransmissions too, except an echo from before
            // the last timeout's retransmission, which may measure the wait for the timer (RFC 6298 5, Karn)
            if (event.hasTimestampEcho()
                    && !(tcb.timeoutEchoFloorSet && before(event.timestampEcho(), tcb.timeoutEchoFloor))
                    && connection.timestampSampler().sampleOnAck(event.timestampEcho(), now)) {
                tcb.timeoutEchoFloorSet = false;
            }
        } else if (tcb.rttTiming && afterOrEqual(tcb.sndUna, tcb.rttSeq)) {
            // RFC 6298 3 (Karn): only a segment never retransmitted is timed; retransmissions clear rttTiming
            tcb.rttTiming = false;
            connection.rttEstimator().sample(now - tcb.rttStartNanos, now);
        }
    }

    private void duplicateAck(TcpConnection connection, long now, CongestionEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        tcb.duplicateAcks++;
        if (tcb.inRecovery || connection.congestionControl() == null) {
            return;
        }
        if (tcb.duplicateAcks < DUPLICATE_ACK_THRESHOLD) {
            limitedTransmit(connection);
            return;
        }
        if (tcb.duplicateAcks != DUPLICATE_ACK_THRESHOLD) {
            return;
        }
        // RFC 6582 3.2 step 2: after a recovery or timeout, enter recovery only once the ACK covers more than
        // recover, so duplicate ACKs of data sent before it do not start a second reduction
        if (tcb.recoverPending && !after(tcb.sndUna - 1, tcb.recover)) {
            return;
        }
        tcb.inRecovery = true;
        tcb.recover = tcb.sndMax;
        tcb.recoverPending = true;
        engine.counters().increment(TcpCounter.FAST_RETRANSMITS);
        connection.statistics().fastRecoveryEntered();
        signal(path, CongestionSignal.CONGESTION, connection, now, 0, tcb.flightSize());
        engine.output().retransmitFirst(connection);
        connection.armTimer(TcpTimerEvent.RETRANSMISSION, connection.rttEstimator().rtoNanos());
    }

    /** The retransmission timer expired (RFC 6298 5.4-5.6). */
    public void onTimeout(TcpConnection connection, long now, CongestionEventPath path) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpState state = tcb.state;
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT || tcb.sndMax == tcb.sndUna) {
            return;
        }
        RackLossDetector rack = connection.rackLossDetector();
        if (rack != null && rack.timerPurpose() != TimerPurpose.RETRANSMISSION_TIMEOUT) {
            TimerPurpose purpose = rack.timerPurpose();
            rack.setTimerPurpose(TimerPurpose.RETRANSMISSION_TIMEOUT);
            if (purpose == TimerPurpose.REORDER_TIMEOUT) {
                reorderTimeout(connection, rack, now, path);
            } else {
                lossProbe(connection, rack);
            }
            return;
        }
        engine.counters().increment(TcpCounter.RETRANSMISSION_TIMEOUTS);
        connection.statistics().retransmissionTimedOut();
        RetransmissionLimits limits = engine.config().retransmissionLimits();
        boolean syn = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        long userTimeout = connection.options().userTimeoutNanos();
        if (!syn && userTimeout > 0 && now - tcb.firstTransmitNanos >= userTimeout) {
            // RFC 5482: the user timeout replaces R2 for data
            engine.counters().increment(TcpCounter.TIMEOUTS);
            connection.terminate(new TcpTimeoutException("connection timed out (user timeout)"));
            return;
        }
        if (limits.shouldGiveUp(syn, tcb.retransmissions, now - tcb.firstTransmitNanos)) {
            engine.counters().increment(TcpCounter.TIMEOUTS);
            connection.terminate(new TcpTimeoutException(syn ? "connection timed out (SYN not acknowledged)"
                    : "connection timed out (data not acknowledged)"));
            return;
        }
        RttEstimator rtt = connection.rttEstimator();
        rtt.backoff();
        tcb.retransmissions++;
        tcb.rttTiming = false;
        if (syn) {
            tcb.synTimedOut = true;
            engine.counters().increment(TcpCounter.RETRANSMITTED_SEGMENTS);
            connection.statistics().segmentRetransmitted();
            engine.output().sendSyn(connection);
            connection.armTimer(TcpTimerEvent.RETRANSMISSION, rtt.rtoNanos());
            return;
        }
        if (tcb.timestamps) {
            tcb.timeoutEchoFloor = connection.timestampSampler().timestampValue(now);
            tcb.timeoutEchoFloorSet = true;
        }
        // RFC 5681 3.1 / RFC 6582 4: cwnd to the loss window, recovery over, recover = highest sent
        signal(path, CongestionSignal.RETRANSMISSION_TIMEOUT, connection, now, 0, tcb.flightSize());
        tcb.inRecovery = false;
        tcb.duplicateAcks = 0;
        tcb.recover = tcb.sndMax;
        tcb.recoverPending = true;
        connection.armTimer(TcpTimerEvent.RETRANSMISSION, rtt.rtoNanos());
        TcpOutput output = engine.output();
        SackScoreboard board = connection.sackScoreboard();
        if (board != null && tcb.sndNxt == tcb.sndMax) {
            // RFC 6675 5.1: the SACK information chooses what to retransmit: the unSACKed data below SND.MAX,
            // lowest first, as slow start reopens cwnd. It is advisory (RFC 2018 8: the receiver may renege):
            // nothing is freed until cumulatively acknowledged
            board.timeout(tcb.sndMax);
            rack.onRetransmissionTimeout();
            if (!sendRecoverySegments(connection, board)) {
                output.retransmitFirst(connection);
            }
            return;
        }
        if (board != null) {
            // SND.NXT is already behind SND.MAX (a path MTU go-back): the scoreboard is not consulted for it
            board.clear();
        }
        // Go-back-N from SND.UNA: what was sent after the lost segment is sent again as the window reopens
        tcb.sndNxt = tcb.sndUna;
        if (!output.sendData(connection)) {
            // Nothing fits the windows (a zero window): retransmit the first segment regardless (RFC 6298 5.4)
            output.retransmitFirst(connection);
        }
    }

    /**
     * The persist timer expired (RFC 9293 3.8.6.1): while the window stays shut with data waiting, probe and
     * back off; the connection lives on as long as the probes are answered, unless a user timeout is set.
     */
    public void onPersistTimeout(TcpConnection connection, long now) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpState state = tcb.state;
        boolean sending = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
        int unsent = tcb.sndUna + connection.sendBuffer().size() - tcb.sndNxt;
        TcpOutput output = engine.output();
        if (!sending || unsent <= 0 || tcb.sndNxt != tcb.sndUna || output.peerWindowOpen(connection)) {
            return;
        }
        long userTimeout = connection.options().userTimeoutNanos();
        if (userTimeout > 0 && now - tcb.zeroWindowSinceNanos >= userTimeout) {
            // RFC 5482: a window that never opens (zero, or too small to use) ends by the user timeout
            engine.counters().increment(TcpCounter.TIMEOUTS);
            connection.terminate(new TcpTimeoutException("connection timed out (user timeout, zero window)"));
            return;
        }
        engine.counters().increment(TcpCounter.ZERO_WINDOW_PROBES);
        if (output.sendWindowProbe(connection)) {
            // Data went: the retransmission timer guards it, and the next probe waits one RTO again (as Linux)
            tcb.persistBackoff = 0;
            return;
        }
        tcb.persistBackoff++;
        connection.armTimer(TcpTimerEvent.PERSIST, output.persistDelay(connection));
    }

    private void signal(CongestionEventPath path, CongestionSignal signal, TcpConnection connection, long now,
                        int bytesAcked, int bytesInFlight) {
        CongestionEvent event = engine.congestionEvent().set(signal, connection, now, bytesAcked, bytesInFlight,
                connection.rttEstimator().srttNanos(), 0, connection.rttEstimator().rtoNanos());
        path.congestionSignal(event);
    }
}
