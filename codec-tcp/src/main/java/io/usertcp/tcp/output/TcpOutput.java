package io.usertcp.tcp.output;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.tcp.congestion.CongestionControl;
import io.usertcp.tcp.rtt.TimestampRttSampler;

import static io.usertcp.tcp.SequenceNumbers.after;
import static io.usertcp.tcp.SequenceNumbers.before;

/**
 * Everything a connection sends: what may go now (RFC 9293 3.7 and 3.8.6), and the segments themselves,
 * built into {@link io.usertcp.codec.FrameBuffers} buffers with the payload copied once from the send buffer
 * and the header prepended by {@link TcpSegmentWriter}. One per engine; its option holder is reused for every
 * segment.
 *
 * <p>Options: MSS, window scale and SACK-permitted only on SYNs (RFC 9293 3.7.1, RFC 7323 2.2, RFC 2018 2);
 * timestamps on every segment once agreed (RFC 7323 3.2); SACK blocks on ACKs while out-of-order data is held
 * (RFC 2018 4) and a D-SACK block for data received twice (RFC 2883), 3 beside timestamps so the options stay
 * within 40 bytes.
 */
public final class TcpOutput {
    /** RFC 7323 4.2 / 2.2: a window field is 16 bits. */
    private static final int MAX_WINDOW_FIELD = 0xFFFF;
    /** RFC 2018 3: a SACK option is 2 bytes of kind and length, padded to 4 with two NOPs, then 8 per block. */
    private static final int SACK_OPTION_BASE = 4;
    private static final int SACK_BLOCK_BYTES = 8;

    private final TcpEngine engine;
    private final TcpOptions options = new TcpOptions();

    public TcpOutput(TcpEngine engine) {
        this.engine = engine;
    }

    /**
     * Sends our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED) at ISS with the options to offer or accept: a first
     * transmission or a retransmission.
     */
    public void sendSyn(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        boolean synAck = tcb.state == TcpState.SYN_RECEIVED;
        options.clear();
        options.setMss(tcb.receiveMss);
        boolean offerAll = !synAck;
        if (offerAll ? engine.config().windowScaling() : tcb.windowScaling) {
            options.setWindowScale(tcb.rcvShift);
        }
        if (offerAll ? engine.config().sack() : tcb.sackPermitted) {
            options.setSackPermitted(true);
        }
        if (offerAll ? engine.config().timestamps() : tcb.timestamps) {
            options.setTimestamps(connection.timestampSampler().timestampValue(engine.nowNanos()),
                    synAck ? tcb.tsRecent : 0);
        }
        // RFC 7323 2.2: the window of a SYN is never scaled
        int window = Math.min(connection.options().receiveBufferBytes(), MAX_WINDOW_FIELD);
        int flags = TcpFlags.SYN;
        if (synAck) {
            flags |= TcpFlags.ACK;
            tcb.rcvAdvertisedEdge = tcb.rcvNxt + window;
            tcb.lastAckSent = tcb.rcvNxt;
        }
        ByteBuf buffer = engine.frameBuffers().allocate(0);
        connection.statistics().segmentSent(0, false, engine.nowNanos());
        write(connection, buffer, tcb.iss, synAck ? tcb.rcvNxt : 0, flags, window);
        tcb.sndNxt = tcb.iss + 1;
        if (!after(tcb.sndMax, tcb.sndNxt)) {
            tcb.sndMax = tcb.sndNxt;
        }
        armRetransmission(connection, false);
    }

    /**
     * A SYN-ACK for a connection that does not exist (RFC 4987 3.6): the answer to {@code syn}, from
     * {@code localAddress} to {@code remoteAddress}, at {@code cookie}, announcing {@code mss}, our window scale
     * {@code windowScale} (-1 for none), SACK-permitted if {@code sackPermitted}, and timestamps
     * {@code tsVal}/the SYN's TSval if {@code timestamps}. Nothing is kept, so nothing retransmits it.
     */
    public void sendSynCookie(TcpSegment syn, int localAddress, int remoteAddress, int cookie, int mss,
                              int windowScale, boolean sackPermitted, boolean timestamps, int tsVal, int window) {
        options.clear();
        options.setMss(mss);
        if (windowScale >= 0) {
            options.setWindowScale(windowScale);
        }
        if (sackPermitted) {
            options.setSackPermitted(true);
        }
        if (timestamps) {
            options.setTimestamps(tsVal, syn.options().tsVal());
        }
        ByteBuf buffer = engine.frameBuffers().allocate(0);
        TcpSegmentWriter.prepend(buffer, localAddress, remoteAddress, syn.destinationPort(), syn.sourcePort(),
                cookie, syn.sequenceNumber() + 1, TcpFlags.SYN | TcpFlags.ACK, window, 0, options);
        engine.counters().increment(TcpCounter.SYN_COOKIES_SENT);
        engine.transmit(buffer, localAddress, remoteAddress);
    }

