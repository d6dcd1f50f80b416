package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** RFC 1122 4.2.3.9, RFC 5927 and RFC 1191, through the entry "tcp-demux" calls for each IcmpErrorEvent. */
class IcmpErrorTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int UNREACHABLE = IcmpMessage.TYPE_DESTINATION_UNREACHABLE;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    private void icmpError(int type, int code, int nextHopMtu, int quotedSeq) {
        TcpConnection connection = script.connection();
        script.engine().input().icmpError(type, code, nextHopMtu, TcpScript.LOCAL_ADDRESS, connection.localPort(),
                TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT, quotedSeq);
        script.engine().flush();
    }

    @Test
    void portUnreachableDuringConnectRefusesTheConnection() {
        script.connect();
        script.expectSend(tcp().syn());
        icmpError(UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0, OUR_ISS);
        assertInstanceOf(ConnectException.class, script.application().closeCause());
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void hostUnreachableDuringConnectIsSoft() {
        script.connect();
        script.expectSend(tcp().syn());
        icmpError(UNREACHABLE, IcmpMessage.CODE_HOST_UNREACHABLE, 0, OUR_ISS);
        assertEquals(TcpState.SYN_SENT, script.connection().state());
        assertEquals(1, script.engine().counters().get(TcpCounter.ICMP_SOFT_ERRORS));
    }

    @Test
    void portUnreachableInEstablishedIsSoft() {
        Handshakes.acceptPlain(script);
        script.connection().write(Unpooled.wrappedBuffer(new byte[10]));
        script.connection().flush();
        script.expectSend(tcp().ack().len(10));
        icmpError(UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0, OURS);
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void errorQuotingASequenceNumberOutsideTheFlightIsIgnored() {
        script.connect();
        script.expectSend(tcp().syn());
        icmpError(UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0, OUR_ISS + 12345);
        assertEquals(TcpState.SYN_SENT, script.connection().state());
        assertEquals(1, script.engine().counters().get(TcpCounter.ICMP_ERRORS_IGNORED));
    }

    @Test
    void fragmentationNeededLowersTheMssAndResendsTheFlight() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(1460).win(65535));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[2920]));
        connection.flush();
        script.expectSend(tcp().ack().seq(OURS).len(1460));
        script.expectSend(tcp().ack().seq(OURS + 1460).len(1460));
        icmpError(UNREACHABLE, IcmpMessage.CODE_FRAGMENTATION_NEEDED, 1200, OURS);
        assertEquals(1160, connection.controlBlock().sendMss);
        script.expectSend(tcp().ack().seq(OURS).len(1160));
        script.expectSend(tcp().ack().seq(OURS + 1160).len(1160));
        // The 600-byte tail waits for Nagle
        script.expectNothing();
        assertEquals(1, script.engine().counters().get(TcpCounter.PATH_MTU_REDUCTIONS));
    }

    @Test
    void fragmentationNeededNeverRaisesTheMss() {
        Handshakes.acceptPlain(script);
        script.connection().write(Unpooled.wrappedBuffer(new byte[10]));
        script.connection().flush();
        script.expectSend(tcp().ack().len(10));
        icmpError(UNREACHABLE, IcmpMessage.CODE_FRAGMENTATION_NEEDED, 9000, OURS);
        assertEquals(Handshakes.MSS, script.connection().controlBlock().sendMss);
        script.expectNothing();
    }

    @Test
    void fragmentationNeededBelowTheFloorStopsAtTheFloor() {
        Handshakes.acceptPlain(script);
        script.connection().write(Unpooled.wrappedBuffer(new byte[10]));
        script.connection().flush();
        script.expectSend(tcp().ack().len(10));
        icmpError(UNREACHABLE, IcmpMessage.CODE_FRAGMENTATION_NEEDED, 100, OURS);
        assertEquals(536, script.connection().controlBlock().sendMss);
    }
}
