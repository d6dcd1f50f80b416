package io.usertcp.tcp.info;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpInfo} on scripted connections with known RTTs and losses, on virtual time. Without timestamps the
 * engine times the SYN-ACK and then one data segment at a time (RFC 6298 3, Karn), so the RTT samples are the
 * delays the script leaves before its ACKs.
 */
class TcpInfoTest {
    private static final int OUR_ISS = 1_000_000;
    private static final int PEER_ISS = 5_000_000;
    private static final int OURS = OUR_ISS + 1;
    private static final int PEER = PEER_ISS + 1;
    private static final int MSS = 1000;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** Passive open whose SYN-ACK is acknowledged after {@code rttMillis}: the first RTT sample. */
    private TcpConnection accept(int rttMillis, boolean sack) {
        script.listen();
        if (sack) {
            script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
            script.expectSend(tcp().syn().ack(PEER).seq(OUR_ISS).sackPermitted());
        } else {
            script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(65535));
            script.expectSend(tcp().syn().ack(PEER).seq(OUR_ISS));
        }
        script.advanceMillis(rttMillis);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        return script.connection();
    }

    private void sendSegments(TcpConnection connection, int count) {
        connection.write(Unpooled.wrappedBuffer(new byte[count * MSS]));
        connection.flush();
        for (int segment = 0; segment < count; segment++) {
            script.expectSend(tcp().ack().seq(OURS + segment * MSS).len(MSS));
        }
    }

    @Test
    void handshakeRttSampleSetsSrttRttvarAndMinimum() {
        TcpInfo info = TcpInfo.of(accept(50, false));

        assertEquals(TcpState.ESTABLISHED, info.state());
        // RFC 6298 2.2: SRTT = R, RTTVAR = R/2; RTO = SRTT + 4 * RTTVAR = 150 ms, raised to the 200 ms minimum
        assertEquals(50_000, info.smoothedRttMicros());
        assertEquals(25_000, info.rttVariationMicros());
        assertEquals(50_000, info.minRttMicros());
        assertEquals(200_000, info.rtoMicros());
        assertEquals(0, info.backoffs());
    }

    @Test
    void secondSampleMovesSrttAndRttvarByTheRfc6298Gains() {
        TcpConnection connection = accept(50, false);
        sendSegments(connection, 2);
        script.advanceMillis(30);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(65535));

        TcpInfo info = TcpInfo.of(connection);
        // RTTVAR = 3/4 * 25 + 1/4 * |50 - 30| = 23.75 ms; SRTT = 7/8 * 50 + 1/8 * 30 = 47.5 ms
        assertEquals(47_500, info.smoothedRttMicros());
        assertEquals(23_750, info.rttVariationMicros());
        assertEquals(30_000, info.minRttMicros());
        assertEquals(2 * MSS, info.bytesAcked());
        assertEquals(0, info.millisSinceLastAckReceived());
    }

    @Test
    void negotiatedSizesWindowsAndCongestionControlAreReported() {
        TcpConnection connection = accept(10, false);

        TcpInfo info = TcpInfo.of(connection);
        assertEquals(MSS, info.sendMss());
        assertEquals(connection.controlBlock().receiveMss, info.receiveMss());
        assertEquals(65535, info.sendWindowBytes());
        assertEquals(connection.controlBlock().receiveWindow(), info.receiveWindowBytes());
        assertEquals(TcpStackConfig.defaults().congestionControl(), info.congestionControl());
        // RFC 6928 2: IW = min(10 * MSS, max(2 * MSS, 14600)); ssthresh starts arbitrarily high (RFC 5681 3.1)
        assertEquals(10 * MSS, info.congestionWindowBytes());
        assertEquals(Integer.MAX_VALUE, info.slowStartThresholdBytes());
        assertEquals(false, info.windowScaling());
        assertEquals(false, info.sackPermitted());
    }

    @Test
    void timeoutCountsTheRetransmissionBackoffAndLossWindow() {
        TcpConnection connection = accept(50, false);
        sendSegments(connection, 5);
        script.advanceMillis(30);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(65535));
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(OURS + 2 * MSS).len(MSS));

        TcpInfo info = TcpInfo.of(connection);
        assertEquals(1, info.retransmissionTimeouts());
        assertEquals(1, info.segmentsRetransmitted());
        assertEquals(MSS, info.bytesRetransmitted());
        assertEquals(6 * MSS, info.bytesSent());
        assertEquals(6, info.dataSegmentsSent());
        // SYN-ACK and six data segments; the SYN and two ACKs came in
        assertEquals(7, info.segmentsSent());
        assertEquals(3, info.segmentsReceived());
        assertEquals(1, info.backoffs());
        assertEquals(400_000, info.rtoMicros());
        assertEquals(MSS, info.congestionWindowBytes());
        assertEquals(connection.congestionControl().slowStartThreshold(), info.slowStartThresholdBytes());
        assertTrue(info.slowStartThresholdBytes() < Integer.MAX_VALUE);
        assertEquals(3 * MSS, info.unacknowledgedBytes());
        assertEquals(3 * MSS, info.sendQueueBytes());
        assertEquals(0, info.millisSinceLastDataSent());
        assertEquals(200, info.millisSinceLastAckReceived());
    }

    @Test
    void sackedHoleIsReportedLostAndTheRecoveryCounted() {
        TcpConnection connection = accept(10, true);
        sendSegments(connection, 6);
        // Segments 1..3 arrive, 0 does not: three SMSS SACKed above the hole make it lost (RFC 6675 4)
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(OURS + MSS, OURS + 4 * MSS).win(65535));
        script.expectSend(tcp().ack().seq(OURS).len(MSS));

        TcpInfo info = TcpInfo.of(connection);
        assertEquals(3, info.sackedSegments());
        assertEquals(1, info.lostSegments());
        assertEquals(1, info.fastRecoveries());
        assertEquals(1, info.segmentsRetransmitted());
        assertEquals(0, info.retransmissionTimeouts());
    }

    @Test
    void receivedDataIsCountedOnceAndOutOfOrderArrivalsSeparately() {
        TcpConnection connection = accept(10, false);
        script.receive(tcp().ack().seq(PEER + 300).ack(OURS).len(200).win(65535));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(300).win(65535));
        script.advanceMillis(7);

        TcpInfo info = TcpInfo.of(connection);
        assertEquals(500, info.bytesReceived());
        assertEquals(1, info.outOfOrderSegmentsReceived());
        assertEquals(2, info.dataSegmentsReceived());
        assertEquals(7, info.millisSinceLastDataReceived());
        assertEquals(-1, info.millisSinceLastDataSent());
    }

    @Test
    void deliveryRateIsTheDataAcknowledgedOverAnIntervalOfOneSrtt() {
        TcpConnection connection = accept(50, false);
        sendSegments(connection, 8);
        script.advanceMillis(50);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(65535));
        script.advanceMillis(50);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 6 * MSS).win(65535));

        // 6000 bytes acknowledged from the first ACK's interval start to 50 ms later (SRTT 50 ms)
        assertEquals(120_000, TcpInfo.of(connection).deliveryRateBytesPerSecond());
    }

    @Test
    void peerZeroWindowStallIsCountedOnceUntilTheWindowOpens() {
        TcpConnection connection = accept(10, false);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
        connection.write(Unpooled.wrappedBuffer(new byte[100]));
        connection.flush();
        script.expectNothing();
        script.advanceMillis(1_000);

        TcpInfo info = TcpInfo.of(connection);
        assertEquals(1, info.peerZeroWindowStalls());
        assertTrue(info.toString().contains(" zero_wnd_stalls:1"), info.toString());
    }

    @Test
    void textFollowsSsInfoLayout() {
        TcpConnection connection = accept(50, false);
        sendSegments(connection, 2);

        String text = TcpInfo.of(connection).toString();
        assertTrue(text.startsWith(TcpStackConfig.defaults().congestionControl() + " rto:200.000 rtt:50.000/25.000"
                + " minrtt:50.000 backoff:0 mss:1000"), text);
        assertTrue(text.contains(" cwnd:10 ssthresh:- "), text);
        assertTrue(text.contains(" bytes_sent:2000 "), text);
    }
}
