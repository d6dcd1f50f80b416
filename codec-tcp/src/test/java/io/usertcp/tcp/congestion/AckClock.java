package io.usertcp.tcp.congestion;

import java.util.ArrayDeque;

/**
 * A sender on virtual time with a fixed RTT and no queueing: every full-sized segment is acknowledged, one ACK
 * per segment, exactly one RTT after it was sent, and the sender fills the congestion window after each ACK
 * (so it is always window-limited). A loss is declared by {@link #congestionEvent}; fast recovery then lasts
 * one RTT, during which the sender keeps sending while the pipe is below cwnd (RFC 6675 style) and reports
 * its ACKs as recovery ACKs.
 */
final class AckClock {
    private final CongestionControl cc;
    private final int mss;
    private final long rttNanos;
    /** When the ACK of each segment in flight arrives, in sending order (sends happen at nondecreasing times). */
    private final ArrayDeque<Long> ackArrivals = new ArrayDeque<>();
    private long nowNanos;
    private boolean inRecovery;
    private long recoveryEndNanos;

    AckClock(CongestionControl cc, int mss, long rttNanos, long startNanos) {
        this.cc = cc;
        this.mss = mss;
        this.rttNanos = rttNanos;
        this.nowNanos = startNanos;
    }

    long nowNanos() {
        return nowNanos;
    }

    int bytesInFlight() {
        return ackArrivals.size() * mss;
    }

    /** Sends the whole window now; its ACKs all arrive together one RTT later. */
    void sendWindowAtOnce() {
        while (canSend()) {
            ackArrivals.addLast(nowNanos + rttNanos);
        }
    }

    /** Sends the whole window spread evenly over one RTT, so that its ACKs arrive evenly spaced. */
    void sendWindowPaced() {
        int segments = cc.congestionWindow() / mss - ackArrivals.size();
        for (int i = 0; i < segments; i++) {
            ackArrivals.addLast(nowNanos + rttNanos + rttNanos * i / segments);
        }
    }

    /** Declares a loss now: the congestion event, and a fast recovery that ends one RTT later. */
    void congestionEvent() {
        cc.onCongestionEvent(nowNanos, bytesInFlight());
        inRecovery = true;
        recoveryEndNanos = nowNanos + rttNanos;
    }

    boolean inRecovery() {
        return inRecovery;
    }

    /** Delivers every ACK due by {@code endNanos}, in order, refilling the window after each; ends at it. */
    void runUntil(long endNanos) {
        while (hasAckBy(endNanos)) {
            deliverNextAck();
        }
        nowNanos = Math.max(nowNanos, endNanos);
    }

    /** Whether an ACK arrives by {@code endNanos}. */
    boolean hasAckBy(long endNanos) {
        return !ackArrivals.isEmpty() && ackArrivals.peekFirst() <= endNanos;
    }

    /** Delivers the next ACK, at its arrival time, and refills the window. */
    void deliverNextAck() {
        nowNanos = ackArrivals.peekFirst();
        int flightBeforeAck = bytesInFlight();
        ackArrivals.pollFirst();
        if (inRecovery && nowNanos >= recoveryEndNanos) {
            inRecovery = false;
            cc.onRecoveryExit(nowNanos);
        }
        if (inRecovery) {
            cc.onRecoveryAck(nowNanos, mss);
        } else {
            cc.onAck(nowNanos, mss, flightBeforeAck, rttNanos);
        }
        while (canSend()) {
            ackArrivals.addLast(nowNanos + rttNanos);
        }
    }

    private boolean canSend() {
        return (long) bytesInFlight() + mss <= cc.congestionWindow();
    }
}
