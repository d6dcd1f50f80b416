package io.usertcp.tcp.script;

import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import io.usertcp.testing.script.TcpSegmentSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FreeBSD tcp-testsuite state-event matrix for the states before synchronization: CLOSED (RFC 9293
 * 3.10.7.1), LISTEN (3.10.7.2), SYN-SENT (3.10.7.3) and SYN-RECEIVED (3.10.7.4 with RFC 5961), the last both
 * after a passive open and after a simultaneous open, since a RST or SYN treats them differently. Each case
 * injects one of {SYN, SYN-ACK, ACK, FIN, FIN-ACK, RST, RST-ACK, SYN-FIN} at one of four positions and checks
 * the exact segment sent in reply (or that none is) and the state afterwards. The expected outcome is derived
 * in {@link #expected} from the RFC text, independently of the engine.
 *
 * <p>What the four positions mean, per state (ISS is our initial sequence number, {@link Handshakes#OUR_ISS}):
 * <ul>
 *   <li>SYN-RECEIVED has a receive window, RCV.NXT = the peer's ISS + 1 and RCV.WND = 65535 (the SYN-ACK's
 *   window), so the positions place SEG.SEQ: <b>left edge</b> SEG.SEQ = RCV.NXT; <b>right edge</b> SEG.SEQ =
 *   RCV.NXT + RCV.WND - 1 (the last byte in the window, across the 2^32 wrap); <b>outside left</b> the
 *   segment's last sequence number is RCV.NXT - 1 (SEG.SEQ = RCV.NXT - SEG.LEN, or RCV.NXT - 1 when SEG.LEN =
 *   0); <b>outside right</b> SEG.SEQ = RCV.NXT + RCV.WND. Segments with ACK acknowledge our SYN (SEG.ACK =
 *   ISS + 1).</li>
 *   <li>SYN-SENT has no receive window yet; RFC 9293 3.10.7.3 judges the ACK field against the range
 *   ISS &lt; SEG.ACK =&lt; SND.NXT, so the positions place SEG.ACK: <b>outside left</b> SEG.ACK = ISS;
 *   <b>left edge</b> SEG.ACK = ISS + 1 (SND.UNA + 1, the least acceptable); <b>right edge</b> SEG.ACK = SND.NXT
 *   (also ISS + 1: in SYN-SENT the range holds exactly one number), here with SEG.SEQ = 2^32 - 1 so the
 *   IRS sits at the top of the sequence space; <b>outside right</b> SEG.ACK = SND.NXT + 1.</li>
 *   <li>LISTEN and CLOSED have no sequence state at all; the positions use the same SEG.SEQ and SEG.ACK values
 *   as SYN-SENT, relative to the ISS the stack would choose, and show that the answer depends on none of
 *   them (any ACK is wrong in LISTEN, RFC 9293 3.10.7.2).</li>
 * </ul>
 * "LISTEN" as an outcome means no connection is left in the table and the listener takes the next SYN.
 */
class HandshakeStateMatrixTest {
    private static final int WINDOW = 65535;
    /** RCV.NXT in SYN-RECEIVED. */
    private static final int RCV_NXT = PEER_ISS + 1;
    /** SND.NXT once our SYN is out. */
    private static final int SND_NXT = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** Where the matrix starts. */
    enum Start {
        CLOSED("CLOSED"),
        LISTEN("LISTEN"),
        SYN_SENT("SYN-SENT"),
        SYN_RECEIVED_PASSIVE("SYN-RECEIVED (passive open)"),
        SYN_RECEIVED_ACTIVE("SYN-RECEIVED (simultaneous open)");

        final String label;

        Start(String label) {
            this.label = label;
        }

        boolean synReceived() {
            return this == SYN_RECEIVED_PASSIVE || this == SYN_RECEIVED_ACTIVE;
        }
    }

    /** The eight segment kinds of the FreeBSD matrix. */
    enum Kind {
        SYN("SYN", TcpFlags.SYN),
        SYN_ACK("SYN-ACK", TcpFlags.SYN | TcpFlags.ACK),
        ACK("ACK", TcpFlags.ACK),
        FIN("FIN", TcpFlags.FIN),
        FIN_ACK("FIN-ACK", TcpFlags.FIN | TcpFlags.ACK),
        RST("RST", TcpFlags.RST),
        RST_ACK("RST-ACK", TcpFlags.RST | TcpFlags.ACK),
        SYN_FIN("SYN-FIN", TcpFlags.SYN | TcpFlags.FIN);

        final String label;
        final int flags;

        Kind(String label, int flags) {
            this.label = label;
            this.flags = flags;
        }

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** Sequence space the segment occupies (no payload). */
        int length() {
            return (has(TcpFlags.SYN) ? 1 : 0) + (has(TcpFlags.FIN) ? 1 : 0);
        }
    }

    enum Position {
        LEFT_EDGE("left edge"),
        RIGHT_EDGE("right edge"),
        OUTSIDE_LEFT("outside left"),
        OUTSIDE_RIGHT("outside right");

        final String label;

        Position(String label) {
            this.label = label;
        }

        boolean inside() {
            return this == LEFT_EDGE || this == RIGHT_EDGE;
        }
    }

    /** What the stack must do: the reply (null: nothing) and the state after. */
    record Outcome(TcpSegmentSpec reply, TcpState state, boolean refused) {
        static Outcome silent(TcpState state) {
            return new Outcome(null, state, false);
        }

        static Outcome reply(TcpSegmentSpec reply, TcpState state) {
            return new Outcome(reply, state, false);
        }

        @Override
        public String toString() {
            String sent = reply == null ? "nothing sent" : "sends " + reply;
            return sent + ", then " + state + (refused ? " (connection refused)" : "");
        }
    }

    record Case(Start start, Kind kind, Position position, int seq, int ack, Outcome expected) {
        @Override
        public String toString() {
            return start.label + " <- " + kind.label + " at " + position.label + " (seq "
                    + Integer.toUnsignedString(seq) + (kind.has(TcpFlags.ACK) ? ", ack "
                    + Integer.toUnsignedString(ack) : "") + "): " + expected;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Start start : Start.values()) {
            for (Kind kind : Kind.values()) {
                for (Position position : Position.values()) {
                    int seq = sequenceNumber(start, kind, position);
                    int ack = acknowledgmentNumber(start, position);
                    cases.add(new Case(start, kind, position, seq, ack, expected(start, kind, position, seq, ack)));
                }
            }
        }
        return cases;
    }

    private static int sequenceNumber(Start start, Kind kind, Position position) {
        if (start.synReceived()) {
            switch (position) {
                case LEFT_EDGE:
                    return RCV_NXT;
                case RIGHT_EDGE:
                    return RCV_NXT + WINDOW - 1;
                case OUTSIDE_LEFT:
                    return RCV_NXT - Math.max(kind.length(), 1);
                default:
                    return RCV_NXT + WINDOW;
            }
        }
        return position == Position.RIGHT_EDGE ? 0xFFFF_FFFF : PEER_ISS;
    }

    private static int acknowledgmentNumber(Start start, Position position) {
        if (start.synReceived()) {
            return SND_NXT;
        }
        switch (position) {
            case OUTSIDE_LEFT:
                return OUR_ISS;
            case OUTSIDE_RIGHT:
                return SND_NXT + 1;
            default:
                return SND_NXT;
        }
    }

    /** The RFC's answer, state by state. */
    private static Outcome expected(Start start, Kind kind, Position position, int seq, int ack) {
        boolean rst = kind.has(TcpFlags.RST);
        boolean syn = kind.has(TcpFlags.SYN);
        boolean hasAck = kind.has(TcpFlags.ACK);
        boolean fin = kind.has(TcpFlags.FIN);
        switch (start) {
            case CLOSED:
                // 3.10.7.1: a RST is discarded; otherwise <SEQ=SEG.ACK><CTL=RST>, or
                // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> when the segment had no ACK
                if (rst) {
                    return Outcome.silent(TcpState.CLOSED);
                }
                return Outcome.reply(hasAck ? tcp().rst().seq(ack) : tcp().rst().seq(0).ack(seq + kind.length()),
                        TcpState.CLOSED);
            case LISTEN:
                // 3.10.7.2: RST ignored; any ACK is bad: <SEQ=SEG.ACK><CTL=RST>; a SYN opens SYN-RECEIVED with
                // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> (the FIN of a SYN-FIN is left for later, so not ACKed);
                // anything else is dropped
                if (rst) {
                    return Outcome.silent(TcpState.LISTEN);
                }
                if (hasAck) {
                    return Outcome.reply(tcp().rst().seq(ack), TcpState.LISTEN);
                }
                if (syn) {
                    return Outcome.reply(tcp().syn().seq(OUR_ISS).ack(seq + 1), TcpState.SYN_RECEIVED);
                }
                return Outcome.silent(TcpState.LISTEN);
            case SYN_SENT: {
                boolean acceptableAck = position.inside();
                // 3.10.7.3 first: an ACK outside ISS < SEG.ACK =< SND.NXT gets <SEQ=SEG.ACK><CTL=RST> unless
                // the segment is itself a RST, which is dropped
                if (hasAck && !acceptableAck) {
                    return rst ? Outcome.silent(TcpState.SYN_SENT)
                            : Outcome.reply(tcp().rst().seq(ack), TcpState.SYN_SENT);
                }
                // Second: a RST counts only with an acceptable ACK (RFC 5961 3.2 keeps this rule)
                if (rst) {
                    return hasAck ? new Outcome(null, TcpState.CLOSED, true) : Outcome.silent(TcpState.SYN_SENT);
                }
                // Fourth: a SYN with our SYN acknowledged establishes and is ACKed; without ACK it is a
                // simultaneous open: SYN-RECEIVED and <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
                if (syn) {
                    return hasAck ? Outcome.reply(tcp().ack().seq(SND_NXT).ack(seq + 1), TcpState.ESTABLISHED)
                            : Outcome.reply(tcp().syn().seq(OUR_ISS).ack(seq + 1), TcpState.SYN_RECEIVED);
                }
                // Fifth: neither SYN nor RST: dropped
                return Outcome.silent(TcpState.SYN_SENT);
            }
            default:
                return synReceived(start == Start.SYN_RECEIVED_PASSIVE, kind, position, rst, syn, hasAck, fin);
        }
    }

    private static Outcome synReceived(boolean passive, Kind kind, Position position, boolean rst, boolean syn,
                                       boolean hasAck, boolean fin) {
        TcpSegmentSpec ack = tcp().ack().seq(SND_NXT).ack(RCV_NXT);
        if (!position.inside()) {
            // 3.10.7.4 first: unacceptable, so an ACK unless it is a RST. A bare SYN is the peer repeating
            // its SYN because our SYN-ACK was lost: the SYN-ACK goes again, which is what it needs
            if (rst) {
                return Outcome.silent(TcpState.SYN_RECEIVED);
            }
            if (syn && !hasAck) {
                return Outcome.reply(tcp().syn().seq(OUR_ISS).ack(RCV_NXT), TcpState.SYN_RECEIVED);
            }
            return Outcome.reply(ack, TcpState.SYN_RECEIVED);
        }
        if (rst) {
            // RFC 5961 3.2: exactly RCV.NXT resets; elsewhere a challenge ACK. A passive open returns to
            // LISTEN quietly, an active one reports "connection refused" (RFC 9293 3.10.7.4 second)
            if (position == Position.LEFT_EDGE) {
                return passive ? Outcome.silent(TcpState.LISTEN) : new Outcome(null, TcpState.CLOSED, true);
            }
            return Outcome.reply(ack, TcpState.SYN_RECEIVED);
        }
        if (syn) {
            // Fourth: a passive SYN-RECEIVED returns to LISTEN; otherwise RFC 5961 4.2 challenge ACK
            return passive ? Outcome.silent(TcpState.LISTEN) : Outcome.reply(ack, TcpState.SYN_RECEIVED);
        }
        if (!hasAck) {
            // Fifth: without ACK the segment is dropped
            return Outcome.silent(TcpState.SYN_RECEIVED);
        }
        // SEG.ACK = ISS + 1 is acceptable: ESTABLISHED. A FIN at RCV.NXT then moves to CLOSE-WAIT and is
        // ACKed; a FIN beyond RCV.NXT waits for the data before it, and the gap is ACKed at once
        if (!fin) {
            return Outcome.silent(TcpState.ESTABLISHED);
        }
        if (position == Position.LEFT_EDGE) {
            return Outcome.reply(tcp().ack().seq(SND_NXT).ack(RCV_NXT + 1), TcpState.CLOSE_WAIT);
        }
        return Outcome.reply(ack, TcpState.ESTABLISHED);
    }

    /** Brings the script to {@code start}; returns the connection under test (null for CLOSED and LISTEN). */
    private TcpConnection bringTo(Start start) {
        switch (start) {
            case CLOSED:
                return null;
            case LISTEN:
                script.listen();
                return null;
            case SYN_SENT:
                script.connect();
                script.expectSend(tcp().syn().seq(OUR_ISS));
                return script.connection();
            case SYN_RECEIVED_PASSIVE:
                script.listen();
                script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(WINDOW));
                script.expectSend(tcp().syn().seq(OUR_ISS).ack(RCV_NXT).win(WINDOW));
                return connectionOn(TcpScript.LOCAL_PORT);
            default:
                script.connect();
                script.expectSend(tcp().syn().seq(OUR_ISS));
                script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(WINDOW));
                script.expectSend(tcp().syn().seq(OUR_ISS).ack(RCV_NXT).win(WINDOW));
                return script.connection();
        }
    }

    /** The injected segment: the kind's control bits, SEG.ACK only when the kind carries ACK. */
    static TcpSegmentSpec segment(Kind kind, int seq, int ack) {
        TcpSegmentSpec spec = tcp().seq(seq).win(WINDOW);
        if (kind.has(TcpFlags.SYN)) {
            spec.syn();
        }
        if (kind.has(TcpFlags.ACK)) {
            spec.ack(ack);
        }
        if (kind.has(TcpFlags.FIN)) {
            spec.fin();
        }
        if (kind.has(TcpFlags.RST)) {
            spec.rst();
        }
        return spec;
    }

    private TcpConnection connectionOn(int localPort) {
        return script.engine().connection(TcpScript.LOCAL_ADDRESS, localPort, TcpScript.REMOTE_ADDRESS,
                TcpScript.REMOTE_PORT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void segmentArrivesBeforeSynchronization(Case c) {
        TcpConnection before = bringTo(c.start());
        int localPort = before == null ? TcpScript.LOCAL_PORT : before.localPort();
        script.expectNothing();

        script.receive(segment(c.kind(), c.seq(), c.ack()));

        Outcome expected = c.expected();
        if (expected.reply() != null) {
            script.expectSend(expected.reply());
        }
        script.expectNothing();
        TcpConnection after = connectionOn(localPort);
        switch (expected.state()) {
            case CLOSED:
                assertNull(after, "no connection left");
                if (before != null) {
                    assertEquals(TcpState.CLOSED, before.state());
                    assertTrue(script.application().isClosed());
                }
                if (expected.refused()) {
                    assertInstanceOf(ConnectException.class, script.application().closeCause());
                    assertEquals("Connection refused", script.application().closeCause().getMessage());
                }
                break;
            case LISTEN:
                assertNull(after, "no connection left");
                assertEquals(0, script.engine().connectionCount());
                assertFalse(script.application().isClosed(), "a passive open is not the application's yet");
                assertListenerTakesTheNextSyn();
                break;
            default:
                assertNotNull(after, "connection kept");
                assertEquals(expected.state(), after.state());
                if (expected.state() == TcpState.ESTABLISHED || expected.state() == TcpState.CLOSE_WAIT) {
                    assertTrue(script.application().isEstablished());
                }
                break;
        }
    }

    private void assertListenerTakesTheNextSyn() {
        script.receive(tcp().syn().seq(12345).win(WINDOW).sourcePort(TcpScript.REMOTE_PORT + 1));
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(12346).destinationPort(TcpScript.REMOTE_PORT + 1));
    }
}
