package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6675 loss recovery against a SACK peer. Segment k covers [OURS + k * MSS, OURS + (k + 1) * MSS). The
 * initial window is 10 segments; CUBIC's reduction leaves cwnd = 7 segments in recovery.
 */
class SackRecoveryTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static int seg(int k) {
        return OURS + k * MSS;
    }

    private TcpConnection sendWithSack(int segments) {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        script.expectSend(tcp().syn().ack(PEER).sackPermitted());
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[segments * MSS]));
        connection.flush();
        for (int k = 0; k < Math.min(segments, 10); k++) {
            script.expectSend(tcp().ack().seq(seg(k)).len(MSS));
        }
        script.expectNothing();
        return connection;
    }

    @Test
    void twoSackedSegmentsAboveAHoleDoNotStartRecovery() {
        sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.expectNothing();
    }

    @Test
    void thirdSackAboveAHoleRetransmitsIt() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        assertTrue(connection.controlBlock().inRecovery);
        assertEquals(1, script.engine().counters().get(TcpCounter.FAST_RETRANSMITS));
    }

    @Test
    void recoveryRepairsLostHolesBeforeSendingNewData() {
        sendWithSack(12);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        // Now 3000 SACKed bytes lie above segment 2: it is lost (IsLost), and pipe leaves room for 2 segments
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(6)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
        script.expectSend(tcp().ack().seq(seg(10)).len(MSS));
        script.expectNothing();
    }

    @Test
    void ackBeyondTheRecoveryPointEndsRecovery() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(4)).sack(seg(1), seg(2)));
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(3), seg(5)).sack(seg(1), seg(2)));
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.receive(tcp().ack().seq(PEER).ack(seg(10)));
        assertFalse(connection.controlBlock().inRecovery);
        assertEquals(connection.congestionControl().slowStartThreshold(),
                connection.congestionControl().congestionWindow());
    }

    @Test
    void timeoutForgetsSackInformationAndGoesBackToSndUna() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(1), seg(2)));
        script.advanceMillis(200);
        script.expectSend(tcp().ack().seq(seg(0)).len(MSS));
        script.expectNothing();
        assertEquals(0, connection.sackScoreboard().sackedBytes());
        script.receive(tcp().ack().seq(PEER).ack(seg(1)));
        script.expectSend(tcp().ack().seq(seg(1)).len(MSS));
        script.expectSend(tcp().ack().seq(seg(2)).len(MSS));
    }

    @Test
    void sackBlockBeyondWhatWasSentIsIgnored() {
        TcpConnection connection = sendWithSack(10);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sack(seg(20), seg(30)));
        assertEquals(0, connection.sackScoreboard().sackedBytes());
        assertEquals(1, connection.sackScoreboard().invalidBlocks());
    }
}