    /**
     * A pure ACK with the current window (and SACK blocks), at SND.MAX: the SND.NXT of RFC 9293 as the peer knows
     * it. After a timeout's go-back-N our SND.NXT lies behind data the peer may already have, and an ACK there
     * would fail its sequence check (3.10.7.4 first step) and never be read: two sides both retransmitting
     * would each ignore the other's ACKs for good. Linux sends its ACKs at the highest sequence sent too.
     */
    public void sendAck(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        emit(connection, tcb.sndMax, 0, TcpFlags.ACK);
    }

    /** RFC 5961 10: a challenge ACK, unless this connection already sent its share this second. */
    public void sendChallengeAck(TcpConnection connection, long nowNanos) {
        sendLimitedAck(connection, nowNanos, TcpCounter.CHALLENGE_ACKS);
    }

    /**
     * The ACK answering a segment outside the window or an unacceptable ACK (RFC 9293 3.10.7.4, RFC 5961 5.2),
     * under the same per-connection budget as challenge ACKs, so forged segments cannot make us send at their
     * rate (Linux limits these the same way).
     */
    public void sendOutOfWindowAck(TcpConnection connection, long nowNanos) {
        sendLimitedAck(connection, nowNanos, TcpCounter.OUT_OF_WINDOW_ACKS);
    }

    private void sendLimitedAck(TcpConnection connection, long nowNanos, TcpCounter sent) {
        TcpControlBlock tcb = connection.controlBlock();
        if (nowNanos - tcb.challengeWindowStartNanos >= 1_000_000_000L || tcb.challengeAcksInWindow == 0) {
            tcb.challengeWindowStartNanos = nowNanos;
            tcb.challengeAcksInWindow = 0;
        }
        if (tcb.challengeAcksInWindow >= engine.config().challengeAcksPerSecond()) {
            engine.counters().increment(TcpCounter.ACKS_SUPPRESSED_BY_RATE_LIMIT);
            return;
        }
        tcb.challengeAcksInWindow++;
        engine.counters().increment(sent);
        sendAck(connection);
    }

    /** Abort (RFC 9293 3.10.5): <SEQ=SND.NXT><CTL=RST>, with ACK as Linux sends it. */
    public void sendReset(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        options.clear();
        ByteBuf buffer = engine.frameBuffers().allocate(0);
        TcpSegmentWriter.prepend(buffer, connection.localAddress(), connection.remoteAddress(),
                connection.localPort(), connection.remotePort(), tcb.sndNxt, tcb.rcvNxt,
                TcpFlags.RST | TcpFlags.ACK, 0, 0, options);
        engine.counters().increment(TcpCounter.RESETS_SENT);
        connection.statistics().segmentSent(0, false, engine.nowNanos());
        engine.transmit(buffer, connection.localAddress(), connection.remoteAddress());
    }

