package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import io.usertcp.testing.script.TcpSegmentSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DataTransferTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static byte[] pattern(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = TcpSegmentSpec.patternByte(from + i);
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void inOrderDataIsDeliveredAcrossTheSequenceWrap() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("hello ").win(65535));
        script.receive(tcp().ack().seq(PEER + 6).ack(OURS).data("world").win(65535));
        assertEquals("hello world", script.application().receivedText());
        assertEquals(2, script.application().readCompleteCount());
    }

    @Test
    void singleSegmentIsAcknowledgedAfterTheDelayedAckTimeout() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(100).win(65535));
        script.advanceMillis(39);
        script.expectNothing();
        script.advanceMillis(1);
        script.expectSend(tcp().ack().seq(OURS).ack(PEER + 100));
    }

    @Test
    void secondFullSizedSegmentIsAcknowledgedAtOnce() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(1460).win(65535));
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER + 1460).ack(OURS).len(1460).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 2920));
        script.advanceMillis(100);
        script.expectNothing();
    }

    @Test
    void outOfOrderSegmentIsAcknowledgedAtOnceAndHeld() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER + 500).ack(OURS).len(500).win(65535));
        script.expectSend(tcp().ack().ack(PEER));
        assertEquals(0, script.application().receivedBytes().length);
        assertEquals(1, script.engine().counters().get(TcpCounter.OUT_OF_ORDER_SEGMENTS));
    }

    @Test
    void filledHoleDeliversHeldDataAndIsAcknowledgedAtOnce() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER + 5).ack(OURS).data("world").win(65535));
        script.expectSend(tcp().ack().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("hello").win(65535));
        script.expectSend(tcp().ack().ack(PEER + 10));
        assertEquals("helloworld", script.application().receivedText());
    }

    @Test
    void outOfOrderSegmentIsReportedInSackBlocks() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        script.expectSend(tcp().syn().ack(PEER).sackPermitted());
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.receive(tcp().ack().seq(PEER + 1000).ack(OURS).len(500).win(65535));
        script.expectSend(tcp().ack().ack(PEER).sack(PEER + 1000, PEER + 1500));
        script.receive(tcp().ack().seq(PEER + 2000).ack(OURS).len(500).win(65535));
        script.expectSend(tcp().ack().ack(PEER).sack(PEER + 2000, PEER + 2500).sack(PEER + 1000, PEER + 1500));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(1000).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 1500).sack(PEER + 2000, PEER + 2500));
    }

    @Test
    void writtenDataIsSentInMssSegmentsWithPshOnTheLast() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(pattern(0, 2500)));
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).ack(PEER).noPsh().len(1000));
        script.expectSend(tcp().ack().seq(OURS + 1000).noPsh().len(1000));
        // Nagle holds the short tail while data is unacknowledged
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2000).win(65535));
        SentSegment last = script.expectSend(tcp().ack().psh().seq(OURS + 2000).len(500));
        assertArrayEquals(pattern(2000, 500), last.payload());
    }

    @Test
    void acknowledgedDataLeavesTheSendBuffer() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.copiedBuffer("request", StandardCharsets.US_ASCII));
        connection.flush();
        script.expectSend(tcp().ack().psh().seq(OURS).data("request"));
        assertEquals(7, connection.sendBufferedBytes());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 7).win(65535));
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(OURS + 7, connection.controlBlock().sndUna);
    }

    @Test
    void initialCongestionWindowLimitsTheFirstFlight() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[20 * MSS]));
        connection.flush();
        // RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)) = 10 segments of 1000
        for (int segment = 0; segment < 10; segment++) {
            script.expectSend(tcp().ack().seq(OURS + segment * MSS).len(MSS));
        }
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).win(65535));
        // Slow start: 2 segments acknowledged open room for 2 more plus 2 of growth (RFC 3465 L = 2 SMSS)
        for (int segment = 10; segment < 14; segment++) {
            script.expectSend(tcp().ack().seq(OURS + segment * MSS).len(MSS));
        }
        script.expectNothing();
    }

    @Test
    void peerWindowLimitsWhatIsSentAndSillyWindowAvoidanceHoldsTheRemainder() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(1500));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(1500));
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[4000]));
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).len(1000));
        // 500 bytes of window are left: less than a segment and less than half the largest window (750)
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1000).win(1500));
        script.expectSend(tcp().ack().seq(OURS + 1000).len(1000));
        script.expectNothing();
    }

    @Test
    void dataArrivingWithTheHandshakeAckIsDelivered() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().psh().seq(PEER).ack(OURS).data("GET /").win(65535));
        assertEquals("GET /", script.application().receivedText());
    }

    @Test
    void manySegmentsKeepTheByteStreamIntact() {
        Handshakes.acceptPlain(script);
        byte[] sent = new byte[0];
        for (int chunk = 0; chunk < 8; chunk++) {
            script.receive(tcp().ack().seq(PEER + chunk * 1000).ack(OURS).len(1000).win(65535));
            sent = concat(sent, pattern(0, 1000));
        }
        assertArrayEquals(sent, script.application().receivedBytes());
        // 1000-byte segments against our 1460 MSS: an ACK once 2 * 1460 bytes are unacknowledged, at 3000 and 6000
        assertEquals(2, script.pendingSent());
    }

    @Test
    void dataReceivedTwiceIsReportedAsADuplicateSack() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        script.expectSend(tcp().syn().ack(PEER).sackPermitted());
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(100).win(65535));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(100).win(65535));
        // RFC 2883 4: the first block reports the duplicate, below the cumulative ACK
        script.expectSend(tcp().ack().ack(PEER + 100).sack(PEER, PEER + 100));
        script.receive(tcp().ack().seq(PEER + 100).ack(OURS).len(1460).win(65535));
        script.advanceMillis(40);
        script.expectSend(tcp().ack().ack(PEER + 1560).noSack());
    }
}
