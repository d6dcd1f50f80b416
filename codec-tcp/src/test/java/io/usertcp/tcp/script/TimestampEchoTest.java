package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.rtt.RttEstimator;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7323 4 (RTTM) across losses: which TSval our ACKs echo, and which echoes become RTT samples, so that a
 * lost ACK cannot turn the wait for a retransmission timeout into a round-trip time.
 */
class TimestampEchoTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** Passive open with timestamps; the handshake's ACK echoes nothing, so no RTT sample is taken yet. */
    private void acceptWithTimestamps() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).ts(100, 0).win(65535));
        script.expectSend(tcp().syn().ack(PEER).tsEcr(100));
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(101, 0).win(65535));
    }

    @Test
    void retransmittedDataWeHaveIsEchoedInItsDuplicateAck() {
        acceptWithTimestamps();
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(102, 0).len(100).win(65535));
        script.advanceMillis(40);
        script.expectSend(tcp().ack().ack(PEER + 100).tsEcr(102));
        // Our ACK was lost; the peer times out and sends the data again. RFC 7323 4.3: SEG.SEQ =< Last.ACK.sent
        // and SEG.TSval >= TS.Recent, so the retransmission's TSval is the one the duplicate ACK echoes
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(1300, 0).len(100).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 100).tsEcr(1300));
    }

    @Test
    void echoFromBeforeARetransmissionTimeoutIsNoRttSample() {
        acceptWithTimestamps();
        SentSegment first = sendAndTimeOut();
        RttEstimator rtt = script.connection().rttEstimator();
        // The peer acknowledges with the echo of the first transmission: its earlier ACK may have been lost,
        // so now - TSecr would include the wait for the timer (RFC 6298 5, Karn)
        script.receive(tcp().ack().seq(PEER).ack(OURS + 500).ts(102, first.tsVal()).win(65535));
        assertFalse(rtt.hasRttSample());
        assertEquals(1, rtt.backoffCount(), "the backed-off RTO stays until a valid sample");
        assertEquals(TimeUnit.SECONDS.toNanos(2), rtt.rtoNanos());
    }

    @Test
    void echoOfTheTimeoutRetransmissionIsAnRttSample() {
        acceptWithTimestamps();
        sendAndTimeOut();
        SentSegment retransmission = script.expectSend(tcp().ack().seq(OURS).len(500));
        script.advanceMillis(30);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 500).ts(102, retransmission.tsVal()).win(65535));
        RttEstimator rtt = script.connection().rttEstimator();
        assertTrue(rtt.hasRttSample());
        assertEquals(0, rtt.backoffCount());
        // RFC 6298 2.2: SRTT <- R, the 30 ms since the retransmission carrying the echoed TSval
        assertEquals(TimeUnit.MILLISECONDS.toNanos(30), rtt.srttNanos());
    }

    /** Sends 500 bytes and lets the initial 1 s RTO expire; returns the first transmission. */
    private SentSegment sendAndTimeOut() {
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[500]));
        connection.flush();
        SentSegment first = script.expectSend(tcp().ack().seq(OURS).len(500));
        script.advanceMillis(1000);
        return first;
    }
}
