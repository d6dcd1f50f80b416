package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.testing.script.TcpScript;

import static io.usertcp.testing.script.TcpSegmentSpec.tcp;

/** Common script prefixes: connections brought to ESTABLISHED with few options, so traces stay short. */
final class Handshakes {
    /** Our ISS, close enough to 2^32 that the first few kilobytes wrap around. */
    static final int OUR_ISS = 0xFFFF_FF00 - 1000;
    /** The peer's ISS, also near 2^32. */
    static final int PEER_ISS = 0xFFFF_FFFF - 2000;
    static final int MSS = 1000;

    private Handshakes() {
    }

    /** Passive open with MSS 1000 and no other options; the peer's window is 65535 bytes. */
    static void acceptPlain(TcpScript script) {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).seq(OUR_ISS));
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
    }

    /** Active open with MSS 1000 and no other options. */
    static void connectPlain(TcpScript script) {
        script.connect();
        script.expectSend(tcp().syn().seq(OUR_ISS));
        script.receive(tcp().syn().ack(OUR_ISS + 1).seq(PEER_ISS).mss(MSS).win(65535));
        script.expectSend(tcp().ack().seq(OUR_ISS + 1).ack(PEER_ISS + 1));
    }

    /**
     * Passive open with MSS 1000 and SACK permitted, whose final ACK comes 10 ms after our SYN-ACK (so SRTT and the
     * minimum RTT start at 10 ms), then {@code segments} full segments written at once: the first ten, the initial
     * window, are expected out and nothing more. Segment k starts at OUR_ISS + 1 + k * MSS.
     */
    static TcpConnection sendWithSack(TcpScript script, int segments) {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).sackPermitted().win(65535));
        script.expectSend(tcp().syn().ack(PEER_ISS + 1).sackPermitted());
        script.advanceMillis(10);
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1).win(65535));
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[segments * MSS]));
        connection.flush();
        for (int k = 0; k < Math.min(segments, 10); k++) {
            script.expectSend(tcp().ack().seq(OUR_ISS + 1 + k * MSS).len(MSS));
        }
        script.expectNothing();
        return connection;
    }
}
