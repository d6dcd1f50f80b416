package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Control segments at the edges of the window in every synchronized state (the FreeBSD tcp-testsuite matrix,
 * for the rules RFC 9293 3.10.7.4 and RFC 5961 apply to all of them alike). The receive window is 65535.
 */
class SynchronizedStateMatrixTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int WINDOW = 65535;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);
    private int rcvNxt;
    private int sndNxt;

    @AfterEach
    void close() {
        script.close();
    }

    /** Brings the scripted connection to {@code state} and leaves nothing unconsumed. */
    private TcpConnection bringTo(TcpState state) {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        rcvNxt = PEER;
        sndNxt = OURS;
        switch (state) {
            case ESTABLISHED:
                break;
            case FIN_WAIT_1:
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack());
                sndNxt = OURS + 1;
                break;
            case FIN_WAIT_2:
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack());
                script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
                sndNxt = OURS + 1;
                break;
            case CLOSE_WAIT:
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
                script.expectSend(tcp().ack().ack(PEER + 1));
                rcvNxt = PEER + 1;
                break;
            case CLOSING:
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack());
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
                script.expectSend(tcp().ack().ack(PEER + 1));
                rcvNxt = PEER + 1;
                sndNxt = OURS + 1;
                break;
            case LAST_ACK:
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
                script.expectSend(tcp().ack().ack(PEER + 1));
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack());
                rcvNxt = PEER + 1;
                sndNxt = OURS + 1;
                break;
            case TIME_WAIT:
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack());
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
                script.expectSend(tcp().ack().ack(PEER + 1));
                rcvNxt = PEER + 1;
                sndNxt = OURS + 1;
                break;
            default:
                throw new IllegalArgumentException(state.toString());
        }
        assertEquals(state, connection.state());
        script.expectNothing();
        return connection;
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void resetLeftOfTheWindowIsIgnored(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().rst().seq(rcvNxt - 1));
        script.expectNothing();
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void resetRightOfTheWindowIsIgnored(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().rst().seq(rcvNxt + WINDOW));
        script.expectNothing();
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void resetAtTheRightEdgeGetsAChallengeAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().rst().seq(rcvNxt + WINDOW - 1));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void resetAtTheLeftEdgeCloses(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().rst().seq(rcvNxt));
        script.expectNothing();
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(0, script.engine().connectionCount());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void resetWithAckAtTheLeftEdgeCloses(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().rst().ack().seq(rcvNxt).ack(sndNxt));
        assertEquals(TcpState.CLOSED, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void synAtTheLeftEdgeGetsAChallengeAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().syn().seq(rcvNxt));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void synAckInsideTheWindowGetsAChallengeAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().syn().ack().seq(rcvNxt + 100).ack(sndNxt));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void synFinLeftOfTheWindowIsAnsweredWithAnAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().syn().fin().seq(rcvNxt - 10));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void ackRightOfTheWindowIsAnsweredWithAnAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().ack().seq(rcvNxt + WINDOW).ack(sndNxt));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void ackOfUnsentDataIsAnsweredWithAnAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().ack().seq(rcvNxt).ack(sndNxt + 1000));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
            "LAST_ACK", "TIME_WAIT"})
    void finRightOfTheWindowIsAnsweredWithAnAck(TcpState state) {
        TcpConnection connection = bringTo(state);
        script.receive(tcp().fin().ack().seq(rcvNxt + WINDOW).ack(sndNxt));
        script.expectSend(tcp().ack().seq(sndNxt).ack(rcvNxt));
        assertEquals(state, connection.state());
    }
}
