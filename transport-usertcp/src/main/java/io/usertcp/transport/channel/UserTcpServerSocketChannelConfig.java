package io.usertcp.transport.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.usertcp.tcp.TcpStackConfig;

import java.util.Map;

/**
 * The options of a {@link UserTcpServerSocketChannel}: {@code SO_BACKLOG} is the listener's accept queue
 * (connections whose handshake completed and that the stack has not handed over yet; default 128, as Netty's
 * {@code NetUtil.SOMAXCONN} fallback), set before bind. {@code SO_RCVBUF} is stack-wide and {@code SO_REUSEADDR}
 * always on, as in {@link UserTcpSocketChannelConfig}.
 */
public final class UserTcpServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    static final int DEFAULT_BACKLOG = 128;

    private volatile int backlog = DEFAULT_BACKLOG;

    UserTcpServerSocketChannelConfig(UserTcpServerSocketChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_BACKLOG);
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
        UserTcpSocketChannelConfig.requireStackValue("SO_REUSEADDR", reuseAddress, true, "nothing: it is always on");
        return this;
    }

    /** The window accepted connections advertise at most; stack-wide ({@code usertcp.receiveBuffer}). */
    @Override
    public int getReceiveBufferSize() {
        return TcpStackConfig.defaults().receiveBufferBytes();
    }

    @Override
    public UserTcpServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        UserTcpSocketChannelConfig.requireStackValue("SO_RCVBUF", receiveBufferSize, getReceiveBufferSize(),
                "usertcp.receiveBuffer=" + receiveBufferSize);
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
