package io.usertcp.transport.channel;

import io.netty.channel.ChannelOption;
import io.usertcp.tcp.TcpStackConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options of a client channel before it connects: stored per channel, over the stack defaults. */
class UserTcpSocketChannelConfigTest {
    private final UserTcpSocketChannelConfig config = new UserTcpSocketChannel().config();

    @Test
    void tcpNoDelayIsOnByDefaultAsInNettysSocketChannels() {
        assertTrue(config.getOption(ChannelOption.TCP_NODELAY));
    }

    @Test
    void unsetBuffersAreTheStackDefaults() {
        assertEquals(TcpStackConfig.defaults().sendBufferBytes(), config.getOption(ChannelOption.SO_SNDBUF));
        assertEquals(TcpStackConfig.defaults().receiveBufferBytes(), config.getOption(ChannelOption.SO_RCVBUF));
    }

    @Test
    void optionsSetAreReadBack() {
        config.setOption(ChannelOption.SO_SNDBUF, 1024);
        config.setOption(ChannelOption.SO_RCVBUF, 8192);
        config.setOption(UserTcpChannelOption.TCP_KEEPIDLE, 30);
        config.setOption(UserTcpChannelOption.TCP_USER_TIMEOUT, 5000);
        config.setOption(UserTcpChannelOption.CONGESTION_CONTROL, "newreno");
        config.setOption(UserTcpChannelOption.TCP_MAXSEG, 1200);

        assertEquals(1024, config.getOption(ChannelOption.SO_SNDBUF));
        assertEquals(8192, config.getOption(ChannelOption.SO_RCVBUF));
        assertEquals(30, config.getOption(UserTcpChannelOption.TCP_KEEPIDLE));
        assertEquals(75, config.getOption(UserTcpChannelOption.TCP_KEEPINTVL));
        assertEquals(5000, config.getOption(UserTcpChannelOption.TCP_USER_TIMEOUT));
        assertEquals("newreno", config.getOption(UserTcpChannelOption.CONGESTION_CONTROL));
        assertEquals(1200, config.getOption(UserTcpChannelOption.TCP_MAXSEG));
    }

    @Test
    void everyOptionIsListed() {
        assertTrue(config.getOptions().keySet().containsAll(List.of(ChannelOption.SO_SNDBUF,
                ChannelOption.SO_RCVBUF, ChannelOption.TCP_NODELAY, UserTcpChannelOption.CONGESTION_CONTROL,
                UserTcpChannelOption.TCP_KEEPIDLE, UserTcpChannelOption.TCP_KEEPINTVL,
                UserTcpChannelOption.TCP_KEEPCNT, UserTcpChannelOption.TCP_USER_TIMEOUT,
                UserTcpChannelOption.TCP_MAXSEG)));
    }

    @Test
    void invalidSendBufferIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> config.setSendBufferSize(0));
        assertEquals(TcpStackConfig.defaults().sendBufferBytes(), config.getSendBufferSize());
    }
}
