package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionNegotiationTest {
    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void acceptWithAllOptions() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).ws(7).sackPermitted().ts(100, 0).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).seq(OUR_ISS).mss(1460).ws(3).sackPermitted().tsEcr(100)
                .win(65535));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).ts(101, 0).win(512));
    }

    @Test
    void synAckAcceptsEveryOptionThePeerOffers() {
        acceptWithAllOptions();
        TcpControlBlock tcb = script.connection().controlBlock();
        assertTrue(tcb.windowScaling);
        assertTrue(tcb.sackPermitted);
        assertTrue(tcb.timestamps);
        assertEquals(7, tcb.sndShift);
        assertEquals(3, tcb.rcvShift);
        // RFC 9293 3.7.1: the 12 bytes of timestamps every segment carries come out of the MSS
        assertEquals(1448, tcb.sendMss);
    }

    @Test
    void windowsAfterTheSynAreScaledBothWays() {
        acceptWithAllOptions();
        assertEquals(512 << 7, script.connection().controlBlock().sndWnd);
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).ts(102, 0).len(10).win(512));
        script.expectNothing();
        script.advanceMillis(40);
        SentSegment delayed = script.expectSend(tcp().ack().ack(PEER_ISS + 11));
        // The 256 KiB buffer is all free again once the 10 bytes are delivered: 262144 >> 3
        assertEquals(262144 >> 3, delayed.window());
    }

    @Test
    void synWindowIsNeverScaled() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).ws(7).win(1000));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).win(65535));
        assertEquals(1000, script.engine().connection(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT,
                TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT).controlBlock().sndWnd);
    }

    @Test
    void noWindowScaleFromThePeerMeansNoneFromUs() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).ws(-1).noSackPermitted().noTs());
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        TcpControlBlock tcb = script.connection().controlBlock();
        assertFalse(tcb.windowScaling);
        assertEquals(0, tcb.rcvShift);
        assertEquals(0, tcb.sndShift);
    }

    @Test
    void windowScaleAboveFourteenIsTreatedAsFourteen() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).ws(20).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).ws(3));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(1));
        assertEquals(14, script.connection().controlBlock().sndShift);
        assertEquals(1 << 14, script.connection().controlBlock().sndWnd);
    }

    @Test
    void missingMssMeansTheDefault536() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        assertEquals(536, script.connection().controlBlock().sendMss);
        script.connection().write(Unpooled.wrappedBuffer(new byte[600]));
        script.connection().flush();
        script.expectSend(tcp().ack().seq(OUR_ISS + 1).len(536));
    }

    @Test
    void tinyPeerMssIsRaisedToTheFloor() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(48).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        assertEquals(536, script.connection().controlBlock().sendMss);
    }

    @Test
    void peerMssAboveOurMtuIsClampedToOurMss() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(8960).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1460));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        assertEquals(1460, script.connection().controlBlock().sendMss);
    }

    @Test
    void configuredMssClampLowersTheAnnouncedAndSendMss() {
        TcpScript clamped = new TcpScript(TcpStackConfig.builder().maxSendMss(1200).build(), OUR_ISS);
        try {
            clamped.listen();
            clamped.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
            clamped.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1200));
            clamped.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
            assertEquals(1200, clamped.connection().controlBlock().sendMss);
        } finally {
            clamped.close();
        }
    }

    @Test
    void timestampsEchoTheLatestInOrderTsVal() {
        acceptWithAllOptions();
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).ts(500, 0).len(3000).win(512));
        script.expectSend(tcp().ack().ack(PEER_ISS + 3001).tsEcr(500));
    }

    @Test
    void pawsDropsASegmentWithAnOlderTimestampAndAcknowledges() {
        acceptWithAllOptions();
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).ts(50, 0).len(100).win(512));
        script.expectSend(tcp().ack().ack(PEER_ISS + 1).tsEcr(101));
        assertEquals(0, script.application().receivedBytes().length);
        assertEquals(1, script.engine().counters().get(TcpCounter.PAWS_REJECTED));
    }

    @Test
    void sackPermittedIsOnlyOnWhenThePeerOffersIt() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).ts(7, 0).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).noSackPermitted().tsEcr(7));
    }
}
