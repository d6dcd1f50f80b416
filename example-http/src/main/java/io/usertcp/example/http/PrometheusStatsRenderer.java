package io.usertcp.example.http;

import io.usertcp.codec.DropReason;
import io.usertcp.statistics.StackStatistics;
import io.usertcp.tcp.info.TcpConnectionListing;
import io.usertcp.tcp.info.TcpInfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /stats} in the Prometheus text exposition format, version 0.0.4: the server's own counts (every
 * transport), then for each usertcp stack its counters ({@link StackStatistics}: one {@code usertcp_<name>_total}
 * per counter, drops by {@code reason}, ICMP by {@code type}), the connection count, and per-connection gauges
 * from the listing ({@link TcpConnectionListing}), at most {@link #CONNECTION_LIMIT} connections per stack so a
 * busy stack cannot make the page unbounded. Every sample of a stack carries a {@code device} label; each metric
 * family appears once, with its HELP and TYPE lines, whatever the number of stacks.
 */
final class PrometheusStatsRenderer {
    /** The content type of the text format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Most connections listed per stack. */
    static final int CONNECTION_LIMIT = 100;
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    /** What the server counts itself. */
    record ServerCounts(long connectionsOpen, long connectionsAccepted, long requests, long bodyBytesServed) {
    }

    /** One stack's counters and connections, read on its loop. */
    record StackSample(String device, StackStatistics statistics, TcpConnectionListing connections) {
    }

    /** A per-connection gauge: its name after {@code usertcp_tcp_connection_}, help, and value. */
    private record ConnectionGauge(String name, String help, ToDoubleFunction<TcpInfo> value) {
    }

    private static final List<ConnectionGauge> CONNECTION_GAUGES = List.of(
            new ConnectionGauge("srtt_seconds", "Smoothed RTT (RFC 6298).", info -> info.smoothedRttMicros()
                    / MICROS_PER_SECOND),
            new ConnectionGauge("rttvar_seconds", "RTT variation (RFC 6298).", info -> info.rttVariationMicros()
                    / MICROS_PER_SECOND),
            new ConnectionGauge("min_rtt_seconds", "Least recent RTT sample.", info -> info.minRttMicros()
                    / MICROS_PER_SECOND),
            new ConnectionGauge("rto_seconds", "Retransmission timeout, backoff included.", info -> info.rtoMicros()
                    / MICROS_PER_SECOND),
            new ConnectionGauge("cwnd_bytes", "Congestion window.", TcpInfo::congestionWindowBytes),
            new ConnectionGauge("send_window_bytes", "Peer's advertised window (SND.WND).", TcpInfo::sendWindowBytes),
            new ConnectionGauge("receive_window_bytes", "Window we advertise (RCV.WND).",
                    TcpInfo::receiveWindowBytes),
            new ConnectionGauge("unacked_bytes", "Sent and not yet acknowledged.", TcpInfo::unacknowledgedBytes),
            new ConnectionGauge("send_queue_bytes", "Written and not yet acknowledged (Send-Q).",
                    TcpInfo::sendQueueBytes),
            new ConnectionGauge("receive_queue_bytes", "Received and not yet read (Recv-Q).",
                    TcpInfo::receiveQueueBytes),
            new ConnectionGauge("bytes_sent", "Data bytes sent, retransmissions included.", TcpInfo::bytesSent),
            new ConnectionGauge("bytes_acked", "Data bytes acknowledged by the peer.", TcpInfo::bytesAcked),
            new ConnectionGauge("bytes_received", "In-order data bytes received.", TcpInfo::bytesReceived),
            new ConnectionGauge("segments_retransmitted", "Segments sent again.", TcpInfo::segmentsRetransmitted),
            new ConnectionGauge("lost_segments", "Segments deemed lost now.", TcpInfo::lostSegments),
            new ConnectionGauge("delivery_rate_bytes_per_second", "Data acknowledged per second lately.",
                    TcpInfo::deliveryRateBytesPerSecond));

    private PrometheusStatsRenderer() {
    }

    static String render(String transport, ServerCounts server, List<StackSample> stacks) {
        StringBuilder text = new StringBuilder(8192);
        String transportLabel = "{transport=\"" + escape(transport) + "\"}";
        family(text, "usertcp_http_connections_open", "gauge", "HTTP connections open now.");
        sample(text, "usertcp_http_connections_open", transportLabel, server.connectionsOpen());
        family(text, "usertcp_http_connections_accepted_total", "counter", "HTTP connections accepted.");
        sample(text, "usertcp_http_connections_accepted_total", transportLabel, server.connectionsAccepted());
        family(text, "usertcp_http_requests_total", "counter", "HTTP requests received.");
        sample(text, "usertcp_http_requests_total", transportLabel, server.requests());
        family(text, "usertcp_http_body_bytes_served_total", "counter", "Response body bytes the transport took.");
        sample(text, "usertcp_http_body_bytes_served_total", transportLabel, server.bodyBytesServed());
        if (stacks.isEmpty()) {
            return text.toString();
        }
        stackCounters(text, stacks);
        family(text, "usertcp_drops_total", "counter", "Frames and segments dropped, by reason.");
        for (StackSample stack : stacks) {
            for (Map.Entry<DropReason, Long> drop : stack.statistics().drops().entrySet()) {
                sample(text, "usertcp_drops_total", labels(stack, "reason",
                        drop.getKey().name().toLowerCase(Locale.ROOT)), drop.getValue());
            }
        }
        family(text, "usertcp_icmp_in_total", "counter", "ICMP messages received, by type.");
        for (StackSample stack : stacks) {
            stack.statistics().icmpInByType().forEach((type, count) ->
                    sample(text, "usertcp_icmp_in_total", labels(stack, "type", type.toString()), count));
        }
        family(text, "usertcp_icmp_out_total", "counter", "ICMP messages sent, by type.");
        for (StackSample stack : stacks) {
            stack.statistics().icmpOutByType().forEach((type, count) ->
                    sample(text, "usertcp_icmp_out_total", labels(stack, "type", type.toString()), count));
        }
        family(text, "usertcp_tcp_connections", "gauge", "Connections in the TCP engine's table.");
        for (StackSample stack : stacks) {
            sample(text, "usertcp_tcp_connections", labels(stack), stack.statistics().connections());
        }
        family(text, "usertcp_tcp_time_wait_connections", "gauge", "Of those, connections in TIME-WAIT.");
        for (StackSample stack : stacks) {
            sample(text, "usertcp_tcp_time_wait_connections", labels(stack),
                    stack.statistics().timeWaitConnections());
        }
        family(text, "usertcp_tcp_orphan_connections", "gauge",
                "Of those, connections the application closed that are still closing.");
        for (StackSample stack : stacks) {
            sample(text, "usertcp_tcp_orphan_connections", labels(stack), stack.statistics().orphanConnections());
        }
        family(text, "usertcp_tcp_half_open_connections", "gauge", "Of those, handshakes in SYN-RECEIVED.");
        for (StackSample stack : stacks) {
            sample(text, "usertcp_tcp_half_open_connections", labels(stack),
                    stack.statistics().halfOpenConnections());
        }
        for (ConnectionGauge gauge : CONNECTION_GAUGES) {
            String name = "usertcp_tcp_connection_" + gauge.name();
            family(text, name, "gauge", gauge.help() + " Per connection, at most " + CONNECTION_LIMIT
                    + " per stack.");
            for (StackSample stack : stacks) {
                for (TcpInfo info : stack.connections().connections()) {
                    sample(text, name, connectionLabels(stack, info), gauge.value().applyAsDouble(info));
                }
            }
        }
        return text.toString();
    }

    /** The flat counters; ICMP and drop totals are left to the labelled families, which sum to them. */
    private static void stackCounters(StringBuilder text, List<StackSample> stacks) {
        for (String counter : stacks.get(0).statistics().counters().keySet()) {
            if (counter.equals("icmp_in") || counter.equals("icmp_out") || counter.equals("drops")) {
                continue;
            }
            String name = "usertcp_" + counter + "_total";
            family(text, name, "counter", "The stack's " + counter.replace('_', ' ') + " counter.");
            for (StackSample stack : stacks) {
                sample(text, name, labels(stack), stack.statistics().counter(counter));
            }
        }
    }

    private static void family(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder text, String name, String labels, long value) {
        text.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder text, String name, String labels, double value) {
        text.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            text.append((long) value);
        } else {
            text.append(value);
        }
        text.append('\n');
    }

    private static String labels(StackSample stack) {
        return "{device=\"" + escape(stack.device()) + "\"}";
    }

    private static String labels(StackSample stack, String name, String value) {
        return "{device=\"" + escape(stack.device()) + "\"," + name + "=\"" + escape(value) + "\"}";
    }

    private static String connectionLabels(StackSample stack, TcpInfo info) {
        return "{device=\"" + escape(stack.device()) + "\",local=\"" + info.localEndpoint() + "\",remote=\""
                + info.remoteEndpoint() + "\",state=\"" + info.state().name().toLowerCase(Locale.ROOT) + "\"}";
    }

    /** Text format 0.0.4: a label value escapes backslash, double quote and line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
