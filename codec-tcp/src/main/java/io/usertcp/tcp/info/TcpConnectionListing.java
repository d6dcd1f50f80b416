package io.usertcp.tcp.info;

import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The connections of one engine, like {@code ss -tin}: one {@link TcpInfo} per connection, as data
 * ({@link #connections()}) and as text ({@link #toString()}). Taken on the engine's event loop by {@link #of};
 * immutable afterwards. A cap bounds the work and the size when a stack holds very many connections;
 * {@link #totalConnections()} still says how many there were.
 */
public final class TcpConnectionListing {
    private final List<TcpInfo> connections;
    private final int totalConnections;

    private TcpConnectionListing(List<TcpInfo> connections, int totalConnections) {
        this.connections = Collections.unmodifiableList(connections);
        this.totalConnections = totalConnections;
    }

    /**
     * Lists at most {@code limit} connections of {@code engine}, in its table's order; call on the engine's
     * event loop.
     */
    public static TcpConnectionListing of(TcpEngine engine, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        List<TcpInfo> listed = new ArrayList<>(Math.min(limit, engine.connectionCount()));
        engine.forEachConnection(connection -> {
            if (listed.size() < limit) {
                listed.add(TcpInfo.of(connection));
            }
        });
        return new TcpConnectionListing(listed, engine.connectionCount());
    }

    /** The listed connections, at most the limit given to {@link #of}. */
    public List<TcpInfo> connections() {
        return connections;
    }

    /** The connections the engine held, listed or not. */
    public int totalConnections() {
        return totalConnections;
    }

    /**
     * {@code ss -tin} layout: a header, then per connection a line with the state, Recv-Q, Send-Q and the two
     * endpoints, and an indented line of {@link TcpInfo#toString()}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(128 + connections.size() * 512);
        text.append(String.format(Locale.ROOT, "%-11s %8s %8s %-22s %-22s%n", "State", "Recv-Q", "Send-Q",
                "Local Address:Port", "Peer Address:Port"));
        for (TcpInfo info : connections) {
            text.append(String.format(Locale.ROOT, "%-11s %8d %8d %-22s %-22s%n", ssName(info.state()),
                    info.receiveQueueBytes(), info.sendQueueBytes(), info.localEndpoint(), info.remoteEndpoint()));
            text.append('\t').append(info).append('\n');
        }
        if (connections.size() < totalConnections) {
            text.append("... ").append(totalConnections - connections.size()).append(" more not listed\n");
        }
        return text.toString();
    }

    /** The state names {@code ss} prints. */
    static String ssName(TcpState state) {
        switch (state) {
            case ESTABLISHED:
                return "ESTAB";
            case SYN_SENT:
                return "SYN-SENT";
            case SYN_RECEIVED:
                return "SYN-RECV";
            case FIN_WAIT_1:
                return "FIN-WAIT-1";
            case FIN_WAIT_2:
                return "FIN-WAIT-2";
            case CLOSE_WAIT:
                return "CLOSE-WAIT";
            case LAST_ACK:
                return "LAST-ACK";
            case TIME_WAIT:
                return "TIME-WAIT";
            default:
                return state.name();
        }
    }
}
