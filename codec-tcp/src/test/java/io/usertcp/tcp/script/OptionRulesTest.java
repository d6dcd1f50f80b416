package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which options go on which segments (RFC 9293 3.7.1, RFC 7323 2.2 and 3.2, RFC 2018 2 and 4), and options a
 * peer puts where they do not belong. Sequence numbers start near 2^32 on both sides.
 */
class OptionRulesTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void acceptWithEveryOption() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).ws(2).sackPermitted().ts(100, 0).win(65535));
        script.expectSend(tcp().syn().ack(PEER).mss(1460).ws(3).sackPermitted().tsEcr(100));
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(101, 0).win(65535));
    }

    /**
     * Every kind of segment a connection sends after its SYN: data, a delayed ACK, an immediate ACK with
     * SACK blocks, a challenge ACK, a retransmission, and the FIN. Returns them all.
     */
    private List<SentSegment> everyKindOfSegment() {
        TcpConnection connection = script.connection();
        List<SentSegment> sent = new ArrayList<>();
        connection.write(Unpooled.wrappedBuffer(new byte[1500]));
        connection.flush();
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(102, 0).len(10).win(65535));
        script.advanceMillis(40);
        script.receive(tcp().ack().seq(PEER + 100).ack(OURS).ts(103, 0).len(10).win(65535));
        script.receive(tcp().rst().seq(PEER + 500));
        connection.shutdownOutput();
        // No RTT sample yet (the handshake ACK echoed no timestamp): the first RTO is the initial 1 s
        script.advanceMillis(1100);
        while (script.pendingSent() > 0) {
            sent.add(script.nextSent());
        }
        assertTrue(sent.size() >= 6, "sent " + sent);
        assertTrue(sent.stream().anyMatch(s -> s.has(TcpFlags.FIN)));
        assertTrue(sent.stream().anyMatch(s -> s.sackEdges().length > 0));
        assertTrue(sent.stream().filter(s -> s.seq() == OURS && s.payloadLength() > 0).count() >= 2, "retransmission");
        return sent;
    }

    @Test
    void mssOptionIsSentOnlyOnTheSyn() {
        acceptWithEveryOption();
        for (SentSegment segment : everyKindOfSegment()) {
            assertEquals(-1, segment.mss(), segment.toString());
        }
    }

    @Test
    void windowScaleOptionIsSentOnlyOnTheSyn() {
        acceptWithEveryOption();
        for (SentSegment segment : everyKindOfSegment()) {
            assertEquals(-1, segment.windowScale(), segment.toString());
        }
    }

    @Test
    void sackPermittedIsSentOnlyOnTheSyn() {
        acceptWithEveryOption();
        for (SentSegment segment : everyKindOfSegment()) {
            assertFalse(segment.sackPermitted(), segment.toString());
        }
    }

    @Test
    void timestampsAreOnEverySegmentOnceAgreed() {
        acceptWithEveryOption();
        for (SentSegment segment : everyKindOfSegment()) {
            // RFC 7323 3.2: every segment but a RST
            assertTrue(segment.hasTimestamps(), segment.toString());
        }
    }

    @Test
    void mssOptionOutsideTheSynIsIgnored() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).mss(100).win(65535));
        assertEquals(MSS, script.connection().controlBlock().sendMss);
        script.connection().write(Unpooled.wrappedBuffer(new byte[MSS]));
        script.connection().flush();
        script.expectSend(tcp().ack().seq(OURS).len(MSS));
    }

    @Test
    void windowScaleOptionOutsideTheSynIsIgnored() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).ws(7).win(1000));
        assertEquals(0, script.connection().controlBlock().sndShift);
        assertEquals(1000, script.connection().controlBlock().sndWnd);
    }

    @Test
    void sackPermittedOutsideTheSynIsIgnored() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).sackPermitted().win(65535));
        script.receive(tcp().ack().seq(PEER + 500).ack(OURS).len(100).win(65535));
        script.expectSend(tcp().ack().ack(PEER).noSack());
        assertFalse(script.connection().controlBlock().sackPermitted);
    }

    /** Five non-adjacent out-of-order pieces, each acknowledged at once; returns the last ACK. */
    private SentSegment fiveHoles(boolean timestamps) {
        script.listen();
        if (timestamps) {
            script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().ts(1, 0).win(65535));
        } else {
            script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        }
        script.expectSend(tcp().syn().ack(PEER).sackPermitted());
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(2, 0).win(65535));
        SentSegment last = null;
        for (int piece = 1; piece <= 5; piece++) {
            script.receive(tcp().ack().seq(PEER + 1000 * piece).ack(OURS).ts(2 + piece, 0).len(100).win(65535));
            last = script.expectSend(tcp().ack().ack(PEER));
        }
        script.expectNothing();
        return last;
    }

    private static int[] block(int piece) {
        return new int[] {PEER + 1000 * piece, PEER + 1000 * piece + 100};
    }

    private static int[] blocks(int... pieces) {
        int[] edges = new int[2 * pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            System.arraycopy(block(pieces[i]), 0, edges, 2 * i, 2);
        }
        return edges;
    }

    @Test
    void atMostFourSackBlocksAreSentNewestFirst() {
        SentSegment ack = fiveHoles(false);
        assertEquals(java.util.Arrays.toString(blocks(5, 4, 3, 2)), java.util.Arrays.toString(ack.sackEdges()));
    }

    @Test
    void atMostThreeSackBlocksAreSentBesideTimestamps() {
        SentSegment ack = fiveHoles(true);
        assertTrue(ack.hasTimestamps());
        assertEquals(java.util.Arrays.toString(blocks(5, 4, 3)), java.util.Arrays.toString(ack.sackEdges()));
    }
}
