package io.usertcp.transport.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.transport.device.UserTcpStack;

import java.util.Map;

/**
 * The options of a {@link UserTcpSocketChannel}, each applied to its own connection: at once (on the stack's loop)
 * when the channel has one, otherwise when it connects. Unset, an option has the value of the stack's
 * {@link io.usertcp.tcp.TcpStackConfig}, or for an accepted connection its server channel's.
 *
 * <ul>
 *   <li>{@code TCP_NODELAY}: Nagle off; on by default, as Netty's {@code DefaultSocketChannelConfig} sets it on
 *   every platform but Android, whatever the stack's {@code usertcp.nagle} (which only raw engine users see).
 *   Turning it on flushes what Nagle held.</li>
 *   <li>{@code SO_SNDBUF}: the connection's send buffer; it becomes unwritable at this many unacknowledged bytes
 *   and writable again at half, and the channel hands over no more than this meanwhile.</li>
 *   <li>{@code SO_RCVBUF}: the most the connection advertises. The window scale is chosen with the SYN, so set it
 *   before connect (or on the server channel for accepted connections, as Netty documents); afterwards a larger
 *   value is clamped to what the scale expresses and a smaller one closes the window only as data arrives.</li>
 *   <li>{@link UserTcpChannelOption}s: congestion control, keep-alive timing, user timeout and MSS clamp.</li>
 *   <li>{@code SO_KEEPALIVE} (probes per the keep-alive timing), {@code SO_LINGER} (0: close sends RST; any
 *   other value closes with FIN, which never blocks here), {@code AUTO_READ} (off: the connection stops taking
 *   data and its window closes), {@code ALLOW_HALF_CLOSURE}, {@code CONNECT_TIMEOUT_MILLIS} and
 *   {@code WRITE_BUFFER_WATER_MARK} (over the bytes the connection's send buffer cannot take yet).</li>
 * </ul>
 *
 * <p>{@code SO_REUSEADDR} is always on (a listener may take a port whose old connections are in TIME-WAIT) and
 * {@code IP_TOS} is always 0: another value is refused with {@link UnsupportedOperationException} rather than
 * stored without effect.
 */
