package io.usertcp.tcp.script;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.usertcp.tcp.CongestionEvent;
import io.usertcp.tcp.CongestionSignal;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.handler.TcpCongestionHandler;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CongestionHandlerReplacementTest {
    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** Records the signals and does not apply them. */
    private static final class RecordingCongestionHandler extends ChannelInboundHandlerAdapter {
        final List<CongestionSignal> signals = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CongestionEvent) {
                signals.add(((CongestionEvent) msg).signal());
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    @Test
    void replacedCongestionHandlerReceivesTheSignalsInsteadOfTheAlgorithm() {
        RecordingCongestionHandler recording = new RecordingCongestionHandler();
        script.channel().pipeline().replace(TcpCongestionHandler.NAME, TcpCongestionHandler.NAME, recording);
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        int initialWindow = connection.congestionControl().congestionWindow();
        connection.write(Unpooled.wrappedBuffer(new byte[4 * MSS]));
        connection.flush();
        for (int i = 0; i < 4; i++) {
            script.expectSend(tcp().ack().len(MSS));
        }
        script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1 + MSS).win(65535));
        for (int i = 0; i < 3; i++) {
            script.receive(tcp().ack().seq(PEER_ISS + 1).ack(OUR_ISS + 1 + MSS).win(65535));
        }
        script.expectSend(tcp().ack().seq(OUR_ISS + 1 + MSS).len(MSS));
        assertEquals(List.of(CongestionSignal.ACK, CongestionSignal.CONGESTION), recording.signals);
        assertEquals(initialWindow, connection.congestionControl().congestionWindow());
    }
}
