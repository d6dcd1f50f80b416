package io.usertcp.transport.channel;

import io.netty.channel.ChannelOption;

/**
 * usertcp's own {@link ChannelOption}s, per connection like their Linux socket options (and Netty's
 * {@code EpollChannelOption}s of the same names). On a {@link UserTcpServerSocketChannel} they are the defaults of
 * the connections it accepts; on a {@link UserTcpSocketChannel} they apply to its connection, at once if it has
 * one. Unset, each takes the stack's value ({@link io.usertcp.tcp.TcpStackConfig}).
 */
public final class UserTcpChannelOption {
    /**
     * TCP_CONGESTION: the congestion control algorithm by name ({@code cubic} or {@code newreno}, or one registered
     * with the stack). An unknown name is refused with an {@link IllegalArgumentException} listing the available
     * ones (for a client before connect, the connect fails with it).
     */
    public static final ChannelOption<String> CONGESTION_CONTROL =
            ChannelOption.valueOf(UserTcpChannelOption.class, "CONGESTION_CONTROL");
    /** TCP_KEEPIDLE: seconds without a segment from the peer before keep-alive probes start. */
    public static final ChannelOption<Integer> TCP_KEEPIDLE =
            ChannelOption.valueOf(UserTcpChannelOption.class, "TCP_KEEPIDLE");
    /** TCP_KEEPINTVL: seconds between keep-alive probes. */
    public static final ChannelOption<Integer> TCP_KEEPINTVL =
            ChannelOption.valueOf(UserTcpChannelOption.class, "TCP_KEEPINTVL");
    /** TCP_KEEPCNT: unanswered keep-alive probes after which the connection is closed. */
    public static final ChannelOption<Integer> TCP_KEEPCNT =
            ChannelOption.valueOf(UserTcpChannelOption.class, "TCP_KEEPCNT");
    /**
     * TCP_USER_TIMEOUT (RFC 5482): milliseconds data may stay unacknowledged, or a zero window unopened, before the
     * connection is closed; 0 leaves it to the retransmission limits.
     */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT =
            ChannelOption.valueOf(UserTcpChannelOption.class, "TCP_USER_TIMEOUT");
    /**
     * TCP_MAXSEG: a clamp on the MSS announced in the SYN and on the segments sent, 88 to 65535, or 0 for none.
     * Like Linux, it acts at the handshake: set it before connect, or on the server channel for accepted ones.
     */
    public static final ChannelOption<Integer> TCP_MAXSEG =
            ChannelOption.valueOf(UserTcpChannelOption.class, "TCP_MAXSEG");

    private UserTcpChannelOption() {
    }
}
