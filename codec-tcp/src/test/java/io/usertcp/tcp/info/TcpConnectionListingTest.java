package io.usertcp.tcp.info;

import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TcpConnectionListing} of a scripted engine: entries as data, and the {@code ss -tin} text. */
class TcpConnectionListingTest {
    private static final int OUR_ISS = 1_000;
    private static final int PEER_ISS = 9_000;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void establishWithUnreadData() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(1000).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).seq(OUR_ISS));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        script.connection().setAutoRead(false);
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).len(120).win(65535));
    }

    @Test
    void listsEachConnectionWithItsEndpointsStateAndQueues() {
        establishWithUnreadData();

        TcpConnectionListing listing = TcpConnectionListing.of(script.engine(), 100);

        assertEquals(1, listing.totalConnections());
        TcpInfo entry = listing.connections().get(0);
        assertEquals(TcpState.ESTABLISHED, entry.state());
        assertEquals("198.18.0.1:8080", entry.localEndpoint());
        assertEquals("198.18.0.2:40000", entry.remoteEndpoint());
        assertEquals(120, entry.receiveQueueBytes());
    }

    @Test
    void textHasTheSsHeaderAStateLineAndAnInfoLine() {
        establishWithUnreadData();

        String[] lines = TcpConnectionListing.of(script.engine(), 100).toString().split("\n");

        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("State "), lines[0]);
        assertTrue(lines[1].matches("ESTAB +120 +0 +198\\.18\\.0\\.1:8080 +198\\.18\\.0\\.2:40000 *"), lines[1]);
        assertTrue(lines[2].startsWith("\t" + TcpStackConfig.defaults().congestionControl() + " rto:"), lines[2]);
    }

    @Test
    void limitBoundsTheEntriesAndTheTextSaysHowManyWereLeftOut() {
        establishWithUnreadData();

        TcpConnectionListing listing = TcpConnectionListing.of(script.engine(), 0);

        assertEquals(0, listing.connections().size());
        assertEquals(1, listing.totalConnections());
        assertTrue(listing.toString().endsWith("... 1 more not listed\n"), listing.toString());
    }
}