    /**
     * RFC 9293 3.10.7.1: the reset answering {@code segment} (never a RST itself; the caller checks), sent from
     * {@code localAddress} to {@code remoteAddress}: {@code <SEQ=SEG.ACK><CTL=RST>} when it had ACK, else
     * {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    public void sendResetFor(TcpSegment segment, int localAddress, int remoteAddress) {
        options.clear();
        int seq;
        int ack;
        int flags;
        if (segment.hasFlags(TcpFlags.ACK)) {
            seq = segment.acknowledgmentNumber();
            ack = 0;
            flags = TcpFlags.RST;
        } else {
            seq = 0;
            int control = segment.flags();
            ack = segment.sequenceNumber() + segment.payloadLength() + ((control & TcpFlags.SYN) != 0 ? 1 : 0)
                    + ((control & TcpFlags.FIN) != 0 ? 1 : 0);
            flags = TcpFlags.RST | TcpFlags.ACK;
        }
        ByteBuf buffer = engine.frameBuffers().allocate(0);
        TcpSegmentWriter.prepend(buffer, localAddress, remoteAddress, segment.destinationPort(),
                segment.sourcePort(), seq, ack, flags, 0, 0, options);
        engine.counters().increment(TcpCounter.RESETS_SENT);
        engine.transmit(buffer, localAddress, remoteAddress);
    }

    /**
     * Sends queued data (and the FIN after it) as far as the windows allow: the send window is
     * min(cwnd - pipe, SND.UNA + SND.WND - SND.NXT); a segment shorter than the MSS waits for Nagle (RFC 9293
     * 3.7.4) and sender SWS avoidance (3.8.6.2.1). PSH marks the segment that empties the buffer. Returns
     * whether anything was sent.
     */
    public boolean sendData(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpState state = tcb.state;
        if (!(state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_1
                || state == TcpState.CLOSING || state == TcpState.LAST_ACK)) {
            return false;
        }
        SendBuffer buffer = connection.sendBuffer();
        CongestionControl congestion = connection.congestionControl();
        if (congestion == null) {
            return false;
        }
        restartAfterIdle(connection);
        boolean sent = false;
        while (true) {
            int dataEnd = tcb.sndUna + buffer.size();
            int unsent = dataEnd - tcb.sndNxt;
            boolean finPending = tcb.finQueued && !after(tcb.sndNxt, tcb.finSeq);
            if (unsent <= 0 && !finPending) {
                break;
            }
            int peerRoom = tcb.sndUna + tcb.sndWnd - tcb.sndNxt;
            int congestionRoom = congestion.congestionWindow() - connection.pipe();
            int room = Math.min(peerRoom, congestionRoom);
            if (unsent <= 0) {
                // Only the FIN is left; it takes no window but waits for the congestion window (RFC 5681 3.1)
                if (congestionRoom <= 0 && tcb.flightSize() > 0) {
                    break;
                }
                emit(connection, tcb.sndNxt, 0, TcpFlags.FIN | TcpFlags.ACK);
                advance(connection, tcb.finSeq + 1, false);
                sent = true;
                break;
            }
            int fullSize = tcb.sendMss - sackOptionBytes(connection);
            int length = Math.min(Math.min(unsent, fullSize), room);
            if (length <= 0 || !worthSending(connection, length, unsent, fullSize)) {
                break;
            }
            int end = tcb.sndNxt + length;
            int flags = TcpFlags.ACK;
            if (end == dataEnd) {
                flags |= TcpFlags.PSH;
                if (tcb.finQueued && end == tcb.finSeq) {
                    flags |= TcpFlags.FIN;
                }
            }
            emit(connection, tcb.sndNxt, length, flags);
            advance(connection, (flags & TcpFlags.FIN) != 0 ? end + 1 : end, true);
            sent = true;
        }
        armPersistIfStalled(connection);
        return sent;
    }

