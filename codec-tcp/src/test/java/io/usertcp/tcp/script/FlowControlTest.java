package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Nagle (RFC 9293 3.7.4), zero windows, and the receive window following the application (3.8.6.2.2). */
class FlowControlTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private static void send(TcpConnection connection, String text) {
        connection.write(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        connection.flush();
    }

    @Test
    void nagleHoldsASmallSegmentWhileDataIsUnacknowledged() {
        Handshakes.acceptPlain(script);
        send(script.connection(), "a");
        script.expectSend(tcp().ack().seq(OURS).data("a"));
        send(script.connection(), "b");
        send(script.connection(), "c");
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS + 1).win(65535));
        script.expectSend(tcp().ack().seq(OURS + 1).data("bc"));
    }

    @Test
    void withoutNagleSmallSegmentsGoAtOnce() {
        TcpScript noDelay = new TcpScript(TcpStackConfig.builder().nagle(false).build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(noDelay);
            send(noDelay.connection(), "a");
            send(noDelay.connection(), "b");
            noDelay.expectSend(tcp().ack().seq(OURS).data("a"));
            noDelay.expectSend(tcp().ack().seq(OURS + 1).data("b"));
        } finally {
            noDelay.close();
        }
    }

    @Test
    void zeroWindowStopsSendingAndAWindowUpdateResumes() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(0));
        send(script.connection(), "waiting");
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.expectSend(tcp().ack().seq(OURS).data("waiting"));
    }

    @Test
    void windowClosesWhileTheApplicationDoesNotReadAndReopensWithAnUpdate() {
        TcpScript small = new TcpScript(TcpStackConfig.builder().receiveBufferBytes(4000).build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(small);
            TcpConnection connection = small.connection();
            connection.setAutoRead(false);
            for (int i = 0; i < 4; i++) {
                small.receive(tcp().ack().seq(PEER + i * 1000).ack(OURS).len(1000));
            }
            // An ACK once 2 * 1460 bytes are unacknowledged: after the third segment, 1000 bytes of room left
            small.expectSend(tcp().ack().ack(PEER + 3000).win(1000));
            small.advanceMillis(40);
            small.expectSend(tcp().ack().ack(PEER + 4000).win(0));
            assertEquals(4000, connection.unreadBytes());
            small.receive(tcp().ack().seq(PEER + 4000).ack(OURS).len(1000));
            small.expectSend(tcp().ack().ack(PEER + 4000).win(0));
            connection.read();
            small.expectSend(tcp().ack().ack(PEER + 4000).win(4000));
            assertEquals(4000, small.application().receivedBytes().length);
        } finally {
            small.close();
        }
    }

    @Test
    void smallReadsDoNotMoveTheRightEdge() {
        TcpScript small = new TcpScript(TcpStackConfig.builder().receiveBufferBytes(4000).build(), OUR_ISS);
        try {
            Handshakes.acceptPlain(small);
            small.receive(tcp().ack().seq(PEER).ack(OURS).len(100));
            small.advanceMillis(40);
            // RFC 9293 3.8.6.2.2: 100 bytes of new room is below min(buffer / 2, MSS), so the edge stays
            small.expectSend(tcp().ack().ack(PEER + 100).win(3900));
        } finally {
            small.close();
        }
    }
}
