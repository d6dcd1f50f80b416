package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9293 3.6: closing in every order. TIME-WAIT lasts 2 * MSL = 60 s by default. */
class CloseTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    @Test
    void activeCloseGoesThroughFinWait2AndTimeWait() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER));
        assertEquals(TcpState.FIN_WAIT_1, connection.state());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1));
        assertEquals(TcpState.TIME_WAIT, connection.state());
        assertTrue(script.application().isClosed());
        assertNull(script.application().closeCause());
    }

    @Test
    void timeWaitEndsAfterTwoMsl() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().fin().ack().seq(OURS));
        script.expectSend(tcp().ack().ack(PEER + 1));
        assertEquals(TcpState.TIME_WAIT, connection.state());
        script.advanceMillis(59_999);
        assertEquals(1, script.engine().connectionCount());
        script.advanceMillis(1);
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void retransmittedFinInTimeWaitIsAcknowledgedAndRestartsTheTimer() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack());
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().ack().ack(PEER + 1));
        script.advanceMillis(30_000);
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1));
        script.advanceMillis(59_999);
        assertEquals(TcpState.TIME_WAIT, connection.state());
        script.advanceMillis(1);
        assertEquals(TcpState.CLOSED, connection.state());
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER + 1));
        assertEquals(TcpState.CLOSE_WAIT, connection.state());
        assertTrue(script.application().peerShutdown());
        assertFalse(script.application().isClosed());
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER + 1));
        assertEquals(TcpState.LAST_ACK, connection.state());
        script.receive(tcp().ack().seq(PEER + 1).ack(OURS + 1));
        assertEquals(TcpState.CLOSED, connection.state());
        assertTrue(script.application().isClosed());
        assertNull(script.application().closeCause());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER));
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1));
        assertEquals(TcpState.CLOSING, connection.state());
        script.receive(tcp().ack().seq(PEER + 1).ack(OURS + 1));
        assertEquals(TcpState.TIME_WAIT, connection.state());
    }

    @Test
    void finAcknowledgingOurFinGoesStraightToTimeWait() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack());
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().ack().ack(PEER + 1));
        assertEquals(TcpState.TIME_WAIT, connection.state());
    }

    @Test
    void halfClosedConnectionKeepsReceivingData() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.shutdownOutput();
        script.expectSend(tcp().fin().ack().seq(OURS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1).data("still talking"));
        assertEquals("still talking", script.application().receivedText());
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
    }

    @Test
    void peerHalfCloseStillLetsUsSend() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().ack(PEER + 1));
        connection.write(Unpooled.copiedBuffer("reply", StandardCharsets.US_ASCII));
        connection.flush();
        script.expectSend(tcp().ack().psh().seq(OURS).ack(PEER + 1).data("reply"));
    }

    @Test
    void finIsSentAfterQueuedDataOnTheLastSegment() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII));
        connection.close();
        script.expectSend(tcp().fin().ack().psh().seq(OURS).data("bye"));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 4));
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
    }

    @Test
    void outOfOrderFinWaitsForTheDataBeforeIt() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        script.receive(tcp().fin().ack().seq(PEER + 3).ack(OURS));
        script.expectSend(tcp().ack().ack(PEER));
        assertEquals(TcpState.ESTABLISHED, connection.state());
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("abc"));
        assertEquals(TcpState.CLOSE_WAIT, connection.state());
        script.expectSend(tcp().ack().ack(PEER + 4));
    }

    @Test
    void lingerZeroCloseSendsReset() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setLingerZero(true);
        connection.close();
        script.expectSend(tcp().rst().ack().seq(OURS));
        assertEquals(TcpState.CLOSED, connection.state());
    }

    @Test
    void closeWithUnreadDataSendsReset() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setAutoRead(false);
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("unread"));
        connection.close();
        script.expectSend(tcp().rst().ack().seq(OURS).ack(PEER + 6));
        assertEquals(TcpState.CLOSED, connection.state());
    }

    @Test
    void finIsRetransmittedWhenNotAcknowledged() {
        Handshakes.acceptPlain(script);
        script.connection().close();
        script.expectSend(tcp().fin().ack().seq(OURS));
        script.advanceMillis(200);
        script.expectSend(tcp().fin().ack().seq(OURS));
    }

    @Test
    void dataArrivingAfterCloseIsAnsweredWithReset() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS));
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1).data("late"));
        script.expectSend(tcp().rst().ack().seq(OURS + 1));
        assertEquals(TcpState.CLOSED, connection.state());
    }
}
