package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 9293 3.10.7.1: segments for a port nobody listens on. */
class ClosedPortTest {
    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), 1);

    @AfterEach
    void close() {
        script.close();
    }

    @Test
    void synToAClosedPortGetsResetAcknowledgingIt() {
        script.receive(tcp().syn().seq(0xFFFF_FFFF).win(65535));
        script.expectSend(tcp().rst().ack(0).seq(0).win(0));
        assertEquals(1, script.engine().counters().get(TcpCounter.NO_PORT));
    }

    @Test
    void ackToAClosedPortGetsResetAtItsAckNumber() {
        script.receive(tcp().ack().seq(100).ack(0xFFFF_FFF0));
        script.expectSend(tcp().rst().seq(0xFFFF_FFF0));
    }

    @Test
    void dataAndFinToAClosedPortAreCountedInTheResetsAck() {
        script.receive(tcp().fin().seq(0xFFFF_FFFA).data("0123456789"));
        script.expectSend(tcp().rst().ack(0xFFFF_FFFA + 11).seq(0));
    }

    @Test
    void resetToAClosedPortIsNeverAnswered() {
        script.receive(tcp().rst().seq(5));
        script.receive(tcp().rst().ack().seq(5).ack(7));
        script.expectNothing();
        assertEquals(2, script.engine().counters().get(TcpCounter.RESETS_IGNORED));
    }

    @Test
    void segmentToAClosedPortBesideAListenerIsReset() {
        script.listen();
        script.receive(tcp().syn().seq(9).win(65535).destinationPort(TcpScript.LOCAL_PORT + 1));
        script.expectSend(tcp().rst().ack(10).sourcePort(TcpScript.LOCAL_PORT + 1));
    }
}
