package io.usertcp.transport.channel;

import io.netty.channel.ChannelOption;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionOptions;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;

import java.util.concurrent.TimeUnit;

/**
 * The TCP options a channel's config was given, over whatever the connection would have otherwise (the stack's or
 * its listener's {@link TcpConnectionOptions}). Set from any thread; read by the channel's loop (the water marks)
 * and applied by the stack's loop ({@link #applyTo}), which does nothing unless a value changed since it last
 * looked, so the write path neither allocates nor compares here.
 */
final class RequestedConnectionOptions {
    /** The stack defaults when no stack is known yet (a client before connect). */
    static final TcpConnectionOptions STACK_DEFAULTS = TcpConnectionOptions.from(TcpStackConfig.defaults());

    private static final int NAGLE = 1;
    private static final int SEND_BUFFER = 1 << 1;
    private static final int RECEIVE_BUFFER = 1 << 2;
    private static final int MAX_SEGMENT = 1 << 3;
    private static final int KEEPALIVE_IDLE = 1 << 4;
    private static final int KEEPALIVE_INTERVAL = 1 << 5;
    private static final int KEEPALIVE_PROBES = 1 << 6;
    private static final int USER_TIMEOUT = 1 << 7;
    private static final int CONGESTION_CONTROL = 1 << 8;
    private static final int KEEPALIVE = KEEPALIVE_IDLE | KEEPALIVE_INTERVAL | KEEPALIVE_PROBES;

    /** The values set; a field counts only if its bit is in {@link #set}. Written before {@link #set}. */
    private volatile TcpConnectionOptions values = STACK_DEFAULTS;
    private volatile int set;
    private volatile int version;
    /** Stack loop only: the {@link #version} the connection has. */
    private int appliedVersion = -1;

    synchronized void nagle(boolean enabled) {
        update(values.withNagle(enabled), NAGLE);
    }

    synchronized void sendBufferBytes(int bytes) {
        update(values.withSendBufferBytes(bytes), SEND_BUFFER);
    }

    synchronized void receiveBufferBytes(int bytes) {
        update(values.withReceiveBufferBytes(bytes), RECEIVE_BUFFER);
    }

    synchronized void maxSegmentSize(int mss) {
        update(values.withMaxSegmentSize(mss), MAX_SEGMENT);
    }

    synchronized void keepAliveIdleSeconds(int seconds) {
        TcpConnectionOptions v = values;
        update(v.withKeepAliveTiming(TimeUnit.SECONDS.toNanos(seconds), v.keepAliveIntervalNanos(),
                v.keepAliveProbes()), KEEPALIVE_IDLE);
    }

    synchronized void keepAliveIntervalSeconds(int seconds) {
        TcpConnectionOptions v = values;
        update(v.withKeepAliveTiming(v.keepAliveIdleNanos(), TimeUnit.SECONDS.toNanos(seconds),
                v.keepAliveProbes()), KEEPALIVE_INTERVAL);
    }

    synchronized void keepAliveProbes(int probes) {
        TcpConnectionOptions v = values;
        update(v.withKeepAliveTiming(v.keepAliveIdleNanos(), v.keepAliveIntervalNanos(), probes), KEEPALIVE_PROBES);
    }

    synchronized void userTimeoutMillis(int millis) {
        update(values.withUserTimeoutNanos(TimeUnit.MILLISECONDS.toNanos(millis)), USER_TIMEOUT);
    }

    synchronized void congestionControl(String name) {
        update(values.withCongestionControl(name), CONGESTION_CONTROL);
    }

    private void update(TcpConnectionOptions updated, int bit) {
        values = updated;
        set |= bit;
        version++;
    }

    boolean nagle(TcpConnectionOptions base) {
        return ((set & NAGLE) != 0 ? values : base).nagle();
    }

    int sendBufferBytes(TcpConnectionOptions base) {
        return ((set & SEND_BUFFER) != 0 ? values : base).sendBufferBytes();
    }

    int receiveBufferBytes(TcpConnectionOptions base) {
        return ((set & RECEIVE_BUFFER) != 0 ? values : base).receiveBufferBytes();
    }

    int maxSegmentSize(TcpConnectionOptions base) {
        return ((set & MAX_SEGMENT) != 0 ? values : base).maxSegmentSize();
    }

    int keepAliveIdleSeconds(TcpConnectionOptions base) {
        return (int) TimeUnit.NANOSECONDS.toSeconds(((set & KEEPALIVE_IDLE) != 0 ? values : base).keepAliveIdleNanos());
    }

    int keepAliveIntervalSeconds(TcpConnectionOptions base) {
        return (int) TimeUnit.NANOSECONDS.toSeconds(
                ((set & KEEPALIVE_INTERVAL) != 0 ? values : base).keepAliveIntervalNanos());
    }

    int keepAliveProbes(TcpConnectionOptions base) {
        return ((set & KEEPALIVE_PROBES) != 0 ? values : base).keepAliveProbes();
    }

    int userTimeoutMillis(TcpConnectionOptions base) {
        return (int) TimeUnit.NANOSECONDS.toMillis(((set & USER_TIMEOUT) != 0 ? values : base).userTimeoutNanos());
    }

    String congestionControl(TcpConnectionOptions base) {
        return ((set & CONGESTION_CONTROL) != 0 ? values : base).congestionControl();
    }

