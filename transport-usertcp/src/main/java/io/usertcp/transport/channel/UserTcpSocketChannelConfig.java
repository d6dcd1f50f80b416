package io.usertcp.transport.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.transport.device.UserTcpStack;

import java.util.Map;

/**
 * The options of a {@link UserTcpSocketChannel}.
 *
 * <p>Applied to the connection: {@code SO_KEEPALIVE} (probes per the stack's keep-alive timing),
 * {@code SO_LINGER} (0: close sends RST; any other value closes with FIN, which never blocks here),
 * {@code AUTO_READ} (off: the connection stops taking data and its window closes), {@code ALLOW_HALF_CLOSURE},
 * {@code CONNECT_TIMEOUT_MILLIS} and {@code WRITE_BUFFER_WATER_MARK} (over the bytes the connection's send
 * buffer cannot take yet).
 *
 * <p>Stack-wide in usertcp, read here from the stack's {@link TcpStackConfig}: {@code TCP_NODELAY}
 * (Nagle), {@code SO_SNDBUF} and {@code SO_RCVBUF}. Setting one of them to the stack's value is accepted;
 * another value is refused with {@link UnsupportedOperationException} naming the {@code usertcp.*} property
 * that sets it, rather than stored without effect. {@code SO_REUSEADDR} is always on (a listener may take a
 * port whose old connections are in TIME-WAIT) and {@code IP_TOS} is always 0, likewise.
 */
public final class UserTcpSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    private final UserTcpSocketChannel channel;
    private volatile boolean allowHalfClosure;
    private volatile boolean keepAlive;
    private volatile int soLinger = -1;

    UserTcpSocketChannelConfig(UserTcpSocketChannel channel) {
        super(channel);
        this.channel = channel;
        UserTcpStack stack = channel.stack();
        keepAlive = stack != null && stack.engine().config().keepAlive();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF,
                ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_LINGER, ChannelOption.IP_TOS, ChannelOption.ALLOW_HALF_CLOSURE);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ChannelOption.TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == ChannelOption.SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == ChannelOption.SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == ChannelOption.SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == ChannelOption.IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ChannelOption.TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == ChannelOption.SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == ChannelOption.IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private TcpStackConfig tcp() {
        UserTcpStack stack = channel.stack();
        return stack == null ? TcpStackConfig.defaults() : stack.engine().config();
    }

    /** Nagle off; stack-wide ({@code usertcp.nagle}). */
    @Override
    public boolean isTcpNoDelay() {
        return !tcp().nagle();
    }

    @Override
    public UserTcpSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        requireStackValue("TCP_NODELAY", tcpNoDelay, isTcpNoDelay(), "usertcp.nagle=" + !tcpNoDelay);
        return this;
    }

    @Override
    public int getSoLinger() {
        return soLinger;
    }

    @Override
    public UserTcpSocketChannelConfig setSoLinger(int soLinger) {
        this.soLinger = soLinger;
        return this;
    }

    /** The connection's send buffer; stack-wide ({@code usertcp.sendBuffer}). */
    @Override
    public int getSendBufferSize() {
        return tcp().sendBufferBytes();
    }

    @Override
    public UserTcpSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        requireStackValue("SO_SNDBUF", sendBufferSize, getSendBufferSize(), "usertcp.sendBuffer=" + sendBufferSize);
        return this;
    }

    /** The most the connection advertises; stack-wide ({@code usertcp.receiveBuffer}). */
    @Override
    public int getReceiveBufferSize() {
        return tcp().receiveBufferBytes();
    }

    @Override
    public UserTcpSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        requireStackValue("SO_RCVBUF", receiveBufferSize, getReceiveBufferSize(),
                "usertcp.receiveBuffer=" + receiveBufferSize);
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return keepAlive;
    }

    @Override
    public UserTcpSocketChannelConfig setKeepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
        channel.keepAliveChanged();
        return this;
    }

    @Override
    public int getTrafficClass() {
        return 0;
    }

    @Override
    public UserTcpSocketChannelConfig setTrafficClass(int trafficClass) {
        requireStackValue("IP_TOS", trafficClass, 0, "nothing: usertcp sends TOS 0");
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return true;
    }

    @Override
    public UserTcpSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        requireStackValue("SO_REUSEADDR", reuseAddress, true, "nothing: it is always on");
        return this;
    }

    /** Has no meaning for a user-space stack, as for most kernels. */
    @Override
    public UserTcpSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public UserTcpSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    static void requireStackValue(String option, Object requested, Object effective, String setting) {
        if (!requested.equals(effective)) {
            throw new UnsupportedOperationException(option + " is stack-wide in usertcp (now " + effective
                    + "); set " + setting + " for the stack instead");
        }
    }

    @Override
    public UserTcpSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Deprecated
    @Override
    public UserTcpSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public UserTcpSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
