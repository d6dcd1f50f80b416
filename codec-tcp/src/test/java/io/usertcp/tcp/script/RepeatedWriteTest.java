package io.usertcp.tcp.script;

import io.netty.buffer.ByteBuf;
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

/**
 * The same buffer written twice to a connection (as a re-entered encoder does): each write is sent, as a socket
 * would send it, and acknowledging them never fails, whether the application passed a reference per write or,
 * mistakenly, one for both.
 */
class RepeatedWriteTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private TcpConnection writeTwice(ByteBuf data, boolean referencePerWrite) {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(referencePerWrite ? data.retain() : data);
        connection.write(data);
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).data("abcabc"));
        return connection;
    }

    @Test
    void sameBufferWrittenTwiceWithAReferenceEachIsSentTwice() {
        ByteBuf data = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        TcpConnection connection = writeTwice(data, true);
        // A partial ACK inside the first write must not disturb the second
        script.receive(tcp().ack().seq(PEER).ack(OURS + 2));
        assertEquals(4, connection.sendBufferedBytes());
        script.receive(tcp().ack().seq(PEER).ack(OURS + 6));
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(0, data.refCnt());
        assertEquals(TcpState.ESTABLISHED, connection.state());
    }

    @Test
    void sameBufferWrittenTwiceWithOneReferenceIsAcknowledgedWithoutFailing() {
        ByteBuf data = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        TcpConnection connection = writeTwice(data, false);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 6));
        assertEquals(0, connection.sendBufferedBytes());
        assertEquals(0, data.refCnt());
        assertEquals(TcpState.ESTABLISHED, connection.state());
    }
}
