package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.tcp.syncookie.SynCookies;
import io.usertcp.testing.script.RecordingConnectionEvents;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SYN cookies (RFC 4987 3.6) and the engine-wide half-open limit: a SYN the SYN queue has no room for gets a
 * stateless cookie SYN-ACK; the ACK returning a valid cookie opens the connection with the options the cookie
 * carried; anything else is answered as an ACK to a listener is (RFC 9293 3.10.7.2). The SYN queue holds one
 * handshake here, which {@link #fillSynQueue} takes, so the script's own peer gets cookies.
 */
class SynCookieTest {
    private static final int FILLER_PORT = 1111;
    private static final long COUNTER_MILLIS = TimeUnit.SECONDS.toMillis(SynCookies.COUNTER_SECONDS);

    private final TcpScript script = new TcpScript(TcpStackConfig.builder().synQueueLimit(1).build(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static long count(TcpScript script, TcpCounter counter) {
        return script.engine().counters().get(counter);
    }

    private long count(TcpCounter counter) {
        return count(script, counter);
    }

    /** A handshake from {@link #FILLER_PORT} left in SYN-RECEIVED: the SYN queue is full. */
    private static void fillSynQueue(TcpScript script) {
        script.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(FILLER_PORT));
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1).destinationPort(FILLER_PORT));
    }

    /** Listens, fills the SYN queue, and sends the peer's SYN with MSS 1460 and no other option; its SYN-ACK. */
    private SentSegment plainCookieSynAck() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        return script.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1460).win(65535).ws(-1).noSackPermitted()
                .noTs());
    }

    private TcpConnection peerConnection() {
        return script.engine().connection(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT, TcpScript.REMOTE_ADDRESS,
                TcpScript.REMOTE_PORT);
    }

    @Test
    void fullSynQueueAnswersWithCookieSynAckAndKeepsNoState() {
        TcpListener listener = script.listen();
        fillSynQueue(script);
        int timers = script.engine().timingWheel().activeCount();
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1460).win(65535));
        assertNotEquals(OUR_ISS, synAck.seq(), "a cookie, not the ISN generator's number");
        assertEquals(1, script.engine().connectionCount());
        assertEquals(1, listener.synQueueLength());
        assertEquals(timers, script.engine().timingWheel().activeCount());
        assertEquals(1, count(TcpCounter.SYN_QUEUE_OVERFLOWS));
        assertEquals(1, count(TcpCounter.SYN_COOKIES_SENT));
        assertEquals(1, count(TcpCounter.PASSIVE_OPENS), "the filler only");
    }

    @Test
    void cookieSynAckIsNeverRetransmitted() {
        plainCookieSynAck();
        script.advanceMillis(900);
        script.expectNothing();
        script.advanceMillis(200);
        // Only the filler's SYN-ACK is sent again
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1).destinationPort(FILLER_PORT));
        script.advanceMillis(60_000);
        while (script.pendingSent() > 0) {
            assertEquals(FILLER_PORT, script.nextSent().destinationPort());
        }
    }

    @Test
    void validCookieAckEstablishesAConnectionThatIsAccepted() {
        SentSegment synAck = plainCookieSynAck();
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        script.expectNothing();
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
        assertTrue(script.application().isEstablished());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_VALIDATED));
        assertEquals(2, script.engine().connectionCount());
        assertEquals(1, script.engine().halfOpenConnectionCount(), "the filler only");
        TcpControlBlock tcb = script.connection().controlBlock();
        assertEquals(PEER_ISS, tcb.irs);
        assertEquals(synAck.seq(), tcb.iss);
        assertEquals(synAck.seq() + 1, tcb.sndUna);
    }

    @Test
    void dataAndFinOnTheCookieAckAreDelivered() {
        SentSegment synAck = plainCookieSynAck();
        script.receive(tcp().ack().fin().seq(PEER_ISS + 1).ack(synAck.seq() + 1).data("hello"));
        script.expectSend(tcp().ack().seq(synAck.seq() + 1).ack(PEER_ISS + 1 + 5 + 1));
        assertEquals("hello", script.application().receivedText());
        assertTrue(script.application().peerShutdown());
        assertEquals(TcpState.CLOSE_WAIT, script.connection().state());
    }

    @Test
    void cookieConnectionSendsAndIsAcknowledged() {
        SentSegment synAck = plainCookieSynAck();
        int ours = synAck.seq() + 1;
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(ours).win(65535));
        script.connection().write(Unpooled.copiedBuffer("reply", StandardCharsets.US_ASCII));
        script.connection().flush();
        script.expectSend(tcp().ack().psh().seq(ours).ack(PEER_ISS + 1).data("reply"));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(ours + 5).win(65535));
        script.expectNothing();
        assertEquals(0, script.connection().sendBufferedBytes());
        assertFalse(script.connection().isTimerArmed(TcpTimerEvent.RETRANSMISSION));
    }

    @Test
    void cookieKeepsMssWindowScaleAndSackWhenTheSynHadTimestamps() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).ws(7).sackPermitted().ts(1000, 0).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1460).ws(3).sackPermitted()
                .tsEcr(1000).win(65535));
        assertEquals(7, SynCookies.windowScale(synAck.tsVal()));
        assertTrue(SynCookies.sackPermitted(synAck.tsVal()));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).ts(1001, synAck.tsVal()).win(100));
        TcpControlBlock tcb = script.connection().controlBlock();
        assertEquals(TcpState.ESTABLISHED, tcb.state);
        assertTrue(tcb.timestamps);
        assertTrue(tcb.windowScaling);
        assertEquals(7, tcb.sndShift);
        assertEquals(3, tcb.rcvShift);
        assertTrue(tcb.sackPermitted);
        assertEquals(1460 - 12, tcb.sendMss);
        assertEquals(100 << 7, tcb.sndWnd);
    }

    @Test
    void cookieConnectionTimestampsContinueFromTheCookieTsVal() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).ws(7).sackPermitted().ts(1000, 0).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.advanceMillis(3);
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).ts(1001, synAck.tsVal()).win(1000));
        script.connection().write(Unpooled.copiedBuffer("reply", StandardCharsets.US_ASCII));
        script.connection().flush();
        SentSegment data = script.expectSend(tcp().ack().seq(synAck.seq() + 1).tsEcr(1001).data("reply"));
        int advance = data.tsVal() - synAck.tsVal();
        // RFC 7323 5.3: TSval never goes back; it moved by the 3 ms plus what the cookie bits took off
        assertTrue(advance >= 3 && advance < 3 + (1 << SynCookies.OPTION_BITS), "TSval advanced by " + advance);
    }

    @Test
    void cookieWithoutTimestampsCarriesOnlyTheMssRoundedDownToTheTable() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1400).ws(7).sackPermitted().win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1).mss(1460).ws(-1).noSackPermitted()
                .noTs());
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(1000));
        TcpControlBlock tcb = script.connection().controlBlock();
        assertEquals(TcpState.ESTABLISHED, tcb.state);
        assertEquals(1380, tcb.sendMss);
        assertFalse(tcb.windowScaling);
        assertEquals(0, tcb.sndShift);
        assertEquals(0, tcb.rcvShift);
        assertFalse(tcb.sackPermitted);
        assertFalse(tcb.timestamps);
        assertEquals(1000, tcb.sndWnd);
    }

    @Test
    void cookieAckStrippedOfTimestampsKeepsOnlyTheMss() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).ws(7).sackPermitted().ts(1000, 0).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1).ws(3).sackPermitted().tsEcr(1000));
        // A middlebox removed the options: nothing carries the window scale or SACK back
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(1000));
        TcpControlBlock tcb = script.connection().controlBlock();
        assertEquals(TcpState.ESTABLISHED, tcb.state);
        assertEquals(1460, tcb.sendMss);
        assertFalse(tcb.timestamps);
        assertFalse(tcb.windowScaling);
        assertFalse(tcb.sackPermitted);
    }

    @Test
    void cookieWithoutMssOptionGivesTheDefault536() {
        script.listen();
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        assertEquals(536, script.connection().controlBlock().sendMss);
    }

    @Test
    void forgedCookieAckIsAnsweredWithResetAndCounted() {
        SentSegment synAck = plainCookieSynAck();
        int forged = synAck.seq() + 1 ^ 0x100;
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(forged).win(65535));
        script.expectSend(tcp().rst().seq(forged));
        assertNull(peerConnection());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_FAILED));
        assertEquals(0, count(TcpCounter.SYN_COOKIES_VALIDATED));
    }

    @Test
    void cookieAckWithAlteredMssIndexIsRejected() {
        SentSegment synAck = plainCookieSynAck();
        int altered = synAck.seq() + 1 ^ 7 << 24;
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(altered).win(65535));
        script.expectSend(tcp().rst().seq(altered));
        assertNull(peerConnection());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_FAILED));
    }

    @Test
    void cookieAckFromAnotherPeerIsnIsRejected() {
        SentSegment synAck = plainCookieSynAck();
        script.receive(tcp().ack().seq(PEER_ISS + 2).ack(synAck.seq() + 1).win(65535));
        script.expectSend(tcp().rst().seq(synAck.seq() + 1));
        assertNull(peerConnection());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_FAILED));
    }

    @Test
    void cookieAckIsAcceptedTwoCounterTicksLater() {
        SentSegment synAck = plainCookieSynAck();
        script.advanceMillis(2 * COUNTER_MILLIS);
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        assertEquals(TcpState.ESTABLISHED, peerConnection().state());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_VALIDATED));
    }

    @Test
    void staleCookieAckIsRejectedAndCounted() {
        SentSegment synAck = plainCookieSynAck();
        script.advanceMillis(4 * COUNTER_MILLIS);
        while (script.pendingSent() > 0) {
            script.nextSent();
        }
        // The filler's handshake timed out meanwhile: a new one fills the queue, and a fresh cookie makes the
        // listener check ACKs for cookies again
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(3333));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).destinationPort(3333));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        script.expectSend(tcp().rst().seq(synAck.seq() + 1));
        assertNull(peerConnection());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_FAILED));
    }

    @Test
    void ackToAListenerWithoutRecentCookiesIsResetWithoutACookieCheck() {
        SentSegment synAck = plainCookieSynAck();
        script.advanceMillis(4 * COUNTER_MILLIS);
        while (script.pendingSent() > 0) {
            script.nextSent();
        }
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        script.expectSend(tcp().rst().seq(synAck.seq() + 1));
        assertEquals(0, count(TcpCounter.SYN_COOKIES_FAILED));
    }

    @Test
    void resetToAListenerSendingCookiesIsIgnored() {
        SentSegment synAck = plainCookieSynAck();
        script.receive(tcp().rst().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1));
        script.expectNothing();
        assertEquals(0, count(TcpCounter.SYN_COOKIES_FAILED));
        assertNull(peerConnection());
    }

    @Test
    void validCookieAckWithAFullAcceptQueueIsDroppedAndCounted() {
        TcpListener listener = script.listenWithoutAccepting(1);
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535).sourcePort(FILLER_PORT));
        assertEquals(1, listener.acceptQueueLength());
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        script.expectNothing();
        assertNull(peerConnection());
        assertEquals(1, count(TcpCounter.SYN_COOKIES_VALIDATED));
        assertEquals(1, count(TcpCounter.ACCEPT_QUEUE_OVERFLOWS));
    }

    @Test
    void synWithFullSynAndAcceptQueuesGetsNoCookie() {
        TcpListener listener = script.listenWithoutAccepting(1);
        fillSynQueue(script);
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(synAck.seq() + 1).win(65535));
        assertEquals(1, listener.acceptQueueLength());
        script.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(3333));
        script.expectNothing();
        assertEquals(1, count(TcpCounter.SYN_COOKIES_SENT));
        assertEquals(2, count(TcpCounter.SYN_QUEUE_OVERFLOWS));
        assertEquals(1, count(TcpCounter.ACCEPT_QUEUE_OVERFLOWS));
    }

    @Test
    void cookiesOffDropsTheSynAsBefore() {
        TcpScript noCookies = new TcpScript(TcpStackConfig.builder().synQueueLimit(1).synCookies(false).build(),
                OUR_ISS);
        try {
            noCookies.listen();
            fillSynQueue(noCookies);
            noCookies.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
            noCookies.expectNothing();
            assertEquals(1, count(noCookies, TcpCounter.SYN_QUEUE_OVERFLOWS));
            assertEquals(0, count(noCookies, TcpCounter.SYN_COOKIES_SENT));
        } finally {
            noCookies.close();
        }
    }

    @Test
    void cookiesOffAnswersEveryAckToTheListenerWithReset() {
        TcpScript noCookies = new TcpScript(TcpStackConfig.builder().synQueueLimit(1).synCookies(false).build(),
                OUR_ISS);
        try {
            noCookies.listen();
            fillSynQueue(noCookies);
            noCookies.receive(tcp().syn().seq(PEER_ISS).win(65535));
            noCookies.receive(tcp().ack().seq(PEER_ISS + 1).ack(12345).win(65535));
            noCookies.expectSend(tcp().rst().seq(12345));
            assertEquals(0, count(noCookies, TcpCounter.SYN_COOKIES_FAILED));
        } finally {
            noCookies.close();
        }
    }

    @Test
    void halfOpenLimitAppliesAcrossListeners() {
        TcpScript limited = new TcpScript(TcpStackConfig.builder().maxHalfOpenConnections(2).build(), OUR_ISS);
        try {
            limited.engine().listen(TcpScript.LOCAL_ADDRESS, 8080, 16, listener -> { });
            TcpListener second = limited.engine().listen(TcpScript.LOCAL_ADDRESS, 8081, 16, listener -> { });
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).destinationPort(8080));
            limited.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1).sourcePort(8080));
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).destinationPort(8081));
            limited.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1).sourcePort(8081));
            assertEquals(2, limited.engine().halfOpenConnectionCount());
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).destinationPort(8081).sourcePort(3333));
            SentSegment cookie = limited.expectSend(tcp().syn().ack(PEER_ISS + 1).sourcePort(8081));
            assertNotEquals(OUR_ISS, cookie.seq());
            assertEquals(1, second.synQueueLength(), "its own queue had room");
            assertEquals(1, count(limited, TcpCounter.HALF_OPEN_LIMIT_REACHED));
            assertEquals(0, count(limited, TcpCounter.SYN_QUEUE_OVERFLOWS));
            assertEquals(1, count(limited, TcpCounter.SYN_COOKIES_SENT));
            assertEquals(2, limited.engine().connectionCount());
        } finally {
            limited.close();
        }
    }

    @Test
    void halfOpenLimitWithCookiesOffDropsAndCounts() {
        TcpScript limited = new TcpScript(TcpStackConfig.builder().maxHalfOpenConnections(1).synCookies(false)
                .build(), OUR_ISS);
        try {
            limited.listen();
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(1111));
            limited.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1));
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(2222));
            limited.expectNothing();
            assertEquals(1, count(limited, TcpCounter.HALF_OPEN_LIMIT_REACHED));
            assertEquals(1, limited.engine().connectionCount());
        } finally {
            limited.close();
        }
    }

    @Test
    void halfOpenCountFallsWhenHandshakesEnd() {
        TcpScript limited = new TcpScript(TcpStackConfig.builder().maxHalfOpenConnections(1).build(), OUR_ISS);
        try {
            limited.listen();
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(1111));
            limited.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1));
            limited.receive(tcp().rst().seq(PEER_ISS + 1).sourcePort(1111));
            assertEquals(0, limited.engine().halfOpenConnectionCount());
            limited.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(2222));
            limited.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER_ISS + 1).destinationPort(2222));
            limited.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535).sourcePort(2222));
            assertEquals(0, limited.engine().halfOpenConnectionCount());
            assertEquals(0, count(limited, TcpCounter.HALF_OPEN_LIMIT_REACHED));
        } finally {
            limited.close();
        }
    }

    /** SYNs from distinct ports at a listener whose queue is full: one cookie SYN-ACK each, and nothing kept. */
    private void flood(int synCount, int firstPort) {
        for (int i = 0; i < synCount; i++) {
            script.receive(tcp().syn().seq(PEER_ISS + i).mss(1460).ws(7).sackPermitted().ts(i, 0).win(65535)
                    .sourcePort(firstPort + i));
        }
        for (int i = 0; i < synCount; i++) {
            script.expectSend(tcp().syn().ack(PEER_ISS + i + 1).destinationPort(firstPort + i));
        }
        script.expectNothing();
    }

    @Test
    void realClientsKeepConnectingDuringASynFlood() {
        List<RecordingConnectionEvents> accepted = new ArrayList<>();
        script.engine().listen(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT, 64, listener -> {
            RecordingConnectionEvents application = new RecordingConnectionEvents();
            listener.accept(application);
            accepted.add(application);
        });
        fillSynQueue(script);
        int clients = 10;
        for (int client = 0; client < clients; client++) {
            flood(50, 10_000 + client * 50);
            int port = 50_000 + client;
            script.receive(tcp().syn().seq(PEER_ISS).mss(1460).ts(7, 0).win(65535).sourcePort(port));
            SentSegment synAck = script.expectSend(tcp().syn().ack(PEER_ISS + 1).destinationPort(port));
            script.receive(tcp().ack().psh().seq(PEER_ISS + 1).ack(synAck.seq() + 1).ts(8, synAck.tsVal())
                    .data("GET " + client + "\n").sourcePort(port));
            assertEquals(TcpState.ESTABLISHED, script.engine().connection(TcpScript.LOCAL_ADDRESS,
                    TcpScript.LOCAL_PORT, TcpScript.REMOTE_ADDRESS, port).state());
            script.advanceMillis(40);
            script.expectSend(tcp().ack().ack(PEER_ISS + 1 + ("GET " + client + "\n").length())
                    .destinationPort(port));
        }
        assertEquals(clients, accepted.size());
        for (int client = 0; client < clients; client++) {
            assertTrue(accepted.get(client).isEstablished());
            assertEquals("GET " + client + "\n", accepted.get(client).receivedText());
        }
        assertEquals(clients * 50 + clients, count(TcpCounter.SYN_COOKIES_SENT), "every flood SYN and client SYN");
        assertEquals(1 + clients, script.engine().connectionCount(), "the filler and the clients, no flood SYN");
        assertEquals(clients, count(TcpCounter.SYN_COOKIES_VALIDATED));
        assertEquals(0, count(TcpCounter.SYN_COOKIES_FAILED));
    }
}