public final class UserTcpSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    static final String REUSE_ADDRESS_REASON = "a listener may take a port whose old connections are in TIME-WAIT";

    private final UserTcpSocketChannel channel;
    private final RequestedConnectionOptions requested = new RequestedConnectionOptions();
    /** What an accepted connection started with (its server channel's options); null for a client. */
    private final TcpConnectionOptions acceptedOptions;
    private volatile boolean allowHalfClosure;
    private volatile boolean keepAlive;
    private volatile int soLinger = -1;

    UserTcpSocketChannelConfig(UserTcpSocketChannel channel) {
        super(channel);
        this.channel = channel;
        UserTcpStack stack = channel.stack();
        keepAlive = stack != null && stack.engine().config().keepAlive();
        acceptedOptions = channel.parent() instanceof UserTcpServerSocketChannel && stack != null
                ? ((UserTcpServerSocketChannel) channel.parent()).config().listenerOptions(stack.engine()) : null;
        // Netty's DefaultSocketChannelConfig turns Nagle off for every socket channel (TCP_NODELAY true)
        requested.nagle(false);
    }

    /** The options this connection would have without the ones set here. */
    private TcpConnectionOptions base() {
        if (acceptedOptions != null) {
            return acceptedOptions;
        }
        UserTcpStack stack = channel.stack();
        return stack == null ? RequestedConnectionOptions.STACK_DEFAULTS : stack.engine().connectionDefaults();
    }

    /**
     * The options to open a connection with on {@code engine}.
     *
     * @throws IllegalArgumentException if the congestion control set is not one of the engine's
     */
    TcpConnectionOptions connectionOptions(TcpEngine engine) {
        return requested.over(engine.connectionDefaults(), engine);
    }

    /** On the stack's loop: the options set since the last call take effect on {@code connection}. */
    void applyTo(TcpConnection connection) {
        requested.applyTo(connection);
    }

    private void optionsChanged() {
        channel.optionsChanged();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF,
                ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_LINGER, ChannelOption.IP_TOS, ChannelOption.ALLOW_HALF_CLOSURE,
                UserTcpChannelOption.CONGESTION_CONTROL, UserTcpChannelOption.TCP_KEEPIDLE,
                UserTcpChannelOption.TCP_KEEPINTVL, UserTcpChannelOption.TCP_KEEPCNT,
                UserTcpChannelOption.TCP_USER_TIMEOUT, UserTcpChannelOption.TCP_MAXSEG);
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
        Object own = requested.userTcpOption(option, base());
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
        } else if (option == UserTcpChannelOption.CONGESTION_CONTROL) {
            setCongestionControl((String) value);
        } else if (requested.setUserTcpOption(option, value)) {
            optionsChanged();
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** Nagle off; true unless set otherwise, as in Netty's other socket channels. */
    @Override
    public boolean isTcpNoDelay() {
        return !requested.nagle(base());
    }

    @Override
    public UserTcpSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        requested.nagle(!tcpNoDelay);
        optionsChanged();
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

    /** The connection's send buffer in bytes. */
    @Override
    public int getSendBufferSize() {
        return requested.sendBufferBytes(base());
    }

    /** @throws IllegalArgumentException unless positive */
    @Override
    public UserTcpSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        requested.sendBufferBytes(sendBufferSize);
        optionsChanged();
        return this;
    }

    /** The most the connection advertises, in bytes, as set (after the SYN the connection may clamp it). */
    @Override
    public int getReceiveBufferSize() {
        return requested.receiveBufferBytes(base());
    }

    /** @throws IllegalArgumentException unless in [1, 2^30] */
    @Override
    public UserTcpSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        requested.receiveBufferBytes(receiveBufferSize);
        optionsChanged();
        return this;
    }

    /** The connection's congestion control algorithm. */
    public String getCongestionControl() {
        return requested.congestionControl(base());
    }

    /**
     * @throws IllegalArgumentException if the channel's stack has no algorithm of that name (before connect, when
     *                                  the stack is not known yet, the connect fails with it instead)
     */
    public UserTcpSocketChannelConfig setCongestionControl(String name) {
        UserTcpStack stack = channel.stack();
        if (stack != null) {
            stack.engine().congestionAlgorithms().get(name);
        }
        requested.congestionControl(name);
        optionsChanged();
        return this;
    }

    /** Seconds of silence before keep-alive probes start. */
    public int getTcpKeepIdle() {
        return requested.keepAliveIdleSeconds(base());
    }

    /** @throws IllegalArgumentException unless positive */
    public UserTcpSocketChannelConfig setTcpKeepIdle(int seconds) {
        requested.keepAliveIdleSeconds(seconds);
        optionsChanged();
        return this;
    }

    /** Seconds between keep-alive probes. */
    public int getTcpKeepIntvl() {
        return requested.keepAliveIntervalSeconds(base());
    }

    /** @throws IllegalArgumentException unless positive */
    public UserTcpSocketChannelConfig setTcpKeepIntvl(int seconds) {
        requested.keepAliveIntervalSeconds(seconds);
        optionsChanged();
        return this;
    }

    /** Unanswered keep-alive probes that close the connection. */
    public int getTcpKeepCnt() {
        return requested.keepAliveProbes(base());
    }

    /** @throws IllegalArgumentException unless positive */
    public UserTcpSocketChannelConfig setTcpKeepCnt(int probes) {
        requested.keepAliveProbes(probes);
        optionsChanged();
        return this;
    }

    /** The RFC 5482 user timeout in milliseconds; 0 for none. */
    public int getTcpUserTimeout() {
        return requested.userTimeoutMillis(base());
    }

    /** @throws IllegalArgumentException if negative */
    public UserTcpSocketChannelConfig setTcpUserTimeout(int millis) {
        requested.userTimeoutMillis(millis);
        optionsChanged();
        return this;
    }

    /** The MSS clamp; 0 for none. */
    public int getTcpMaxSeg() {
        return requested.maxSegmentSize(base());
    }

    /** @throws IllegalArgumentException unless 0 or in [88, 65535] */
    public UserTcpSocketChannelConfig setTcpMaxSeg(int mss) {
        requested.maxSegmentSize(mss);
        optionsChanged();
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return keepAlive;
    }

    @Override
    public UserTcpSocketChannelConfig setKeepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
        optionsChanged();
        return this;
    }

    @Override
    public int getTrafficClass() {
        return 0;
    }

    @Override
    public UserTcpSocketChannelConfig setTrafficClass(int trafficClass) {
        requireFixedValue("IP_TOS", trafficClass, 0, "it sends every datagram with TOS 0");
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return true;
    }

    @Override
    public UserTcpSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        requireFixedValue("SO_REUSEADDR", reuseAddress, true, REUSE_ADDRESS_REASON);
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

    static void requireFixedValue(String option, Object requested, Object fixed, String why) {
        if (!requested.equals(fixed)) {
            throw new UnsupportedOperationException(option + " is always " + fixed + " in usertcp: " + why);
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
