package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data received in order but not read yet (auto-read off) when the connection ends under the application: as on
 * Linux, the application gets it before it learns the connection is over.
 */
class UnreadDataAtEndTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private TcpConnection acceptWithoutAutoRead() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.setAutoRead(false);
        return connection;
    }

    @Test
    void unreadDataIsHandedOverBeforeTheReset() {
        TcpConnection connection = acceptWithoutAutoRead();
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("before the reset"));
        assertEquals(0, script.application().dataCount());

        script.receive(tcp().rst().seq(PEER + 16));

        assertEquals("before the reset", script.application().receivedText());
        assertInstanceOf(IOException.class, script.application().closeCause());
        assertEquals(0, connection.unreadBytes());
    }

    @Test
    void unreadDataIsHandedOverWhenTheLastAckEndsAHalfClosedConnection() {
        TcpConnection connection = acceptWithoutAutoRead();
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("last words").fin());
        connection.shutdownOutput();
        script.receive(tcp().ack().seq(PEER + 11).ack(OURS + 1));

        assertEquals("last words", script.application().receivedText());
        assertTrue(script.application().isClosed());
        assertNull(script.application().closeCause());
    }

    @Test
    void unreadDataIsReleasedWhenTheApplicationClosed() {
        TcpConnection connection = acceptWithoutAutoRead();
        script.receive(tcp().ack().seq(PEER).ack(OURS).data("never read"));

        connection.close();

        assertEquals(0, script.application().dataCount());
        assertEquals(0, connection.unreadBytes());
    }
}
