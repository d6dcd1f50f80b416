package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CVE-2019-11479: a peer announcing a tiny MSS would make us send a packet per handful of bytes. The send MSS
 * never goes below {@code minSendMss} (536 by default, RFC 9293 3.7.1's default send MSS), and a peer that asked
 * for less is counted in {@link TcpCounter#MSS_RAISED_TO_FLOOR}.
 */
class PeerMssFloorTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int FLOOR = TcpStackConfig.defaults().minSendMss();

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void acceptWithPeerMss(int mss) {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(mss).win(65535));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 48, 88, 535})
    void tinyPeerMssIsRaisedToTheFloor(int peerMss) {
        acceptWithPeerMss(peerMss);
        script.connection().write(Unpooled.wrappedBuffer(new byte[3 * FLOOR]));
        script.connection().flush();
        script.expectSend(tcp().ack().seq(OURS).len(FLOOR));
        script.expectSend(tcp().ack().seq(OURS + FLOOR).len(FLOOR));
        script.expectSend(tcp().ack().seq(OURS + 2 * FLOOR).len(FLOOR));
        script.expectNothing();
        assertEquals(FLOOR, script.connection().controlBlock().sendMss);
        assertEquals(1, script.engine().counters().get(TcpCounter.MSS_RAISED_TO_FLOOR));
    }

    @ParameterizedTest
    @ValueSource(ints = {536, 1000})
    void peerMssAtOrAboveTheFloorIsKeptAndNotCounted(int peerMss) {
        acceptWithPeerMss(peerMss);
        assertEquals(peerMss, script.connection().controlBlock().sendMss);
        assertEquals(0, script.engine().counters().get(TcpCounter.MSS_RAISED_TO_FLOOR));
    }
}