    /** The value of one of usertcp's own {@link UserTcpChannelOption}s over {@code base}; null for other options. */
    Object userTcpOption(ChannelOption<?> option, TcpConnectionOptions base) {
        if (option == UserTcpChannelOption.CONGESTION_CONTROL) {
            return congestionControl(base);
        }
        if (option == UserTcpChannelOption.TCP_KEEPIDLE) {
            return keepAliveIdleSeconds(base);
        }
        if (option == UserTcpChannelOption.TCP_KEEPINTVL) {
            return keepAliveIntervalSeconds(base);
        }
        if (option == UserTcpChannelOption.TCP_KEEPCNT) {
            return keepAliveProbes(base);
        }
        if (option == UserTcpChannelOption.TCP_USER_TIMEOUT) {
            return userTimeoutMillis(base);
        }
        if (option == UserTcpChannelOption.TCP_MAXSEG) {
            return maxSegmentSize(base);
        }
        return null;
    }

    /**
     * Records one of usertcp's own {@link UserTcpChannelOption}s; false for other options.
     *
     * @throws IllegalArgumentException if the value is out of its option's range
     */
    boolean setUserTcpOption(ChannelOption<?> option, Object value) {
        if (option == UserTcpChannelOption.CONGESTION_CONTROL) {
            congestionControl((String) value);
        } else if (option == UserTcpChannelOption.TCP_KEEPIDLE) {
            keepAliveIdleSeconds((Integer) value);
        } else if (option == UserTcpChannelOption.TCP_KEEPINTVL) {
            keepAliveIntervalSeconds((Integer) value);
        } else if (option == UserTcpChannelOption.TCP_KEEPCNT) {
            keepAliveProbes((Integer) value);
        } else if (option == UserTcpChannelOption.TCP_USER_TIMEOUT) {
            userTimeoutMillis((Integer) value);
        } else if (option == UserTcpChannelOption.TCP_MAXSEG) {
            maxSegmentSize((Integer) value);
        } else {
            return false;
        }
        return true;
    }

    /**
     * {@code base} with the values set here, for a connection or listener about to open on {@code engine}.
     *
     * @throws IllegalArgumentException if the congestion control is not one of the engine's
     */
    TcpConnectionOptions over(TcpConnectionOptions base, TcpEngine engine) {
        int s = set;
        TcpConnectionOptions v = values;
        TcpConnectionOptions result = base;
        if ((s & NAGLE) != 0) {
            result = result.withNagle(v.nagle());
        }
        if ((s & SEND_BUFFER) != 0) {
            result = result.withSendBufferBytes(v.sendBufferBytes());
        }
        if ((s & RECEIVE_BUFFER) != 0) {
            result = result.withReceiveBufferBytes(v.receiveBufferBytes());
        }
        if ((s & MAX_SEGMENT) != 0) {
            result = result.withMaxSegmentSize(v.maxSegmentSize());
        }
        if ((s & KEEPALIVE) != 0) {
            result = result.withKeepAliveTiming(
                    (s & KEEPALIVE_IDLE) != 0 ? v.keepAliveIdleNanos() : result.keepAliveIdleNanos(),
                    (s & KEEPALIVE_INTERVAL) != 0 ? v.keepAliveIntervalNanos() : result.keepAliveIntervalNanos(),
                    (s & KEEPALIVE_PROBES) != 0 ? v.keepAliveProbes() : result.keepAliveProbes());
        }
        if ((s & USER_TIMEOUT) != 0) {
            result = result.withUserTimeoutNanos(v.userTimeoutNanos());
        }
        if ((s & CONGESTION_CONTROL) != 0) {
            engine.congestionAlgorithms().get(v.congestionControl());
            result = result.withCongestionControl(v.congestionControl());
        }
        return result;
    }

    /**
     * On the stack's loop: gives {@code connection} the values set since the last call, through its setters, so
     * each takes effect as that setter describes. Nothing happens when no value changed.
     */
    void applyTo(TcpConnection connection) {
        int current = version;
        if (current == appliedVersion) {
            return;
        }
        appliedVersion = current;
        int s = set;
        TcpConnectionOptions v = values;
        TcpConnectionOptions now = connection.options();
        if ((s & SEND_BUFFER) != 0 && v.sendBufferBytes() != now.sendBufferBytes()) {
            connection.setSendBufferBytes(v.sendBufferBytes());
        }
        if ((s & RECEIVE_BUFFER) != 0 && v.receiveBufferBytes() != now.receiveBufferBytes()) {
            connection.setReceiveBufferBytes(v.receiveBufferBytes());
        }
        if ((s & MAX_SEGMENT) != 0 && v.maxSegmentSize() != now.maxSegmentSize()) {
            connection.setMaxSegmentSize(v.maxSegmentSize());
        }
        if ((s & KEEPALIVE) != 0) {
            long idle = (s & KEEPALIVE_IDLE) != 0 ? v.keepAliveIdleNanos() : now.keepAliveIdleNanos();
            long interval = (s & KEEPALIVE_INTERVAL) != 0 ? v.keepAliveIntervalNanos() : now.keepAliveIntervalNanos();
            int probes = (s & KEEPALIVE_PROBES) != 0 ? v.keepAliveProbes() : now.keepAliveProbes();
            if (idle != now.keepAliveIdleNanos() || interval != now.keepAliveIntervalNanos()
                    || probes != now.keepAliveProbes()) {
                connection.setKeepAliveTiming(idle, interval, probes);
            }
        }
        if ((s & USER_TIMEOUT) != 0 && v.userTimeoutNanos() != now.userTimeoutNanos()) {
            connection.setUserTimeoutNanos(v.userTimeoutNanos());
        }
        if ((s & CONGESTION_CONTROL) != 0 && !v.congestionControl().equals(now.congestionControl())) {
            connection.setCongestionControl(v.congestionControl());
        }
        // Last: turning Nagle off sends what it held, with the other settings already in place
        if ((s & NAGLE) != 0 && v.nagle() != now.nagle()) {
            connection.setNagle(v.nagle());
        }
    }
}