    /**
     * RFC 5681 4.1: before sending into an empty network after more than an RTO of silence, the congestion
     * window restarts; the signal goes to "tcp-congestion" like every other.
     */
    private void restartAfterIdle(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.sndMax != tcb.sndUna || connection.sendBuffer().isEmpty()) {
            return;
        }
        long now = engine.nowNanos();
        long idle = now - tcb.lastSendNanos;
        long rto = connection.rttEstimator().rtoNanos();
        if (idle > rto) {
            tcb.lastSendNanos = now;
            engine.signalCongestion(engine.congestionEvent().set(CongestionSignal.IDLE_RESTART, connection, now, 0, 0,
                    connection.rttEstimator().srttNanos(), idle, rto));
        }
    }

    /**
     * RFC 9293 3.8.6.1: data waits, nothing is in flight (so no retransmission timer runs) and the peer's window
     * has no room worth using ({@link #peerWindowOpen}): the persist timer makes sure a lost window update cannot
     * stall the connection forever, and lets the user timeout end a peer that never opens.
     */
    private void armPersistIfStalled(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        int unsent = tcb.sndUna + connection.sendBuffer().size() - tcb.sndNxt;
        if (unsent <= 0 || tcb.sndNxt != tcb.sndUna || peerWindowOpen(connection)
                || connection.isTimerArmed(TcpTimerEvent.PERSIST)) {
            return;
        }
        if (!tcb.peerWindowStalled) {
            tcb.peerWindowStalled = true;
            tcb.zeroWindowSinceNanos = engine.nowNanos();
            connection.statistics().peerWindowClosed();
        }
        connection.armTimer(TcpTimerEvent.PERSIST, persistDelay(connection));
    }

    /**
     * Whether the peer's offered window admits a segment that sender SWS avoidance would send (RFC 9293 3.8.6.2.1):
     * a full segment, everything queued, or half the largest window the peer has offered. A smaller window is as
     * shut as a zero window: the persist timer runs and the user timeout counts from when it shut, so a peer that
     * keeps offering one byte and ACKing it one byte at a time cannot hold the connection forever.
     */
    public boolean peerWindowOpen(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (tcb.sndWnd <= 0) {
            return false;
        }
        int unsent = tcb.sndUna + connection.sendBuffer().size() - tcb.sndNxt;
        int fullSize = tcb.sendMss - sackOptionBytes(connection);
        return tcb.sndWnd >= Math.min(unsent, fullSize) || tcb.sndWnd >= tcb.maxSndWnd / 2;
    }

    /**
     * The persist timer's probe (RFC 9293 3.8.6.1): into a zero window an ACK below SND.UNA ({@link #sendProbe});
     * into a window too small to be worth using, as much data as it takes, which RFC 9293 3.8.6.2.1 allows once
     * the override timeout has passed, so a small window still moves data. Returns whether data went.
     */
    public boolean sendWindowProbe(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        int length = Math.min(newDataAllowed(connection), tcb.sendMss - sackOptionBytes(connection));
        if (length <= 0) {
            sendProbe(connection);
            return false;
        }
        sendNewData(connection, length);
        return true;
    }

    /** The RTO, doubled per probe already sent, at most the maximum RTO (RFC 9293 3.8.6.1 SHLD-29). */
    public long persistDelay(TcpConnection connection) {
        long rto = connection.rttEstimator().rtoNanos();
        long max = engine.config().rttConfig().maxRtoNanos();
        int backoff = connection.controlBlock().persistBackoff;
        return backoff >= 30 || rto > max >> backoff ? max : rto << backoff;
    }

    /**
     * A zero-window or keep-alive probe: an ACK carrying SND.UNA - 1, a sequence number the peer has seen, so it
     * must answer with an ACK showing its window (as Linux probes; RFC 9293 3.8.4 allows a probe without data).
     */
    public void sendProbe(TcpConnection connection) {
        emit(connection, connection.controlBlock().sndUna - 1, 0, TcpFlags.ACK);
    }

    /**
     * RFC 9293 3.7.4 (Nagle) and 3.8.6.2.1 (sender SWS): a full segment goes; a shorter one goes if it holds
     * everything queued and nothing is unacknowledged (or Nagle is off), or if it is at least half the
     * largest window the peer has offered.
     */
    private static boolean worthSending(TcpConnection connection, int length, int unsent, int fullSize) {
        TcpControlBlock tcb = connection.controlBlock();
        if (length >= fullSize) {
            return true;
        }
        if (length == unsent && (!connection.options().nagle() || tcb.sndNxt == tcb.sndUna || tcb.finQueued)) {
            return true;
        }
        return tcb.maxSndWnd > 0 && length >= tcb.maxSndWnd / 2;
    }

    /** SND.NXT moves to {@code next}; new data may start an RTT measurement (Karn, without timestamps). */
    private void advance(TcpConnection connection, int next, boolean data) {
        TcpControlBlock tcb = connection.controlBlock();
        boolean newData = !before(tcb.sndNxt, tcb.sndMax);
        if (newData && data && !tcb.timestamps && !tcb.rttTiming) {
            tcb.rttTiming = true;
            tcb.rttSeq = next;
            tcb.rttStartNanos = engine.nowNanos();
        }
        if (!newData) {
            engine.counters().increment(TcpCounter.RETRANSMITTED_SEGMENTS);
            connection.statistics().segmentRetransmitted();
        }
        tcb.sndNxt = next;
        if (after(next, tcb.sndMax)) {
            tcb.sndMax = next;
        }
        tcb.lastSendNanos = engine.nowNanos();
        armRetransmission(connection, newData && data);
    }

    /** RFC 6298 5.1: when a segment is sent and the timer is not running, start it (or the loss probe). */
    private void armRetransmission(TcpConnection connection, boolean newData) {
        TcpControlBlock tcb = connection.controlBlock();
        if (!connection.isTimerArmed(TcpTimerEvent.RETRANSMISSION) && tcb.retransmissions == 0) {
            tcb.firstTransmitNanos = engine.nowNanos();
        }
        engine.retransmission().onSegmentSent(connection, newData);
    }

    /**
     * Retransmits the first unacknowledged segment (RFC 5681 3.2 fast retransmit, RFC 6582 partial ACK,
     * RFC 6298 5.4): up to one MSS from SND.UNA, with the FIN if it fits. SND.NXT does not move.
     */
    public void retransmitFirst(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        int buffered = connection.sendBuffer().size();
        int length = Math.min(buffered, tcb.sendMss);
        int end = tcb.sndUna + length;
        int flags = TcpFlags.ACK;
        if (length == buffered) {
            if (length > 0) {
                flags |= TcpFlags.PSH;
            }
            if (tcb.finSent() && end == tcb.finSeq) {
                flags |= TcpFlags.FIN;
            }
        }
        if (length == 0 && (flags & TcpFlags.FIN) == 0) {
            return;
        }
        tcb.rttTiming = false;
        engine.counters().increment(TcpCounter.RETRANSMITTED_SEGMENTS);
        connection.statistics().segmentRetransmitted();
        emit(connection, tcb.sndUna, length, flags);
    }

    /**
     * Retransmits {@code length} sequence numbers from {@code start} (RFC 6675 NextSeg() choices), which lie
     * between SND.UNA and SND.MAX; the FIN goes along if the range covers it. SND.NXT does not move.
     */
    public void retransmitRange(TcpConnection connection, int start, int length) {
        TcpControlBlock tcb = connection.controlBlock();
        int dataEnd = tcb.sndUna + connection.sendBuffer().size();
        int dataLength = Math.max(0, Math.min(length, dataEnd - start));
        int flags = TcpFlags.ACK;
        if (start + dataLength == dataEnd && dataLength > 0) {
            flags |= TcpFlags.PSH;
        }
        if (tcb.finSent() && after(start + length, tcb.finSeq)) {
            flags |= TcpFlags.FIN;
        }
        if (dataLength == 0 && (flags & TcpFlags.FIN) == 0) {
            return;
        }
        tcb.rttTiming = false;
        engine.counters().increment(TcpCounter.RETRANSMITTED_SEGMENTS);
        connection.statistics().segmentRetransmitted();
        emit(connection, start, dataLength, flags);
    }

    /**
     * Option bytes the SACK blocks waiting to be reported will take (RFC 2018 3): new data segments shrink by
     * this much, as Linux's do, so the blocks still ride on them when data flows both ways.
     */
    private static int sackOptionBytes(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (!tcb.sackPermitted) {
            return 0;
        }
        int blocks = Math.min(connection.receivedSackBlocks().blockCount(),
                tcb.timestamps ? 3 : TcpOptions.MAX_SACK_BLOCKS);
        return blocks == 0 ? 0 : SACK_OPTION_BASE + blocks * SACK_BLOCK_BYTES;
    }

    /** Previously unsent bytes that are queued and that the peer's window admits now. */
    public int newDataAllowed(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        int unsent = tcb.sndUna + connection.sendBuffer().size() - tcb.sndNxt;
        int peerRoom = tcb.sndUna + tcb.sndWnd - tcb.sndNxt;
        return Math.max(0, Math.min(unsent, peerRoom));
    }

    /** Sends {@code length} new bytes at SND.NXT (RFC 6675 NextSeg() rule 2), with the FIN if they end the data. */
    public void sendNewData(TcpConnection connection, int length) {
        TcpControlBlock tcb = connection.controlBlock();
        int end = tcb.sndNxt + length;
        int flags = TcpFlags.ACK;
        if (end == tcb.sndUna + connection.sendBuffer().size()) {
            flags |= TcpFlags.PSH;
            if (tcb.finQueued && end == tcb.finSeq) {
                flags |= TcpFlags.FIN;
            }
        }
        emit(connection, tcb.sndNxt, length, flags);
        advance(connection, (flags & TcpFlags.FIN) != 0 ? end + 1 : end, true);
    }

    /**
     * After the application read data: RFC 9293 3.8.6.2.2, tell the peer of a window that opened by at least
     * min(half the buffer, one MSS) beyond what it was last told.
     */
    public void sendWindowUpdateIfUseful(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        if (!tcb.state.isSynchronized() || tcb.state == TcpState.TIME_WAIT || tcb.peerFinReceived) {
            return;
        }
        int available = availableWindow(connection);
        if (available - tcb.receiveWindow() >= updateThreshold(connection)) {
            sendAck(connection);
        }
    }

    private static int availableWindow(TcpConnection connection) {
        return Math.max(0, connection.options().receiveBufferBytes() - connection.unreadBytes());
    }

    private static int updateThreshold(TcpConnection connection) {
        return Math.min(connection.options().receiveBufferBytes() / 2, connection.controlBlock().receiveMss);
    }

    /**
     * The window field of a non-SYN segment. RFC 9293 3.8.6.2.2: the right edge advances only by at least
     * min(half the buffer, one MSS), and it never moves left (3.8.6 SHLD-14), so the window shrinks only as
     * data arrives.
     */
    private int windowField(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        int shift = tcb.rcvShift;
        int current = tcb.receiveWindow();
        int available = availableWindow(connection);
        int field;
        if (available - current >= updateThreshold(connection)) {
            field = available >> shift;
        } else {
            // Keep the advertised edge; round up so scaling never pulls it left
            field = (int) (((long) current + (1 << shift) - 1) >> shift);
        }
        field = Math.min(field, MAX_WINDOW_FIELD);
        int edge = tcb.rcvNxt + (field << shift);
        if (after(edge, tcb.rcvAdvertisedEdge)) {
            tcb.rcvAdvertisedEdge = edge;
        }
        return field;
    }

    /** Builds and sends one non-SYN segment of our connection. */
    private void emit(TcpConnection connection, int seq, int length, int flags) {
        TcpControlBlock tcb = connection.controlBlock();
        ByteBuf buffer = engine.frameBuffers().allocate(length);
        if (length > 0) {
            try {
                connection.sendBuffer().copyTo(seq - tcb.sndUna, length, buffer);
            } catch (RuntimeException e) {
                // A written buffer the application freed under us: the frame must not leak with it
                buffer.release();
                throw e;
            }
            if (connection.rackLossDetector() != null) {
                connection.rackLossDetector().onTransmit(seq, length, tcb.sndMax, engine.nowNanos());
            }
        }
        options.clear();
        TimestampRttSampler sampler = connection.timestampSampler();
        if (tcb.timestamps) {
            options.setTimestamps(sampler.timestampValue(engine.nowNanos()), tcb.tsRecent);
        }
        if (tcb.sackPermitted && (flags & TcpFlags.ACK) != 0) {
            int maxBlocks = tcb.timestamps ? 3 : TcpOptions.MAX_SACK_BLOCKS;
            if (length > 0) {
                // RFC 9293 3.7.1: data and options together fit the MSS, so data carries only the blocks with room
                maxBlocks = Math.min(maxBlocks, (tcb.sendMss - length - SACK_OPTION_BASE) / SACK_BLOCK_BYTES);
            }
            connection.receivedSackBlocks().fill(options, tcb.rcvNxt, maxBlocks);
        }
        int window = windowField(connection);
        connection.statistics().windowAdvertised(window);
        connection.statistics().segmentSent(length, length > 0 && before(seq, tcb.sndMax), engine.nowNanos());
        write(connection, buffer, seq, tcb.rcvNxt, flags, window);
    }

    private void write(TcpConnection connection, ByteBuf buffer, int seq, int ack, int flags, int window) {
        TcpControlBlock tcb = connection.controlBlock();
        TcpSegmentWriter.prepend(buffer, connection.localAddress(), connection.remoteAddress(),
                connection.localPort(), connection.remotePort(), seq, ack, flags, window, 0, options);
        if ((flags & TcpFlags.ACK) != 0) {
            tcb.lastAckSent = ack;
            tcb.bytesSinceAck = 0;
            tcb.ackNow = false;
            tcb.ackAtBatchEnd = false;
            connection.cancelTimer(TcpTimerEvent.DELAYED_ACK);
        }
        engine.transmit(buffer, connection.localAddress(), connection.remoteAddress());
    }
}
