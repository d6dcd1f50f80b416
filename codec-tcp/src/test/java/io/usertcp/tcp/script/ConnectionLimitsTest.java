package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.RecordingConnectionEvents;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpScript.LOCAL_ADDRESS;
import static io.usertcp.testing.script.TcpScript.LOCAL_PORT;
import static io.usertcp.testing.script.TcpScript.REMOTE_ADDRESS;
import static io.usertcp.testing.script.TcpScript.REMOTE_PORT;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-state connection limits: TIME-WAIT (oldest reclaimed at the cap and for a full table), orphans (oldest
 * reset beyond the cap), the FIN-WAIT-2 timeout of closed connections, and a Naptha-style peer that parks
 * connections in every closing state. Each peer connection comes from its own source port, all with the same
 * sequence numbers, and the application accepts each at once and closes it when the test says.
 */
class ConnectionLimitsTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int FIRST_PORT = 10000;

    private final List<TcpConnection> accepted = new ArrayList<>();
    private TcpScript script;

    @AfterEach
    void close() {
        if (script != null) {
            script.close();
        }
    }

    private TcpEngine use(TcpStackConfig config) {
        if (script != null) {
            script.close();
        }
        accepted.clear();
        script = new TcpScript(config, OUR_ISS);
        script.engine().listen(LOCAL_ADDRESS, LOCAL_PORT, 16, listener -> {
            TcpConnection connection;
            while ((connection = listener.accept(new RecordingConnectionEvents())) != null) {
                accepted.add(connection);
            }
        });
        return script.engine();
    }

    private TcpConnection open(int port) {
        script.receive(tcp().syn().sourcePort(port).seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().syn().ack(PEER).seq(OUR_ISS).destinationPort(port));
        script.receive(tcp().ack().sourcePort(port).seq(PEER).ack(OURS).win(65535));
        TcpConnection connection = accepted.get(accepted.size() - 1);
        assertEquals(port, connection.remotePort());
        return connection;
    }

    /** The application closes: FIN-WAIT-1, an orphan until the peer acknowledges or the connection ends. */
    private TcpConnection openIntoFinWait1(int port) {
        TcpConnection connection = open(port);
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER).destinationPort(port));
        return connection;
    }

    /** The peer acknowledges our FIN and never sends its own. */
    private TcpConnection openIntoFinWait2(int port) {
        TcpConnection connection = openIntoFinWait1(port);
        script.receive(tcp().ack().sourcePort(port).seq(PEER).ack(OURS + 1));
        return connection;
    }

    /** The whole active close: TIME-WAIT. */
    private TcpConnection openIntoTimeWait(int port) {
        TcpConnection connection = openIntoFinWait1(port);
        script.receive(tcp().fin().ack().sourcePort(port).seq(PEER).ack(OURS + 1));
        script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1).destinationPort(port));
        return connection;
    }

    /** The peer closes; the application never does. */
    private TcpConnection openIntoCloseWait(int port) {
        TcpConnection connection = open(port);
        script.receive(tcp().fin().ack().sourcePort(port).seq(PEER).ack(OURS));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER + 1).destinationPort(port));
        return connection;
    }

    private static boolean present(TcpEngine engine, int port) {
        return engine.connection(LOCAL_ADDRESS, LOCAL_PORT, REMOTE_ADDRESS, port) != null;
    }

    @Test
    void timeWaitBeyondTheCapReclaimsTheOldestSilently() {
        TcpEngine engine = use(TcpStackConfig.builder().maxTimeWaitConnections(3).build());
        TcpConnection oldest = openIntoTimeWait(FIRST_PORT);
        openIntoTimeWait(FIRST_PORT + 1);
        openIntoTimeWait(FIRST_PORT + 2);
        assertEquals(3, engine.timeWaitCount());
        assertEquals(0, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));

        openIntoTimeWait(FIRST_PORT + 3);

        script.expectNothing();
        assertEquals(TcpState.CLOSED, oldest.state());
        assertFalse(present(engine, FIRST_PORT));
        assertTrue(present(engine, FIRST_PORT + 1));
        assertTrue(present(engine, FIRST_PORT + 2));
        assertTrue(present(engine, FIRST_PORT + 3));
        assertEquals(3, engine.timeWaitCount());
        assertEquals(3, engine.connectionCount());
        assertEquals(1, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));
    }

    @Test
    void reclaimedTimeWaitTupleIsAClosedPortAgain() {
        TcpEngine engine = use(TcpStackConfig.builder().maxTimeWaitConnections(1).build());
        openIntoTimeWait(FIRST_PORT);
        openIntoTimeWait(FIRST_PORT + 1);

        // RFC 9293 3.10.7.1: an ACK for a tuple with no connection (and a listener) is answered <SEQ=SEG.ACK><RST>
        script.receive(tcp().ack().sourcePort(FIRST_PORT).seq(PEER + 1).ack(OURS + 1));

        script.expectSend(tcp().rst().seq(OURS + 1).destinationPort(FIRST_PORT));
        script.expectNothing();
        assertEquals(1, engine.timeWaitCount());
    }

    @Test
    void fullTableReclaimsTheOldestTimeWaitForANewSyn() {
        TcpEngine engine = use(TcpStackConfig.builder().maxConnections(2).build());
        openIntoTimeWait(FIRST_PORT);
        openIntoTimeWait(FIRST_PORT + 1);

        script.receive(tcp().syn().sourcePort(FIRST_PORT + 2).seq(PEER_ISS).mss(MSS).win(65535));

        script.expectSend(tcp().syn().ack(PEER).seq(OUR_ISS).destinationPort(FIRST_PORT + 2));
        script.expectNothing();
        assertFalse(present(engine, FIRST_PORT));
        assertTrue(present(engine, FIRST_PORT + 1));
        assertTrue(present(engine, FIRST_PORT + 2));
        assertEquals(1, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));
        assertEquals(0, engine.counters().get(TcpCounter.CONNECTION_TABLE_FULL));
    }

    @Test
    void fullTableReclaimsTheOldestTimeWaitForConnect() {
        TcpEngine engine = use(TcpStackConfig.builder().maxConnections(2).build());
        openIntoTimeWait(FIRST_PORT);
        openIntoTimeWait(FIRST_PORT + 1);

        TcpConnection connection = engine.connect(LOCAL_ADDRESS, REMOTE_ADDRESS, REMOTE_PORT,
                new RecordingConnectionEvents());

        script.expectSend(tcp().syn().seq(OUR_ISS).destinationPort(REMOTE_PORT));
        assertEquals(TcpState.SYN_SENT, connection.state());
        assertFalse(present(engine, FIRST_PORT));
        assertEquals(1, engine.timeWaitCount());
        assertEquals(1, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));
    }

    @Test
    void fullTableWithoutTimeWaitRefusesTheSynAndCountsIt() {
        TcpEngine engine = use(TcpStackConfig.builder().maxConnections(1).build());
        open(FIRST_PORT);

        script.receive(tcp().syn().sourcePort(FIRST_PORT + 1).seq(PEER_ISS).mss(MSS).win(65535));

        script.expectNothing();
        assertFalse(present(engine, FIRST_PORT + 1));
        assertEquals(1, engine.counters().get(TcpCounter.CONNECTION_TABLE_FULL));
        assertEquals(0, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));
    }

    @Test
    void fullListenerTableRefusesTheListenAndCountsIt() {
        TcpEngine engine = use(TcpStackConfig.builder().maxListeners(1).build());

        assertThrows(IllegalStateException.class,
                () -> engine.listen(LOCAL_ADDRESS, LOCAL_PORT + 1, 16, listener -> { }));

        assertEquals(1, engine.counters().get(TcpCounter.LISTENER_TABLE_FULL));
    }

    @Test
    void orphansBeyondTheCapResetTheOldest() {
        TcpEngine engine = use(TcpStackConfig.builder().maxOrphanConnections(2).build());
        TcpConnection oldest = openIntoFinWait1(FIRST_PORT);
        openIntoFinWait2(FIRST_PORT + 1);
        assertEquals(2, engine.orphanCount());

        TcpConnection newest = openIntoFinWait1(FIRST_PORT + 2);

        script.expectSend(tcp().rst().ack(PEER).seq(OURS + 1).win(0).destinationPort(FIRST_PORT));
        script.expectNothing();
        assertEquals(TcpState.CLOSED, oldest.state());
        assertEquals(TcpState.FIN_WAIT_1, newest.state());
        assertFalse(present(engine, FIRST_PORT));
        assertEquals(2, engine.orphanCount());
        assertEquals(2, engine.connectionCount());
        assertEquals(1, engine.counters().get(TcpCounter.ORPHANS_RESET));
    }

    @Test
    void orphanThatReachesTimeWaitIsNoLongerAnOrphan() {
        TcpEngine engine = use(TcpStackConfig.defaults());
        TcpConnection connection = openIntoFinWait1(FIRST_PORT);
        assertTrue(connection.isOrphan());
        assertEquals(1, engine.orphanCount());

        script.receive(tcp().fin().ack().sourcePort(FIRST_PORT).seq(PEER).ack(OURS + 1));

        script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1).destinationPort(FIRST_PORT));
        assertFalse(connection.isOrphan());
        assertEquals(0, engine.orphanCount());
        assertEquals(1, engine.timeWaitCount());
    }

    @Test
    void finWait2OrphanTimesOutAndIsCounted() {
        TcpEngine engine = use(TcpStackConfig.defaults());
        TcpConnection connection = openIntoFinWait2(FIRST_PORT);
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        assertEquals(1, engine.orphanCount());

        script.advanceMillis(59_999);
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        script.advanceMillis(1);

        script.expectNothing();
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(0, engine.orphanCount());
        assertEquals(0, engine.connectionCount());
        assertEquals(1, engine.counters().get(TcpCounter.FIN_WAIT_2_TIMEOUTS));
    }

    @Test
    void halfClosedConnectionClosedInFinWait2TimesOutFromTheClose() {
        TcpEngine engine = use(TcpStackConfig.defaults());
        TcpConnection connection = open(FIRST_PORT);
        connection.shutdownOutput();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER).destinationPort(FIRST_PORT));
        script.receive(tcp().ack().sourcePort(FIRST_PORT).seq(PEER).ack(OURS + 1));
        script.advanceMillis(120_000);
        assertEquals(0, engine.orphanCount());

        connection.close();
        assertEquals(1, engine.orphanCount());
        script.advanceMillis(59_999);
        assertEquals(TcpState.FIN_WAIT_2, connection.state());
        script.advanceMillis(1);

        script.expectNothing();
        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(1, engine.counters().get(TcpCounter.FIN_WAIT_2_TIMEOUTS));
    }

    @Test
    void closeWaitNeverClosedByTheApplicationIsNotAnOrphan() {
        TcpEngine engine = use(TcpStackConfig.builder().maxOrphanConnections(1).build());
        TcpConnection closeWait = openIntoCloseWait(FIRST_PORT);
        openIntoFinWait1(FIRST_PORT + 1);

        openIntoFinWait1(FIRST_PORT + 2);

        script.expectSend(tcp().rst().ack(PEER).seq(OURS + 1).destinationPort(FIRST_PORT + 1));
        script.expectNothing();
        assertEquals(TcpState.CLOSE_WAIT, closeWait.state());
        assertFalse(closeWait.isOrphan());
        assertEquals(1, engine.orphanCount());
        assertEquals(1, engine.counters().get(TcpCounter.ORPHANS_RESET));
    }

    @Test
    void orphanClosedByTheApplicationInCloseWaitIsCountedUntilItsLastAck() {
        TcpEngine engine = use(TcpStackConfig.defaults());
        TcpConnection connection = openIntoCloseWait(FIRST_PORT);
        connection.close();
        script.expectSend(tcp().fin().ack().seq(OURS).ack(PEER + 1).destinationPort(FIRST_PORT));
        assertEquals(TcpState.LAST_ACK, connection.state());
        assertEquals(1, engine.orphanCount());

        script.receive(tcp().ack().sourcePort(FIRST_PORT).seq(PEER + 1).ack(OURS + 1));

        assertEquals(TcpState.CLOSED, connection.state());
        assertEquals(0, engine.orphanCount());
        assertEquals(0, engine.connectionCount());
    }

    /**
     * Naptha (CERT CA-2000-21): a peer opens connections cheaply and parks each in a state that holds ours. Here
     * a quarter each: CLOSE-WAIT the application never closes (its own to bound, not an orphan), FIN-WAIT-1 (our
     * FIN never acknowledged), FIN-WAIT-2 (the peer's FIN never sent) and TIME-WAIT. What the stack keeps for
     * connections the application gave up is the same at 1k and 10k connections: the orphan and TIME-WAIT caps,
     * with every connection over them reset or reclaimed, and the timers with them.
     */
    @Test
    void napthaPeerHoldsNoMoreThanTheCapsAsItGrowsFrom1kTo10k() {
        int cap = 100;
        TcpStackConfig config = TcpStackConfig.builder().maxOrphanConnections(cap).maxTimeWaitConnections(cap).build();
        int[] small = naptha(config, 1_000, cap);
        int[] large = naptha(config, 10_000, cap);

        assertTrue(small[0] <= cap);
        assertEquals(cap, small[1]);
        assertEquals(small[0], large[0]);
        assertEquals(small[1], large[1]);
        assertEquals(small[2], large[2]);
    }

    /** Runs the Naptha peer for {@code connections}; returns orphans, TIME-WAIT and armed timers at the end. */
    private int[] naptha(TcpStackConfig config, int connections, int cap) {
        TcpEngine engine = use(config);
        ArrayDeque<Integer> orphans = new ArrayDeque<>();
        ArrayDeque<Integer> timeWait = new ArrayDeque<>();
        int closeWait = 0;
        long resets = 0;
        long reclaimed = 0;
        for (int i = 0; i < connections; i++) {
            int port = FIRST_PORT + i;
            int kind = i % 4;
            if (kind == 0) {
                openIntoCloseWait(port);
                closeWait++;
                continue;
            }
            openIntoFinWait1(port);
            if (orphans.size() == cap) {
                int oldest = orphans.poll();
                script.expectSend(tcp().rst().ack(PEER).seq(OURS + 1).destinationPort(oldest));
                resets++;
            }
            orphans.add(port);
            if (kind == 2) {
                script.receive(tcp().ack().sourcePort(port).seq(PEER).ack(OURS + 1));
            } else if (kind == 3) {
                script.receive(tcp().fin().ack().sourcePort(port).seq(PEER).ack(OURS + 1));
                script.expectSend(tcp().ack().seq(OURS + 1).ack(PEER + 1).destinationPort(port));
                orphans.removeLast();
                if (timeWait.size() == cap) {
                    timeWait.poll();
                    reclaimed++;
                }
                timeWait.add(port);
            }
            script.expectNothing();
        }
        assertEquals(orphans.size(), engine.orphanCount());
        assertEquals(timeWait.size(), engine.timeWaitCount());
        assertEquals(closeWait + orphans.size() + timeWait.size(), engine.connectionCount());
        assertEquals(resets, engine.counters().get(TcpCounter.ORPHANS_RESET));
        assertEquals(reclaimed, engine.counters().get(TcpCounter.TIME_WAIT_RECLAIMED));
        for (int port : orphans) {
            TcpConnection connection = engine.connection(LOCAL_ADDRESS, LOCAL_PORT, REMOTE_ADDRESS, port);
            assertNotNull(connection);
            assertTrue(connection.isOrphan());
        }
        for (int port : timeWait) {
            assertEquals(TcpState.TIME_WAIT, engine.connection(LOCAL_ADDRESS, LOCAL_PORT, REMOTE_ADDRESS, port).state());
        }
        assertNull(engine.connection(LOCAL_ADDRESS, LOCAL_PORT, REMOTE_ADDRESS, FIRST_PORT + 1));
        return new int[] {engine.orphanCount(), engine.timeWaitCount(), engine.timingWheel().activeCount()};
    }
}
