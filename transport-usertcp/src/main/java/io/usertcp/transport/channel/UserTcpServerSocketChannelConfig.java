package io.usertcp.transport.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpEngine;

import java.util.Map;

/**
 * The options of a {@link UserTcpServerSocketChannel}: {@code SO_BACKLOG} is the listener's accept queue
 * (connections whose handshake completed and that the stack has not handed over yet; default 128, as Netty's
 * {@code NetUtil.SOMAXCONN} fallback), set before bind. {@code SO_REUSEADDR} is always on, as in
 * {@link UserTcpSocketChannelConfig}.
 *
 * <p>{@code SO_RCVBUF} and the {@link UserTcpChannelOption}s are the options of the connections the channel
 * accepts from then on, as a Linux listener's children inherit its socket options: {@code SO_RCVBUF} decides the
 * window and window scale of the SYN-ACK (set it here rather than as a child option, as Netty documents for
 * {@code ServerSocketChannelConfig}), {@code TCP_MAXSEG} the MSS it announces. Unset, they are the stack's.
 * The accepted channels' own options ({@code childOption}) then apply to each connection on top.
 */
public final class UserTcpServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    static final int DEFAULT_BACKLOG = 128;

    private final UserTcpServerSocketChannel channel;
    private final RequestedConnectionOptions requested = new RequestedConnectionOptions();
    /** The defaults of the stack listened on last, for the getters; the stack defaults before bind. */
    private volatile TcpConnectionOptions stackDefaults = RequestedConnectionOptions.STACK_DEFAULTS;
    private volatile int backlog = DEFAULT_BACKLOG;

    UserTcpServerSocketChannelConfig(UserTcpServerSocketChannel channel) {
        super(channel);
        this.channel = channel;
    }

    /**
     * The options of the connections a listener on {@code engine} opens.
     *
     * @throws IllegalArgumentException if the congestion control set is not one of the engine's
     */
    TcpConnectionOptions listenerOptions(TcpEngine engine) {
        stackDefaults = engine.connectionDefaults();
        return requested.over(stackDefaults, engine);
    }

    private void optionsChanged() {
        channel.listenerOptionsChanged();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_BACKLOG, UserTcpChannelOption.CONGESTION_CONTROL, UserTcpChannelOption.TCP_KEEPIDLE,
                UserTcpChannelOption.TCP_KEEPINTVL, UserTcpChannelOption.TCP_KEEPCNT,
                UserTcpChannelOption.TCP_USER_TIMEOUT, UserTcpChannelOption.TCP_MAXSEG);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == ChannelOption.SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == ChannelOption.SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        Object own = requested.userTcpOption(option, stackDefaults);
        if (own != null) {
            return (T) own;
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (requested.setUserTcpOption(option, value)) {
            optionsChanged();
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    /** At least 1 (0 or less takes the default, as listen(2) callers expect). */
    @Override
    public UserTcpServerSocketChannelConfig setBacklog(int backlog) {
        this.backlog = backlog < 1 ? DEFAULT_BACKLOG : backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return true;
    }

    @Override
    public UserTcpServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        UserTcpSocketChannelConfig.requireFixedValue("SO_REUSEADDR", reuseAddress, true,
                UserTcpSocketChannelConfig.REUSE_ADDRESS_REASON);
        return this;
    }

    /** The receive buffer of accepted connections: the most they advertise, and their SYN-ACK's window scale. */
    @Override
    public int getReceiveBufferSize() {
        return requested.receiveBufferBytes(stackDefaults);
    }

    /** @throws IllegalArgumentException unless in [1, 2^30] */
    @Override
    public UserTcpServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        requested.receiveBufferBytes(receiveBufferSize);
        optionsChanged();
        return this;
    }

    /** Has no meaning for a user-space stack, as for most kernels. */
    @Override
    public UserTcpServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Deprecated
    @Override
    public UserTcpServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Deprecated
    @Override
    public UserTcpServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Deprecated
    @Override
    public UserTcpServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public UserTcpServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
