package io.usertcp.tcp.script;

import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.script.HandshakeStateMatrixTest.Kind;
import io.usertcp.tcp.script.HandshakeStateMatrixTest.Position;
import io.usertcp.testing.script.TcpScript;
import io.usertcp.testing.script.TcpSegmentSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cells of the synchronized-state matrix that {@link SynchronizedStateMatrixTest} leaves open: together
 * they cover every synchronized state x {SYN, SYN-ACK, ACK, FIN, FIN-ACK, RST, RST-ACK, SYN-FIN} x {left
 * edge, right edge, outside left, outside right}. That class has RST at all four positions, RST-ACK, SYN at
 * the left edge, SYN-FIN outside left, ACK and FIN-ACK outside right; this one has the other 23 cells per state.
 *
 * <p>Positions place SEG.SEQ against the receive window RCV.NXT .. RCV.NXT + RCV.WND - 1 (RCV.WND = 65535,
 * RCV.NXT just past 2^32): <b>left edge</b> SEG.SEQ = RCV.NXT; <b>right edge</b> SEG.SEQ = RCV.NXT + RCV.WND
 * - 1; <b>outside left</b> the segment ends just before RCV.NXT (SEG.SEQ = RCV.NXT - max(SEG.LEN, 1));
 * <b>outside right</b> SEG.SEQ = RCV.NXT + RCV.WND. Segments with ACK carry SEG.ACK = SND.NXT, so an
 * acceptable one acknowledges our FIN where one is outstanding (FIN-WAIT-1, CLOSING, LAST-ACK).
 *
 * <p>Expectations (RFC 9293 3.10.7.4, RFC 5961): outside the window, an ACK unless the segment is a RST
 * (which is dropped); in the window, a RST not at RCV.NXT and any SYN get a challenge ACK, a segment without
 * ACK is dropped, an ACK moves the closing states on, and a FIN at RCV.NXT is taken and acknowledged while a
 * FIN beyond it waits with an immediate ACK. One choice beyond the RFC text, as Linux: once an ACK has taken
 * CLOSING to TIME-WAIT or LAST-ACK to CLOSED, the rest of that segment (here its FIN) is not processed, so
 * nothing is sent.
 */
class SynchronizedStateEdgeMatrixTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int WINDOW = 65535;
    private static final Set<TcpState> SYNCHRONIZED = EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1,
            TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK, TcpState.TIME_WAIT);

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    record Outcome(TcpSegmentSpec reply, TcpState state) {
        @Override
        public String toString() {
            return (reply == null ? "nothing sent" : "sends " + reply) + ", then " + state;
        }
    }

    record Case(TcpState state, Kind kind, Position position, Outcome expected) {
        @Override
        public String toString() {
            return state + " <- " + kind.label + " at " + position.label + ": " + expected;
        }
    }

    /** Cells {@link SynchronizedStateMatrixTest} already proves for every synchronized state. */
    private static boolean coveredElsewhere(Kind kind, Position position) {
        switch (kind) {
            case RST:
                return true;
            case RST_ACK:
            case SYN:
                return position == Position.LEFT_EDGE;
            case SYN_FIN:
                return position == Position.OUTSIDE_LEFT;
            case ACK:
            case FIN_ACK:
                return position == Position.OUTSIDE_RIGHT;
            default:
                return false;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (TcpState state : SYNCHRONIZED) {
            for (Kind kind : Kind.values()) {
                for (Position position : Position.values()) {
                    if (!coveredElsewhere(kind, position)) {
                        cases.add(new Case(state, kind, position, expected(state, kind, position)));
                    }
                }
            }
        }
        return cases;
    }

    private static boolean peerFinReceived(TcpState state) {
        return state == TcpState.CLOSE_WAIT || state == TcpState.CLOSING || state == TcpState.LAST_ACK
                || state == TcpState.TIME_WAIT;
    }

    private static boolean ourFinSent(TcpState state) {
        return state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT;
    }

    private static int rcvNxt(TcpState state) {
        return peerFinReceived(state) ? PEER + 1 : PEER;
    }

    private static int sndNxt(TcpState state) {
        return ourFinSent(state) ? OURS + 1 : OURS;
    }

    private static int sequenceNumber(TcpState state, Kind kind, Position position) {
        int rcvNxt = rcvNxt(state);
        switch (position) {
            case LEFT_EDGE:
                return rcvNxt;
            case RIGHT_EDGE:
                return rcvNxt + WINDOW - 1;
            case OUTSIDE_LEFT:
                return rcvNxt - Math.max(kind.length(), 1);
            default:
                return rcvNxt + WINDOW;
        }
    }

    private static Outcome expected(TcpState state, Kind kind, Position position) {
        TcpSegmentSpec ack = tcp().ack().seq(sndNxt(state)).ack(rcvNxt(state));
        boolean rst = kind.has(TcpFlags.RST);
        if (!position.inside()) {
            // First: unacceptable. <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless RST
            return new Outcome(rst ? null : ack, state);
        }
        if (rst || kind.has(TcpFlags.SYN)) {
            // RFC 5961 3.2 (RST in the window, not at RCV.NXT) and 4.2 (any SYN): challenge ACK
            return new Outcome(ack, state);
        }
        if (!kind.has(TcpFlags.ACK)) {
            // Fifth: no ACK, dropped
            return new Outcome(null, state);
        }
        // Fifth: SEG.ACK = SND.NXT acknowledges our FIN where it is outstanding
        TcpState afterAck = state;
        switch (state) {
            case FIN_WAIT_1:
                afterAck = TcpState.FIN_WAIT_2;
                break;
            case CLOSING:
                return new Outcome(null, TcpState.TIME_WAIT);
            case LAST_ACK:
                return new Outcome(null, TcpState.CLOSED);
            default:
                break;
        }
        if (!kind.has(TcpFlags.FIN)) {
            return new Outcome(null, afterAck);
        }
        // Eighth: the FIN
        if (position == Position.RIGHT_EDGE) {
            // Beyond RCV.NXT: it waits for the data before it (or, with the peer's FIN already taken, is
            // bogus); either way RCV.NXT is ACKed at once
            return new Outcome(ack, afterAck);
        }
        switch (afterAck) {
            case ESTABLISHED:
                return new Outcome(tcp().ack().seq(sndNxt(state)).ack(rcvNxt(state) + 1), TcpState.CLOSE_WAIT);
            case FIN_WAIT_2:
                return new Outcome(tcp().ack().seq(sndNxt(state)).ack(rcvNxt(state) + 1), TcpState.TIME_WAIT);
            default:
                // CLOSE-WAIT and TIME-WAIT have the peer's FIN already: acknowledged, state kept (TIME-WAIT
                // restarts its 2 MSL)
                return new Outcome(ack, afterAck);
        }
    }

    /** Brings the scripted connection to {@code state}, leaving nothing unconsumed. */
    private TcpConnection bringTo(TcpState state) {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        if (ourFinSent(state) && state != TcpState.LAST_ACK) {
            connection.shutdownOutput();
            script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER));
        }
        switch (state) {
            case FIN_WAIT_2:
                script.receive(tcp().ack().seq(PEER).ack(OURS + 1));
                break;
            case CLOSE_WAIT:
            case CLOSING:
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
                script.expectSend(tcp().ack().ack(PEER + 1));
                break;
            case LAST_ACK:
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS));
                script.expectSend(tcp().ack().ack(PEER + 1));
                connection.shutdownOutput();
                script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER + 1));
                break;
            case TIME_WAIT:
                script.receive(tcp().fin().ack().seq(PEER).ack(OURS + 1));
                script.expectSend(tcp().ack().ack(PEER + 1));
                break;
            default:
                break;
        }
        assertEquals(state, connection.state());
        script.expectNothing();
        return connection;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void segmentArrivesInASynchronizedState(Case c) {
        TcpConnection connection = bringTo(c.state());

        script.receive(HandshakeStateMatrixTest.segment(c.kind(), sequenceNumber(c.state(), c.kind(), c.position()),
                sndNxt(c.state())));

        if (c.expected().reply() != null) {
            script.expectSend(c.expected().reply());
        }
        script.expectNothing();
        assertEquals(c.expected().state(), connection.state());
        if (c.expected().state() == TcpState.CLOSED) {
            assertNull(script.engine().connection(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT,
                    TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT));
            assertTrue(script.application().isClosed());
            assertNull(script.application().closeCause(), "LAST-ACK ends cleanly");
        }
    }
}
