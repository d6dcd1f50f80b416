package io.usertcp.statistics;

import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.stack.StackCounters;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpCounters;
import io.usertcp.tcp.TcpEngine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of one stack's counters, in the spirit of {@code nstat} and {@code netstat -s}: the link,
 * ARP, IPv4 and ICMP counters ({@link StackCounters}), the TCP counters ({@link TcpCounters}), every drop reason
 * by name (link layers and TCP summed), and ICMP messages by type. The counters live as plain fields on the
 * stack's event loop; {@link #of} copies them there, so the per-packet path never pays for a reader.
 *
 * <p>Counter names are lower-case words joined by underscores ({@code tcp_segments_received}), ready for
 * Prometheus or a JMX map; every counter only grows.
 */
public final class StackStatistics {
    private static final int ICMP_TYPES = 256;

    private final Map<String, Long> counters;
    private final Map<DropReason, Long> drops;
    private final Map<Integer, Long> icmpInByType;
    private final Map<Integer, Long> icmpOutByType;
    private final int connections;

    private StackStatistics(Map<String, Long> counters, Map<DropReason, Long> drops, Map<Integer, Long> icmpIn,
                            Map<Integer, Long> icmpOut, int connections) {
        this.counters = Collections.unmodifiableMap(counters);
        this.drops = Collections.unmodifiableMap(drops);
        this.icmpInByType = Collections.unmodifiableMap(icmpIn);
        this.icmpOutByType = Collections.unmodifiableMap(icmpOut);
        this.connections = connections;
    }

    /** Copies the counters of a stack's layers and its TCP engine; call on the stack's event loop. */
    public static StackStatistics of(StackCounters stack, TcpEngine engine) {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("frames_in", stack.framesIn());
        counters.put("frames_out", stack.framesOut());
        counters.put("arp_requests_in", stack.arpRequestsIn());
        counters.put("arp_replies_in", stack.arpRepliesIn());
        counters.put("arp_requests_out", stack.arpRequestsOut());
        counters.put("arp_replies_out", stack.arpRepliesOut());
        counters.put("ip_datagrams_in", stack.datagramsIn());
        counters.put("ip_datagrams_out", stack.datagramsOut());
        counters.put("ip_fragments_in", stack.fragmentsIn());
        counters.put("ip_fragments_out", stack.fragmentsOut());
        counters.put("ip_reassembled", stack.reassembled());
        counters.put("ip_no_route", stack.noRoute());
        counters.put("ip_fragmentation_refused", stack.fragmentationRefused());
        Map<Integer, Long> icmpIn = new TreeMap<>();
        Map<Integer, Long> icmpOut = new TreeMap<>();
        long icmpInTotal = 0;
        long icmpOutTotal = 0;
        for (int type = 0; type < ICMP_TYPES; type++) {
            icmpInTotal += putNonZero(icmpIn, type, stack.icmpIn(type));
            icmpOutTotal += putNonZero(icmpOut, type, stack.icmpOut(type));
        }
        counters.put("icmp_in", icmpInTotal);
        counters.put("icmp_out", icmpOutTotal);
        counters.put("icmp_errors_rate_limited", stack.icmpErrorsRateLimited());
        TcpCounters tcp = engine.counters();
        for (TcpCounter counter : TcpCounter.values()) {
            counters.put("tcp_" + counter.name().toLowerCase(Locale.ROOT), tcp.get(counter));
        }
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        DropCounters linkDrops = stack.drops();
        DropCounters tcpDrops = engine.dropCounters();
        long dropTotal = 0;
        for (DropReason reason : DropReason.values()) {
            long count = linkDrops.get(reason) + tcpDrops.get(reason);
            drops.put(reason, count);
            dropTotal += count;
        }
        counters.put("drops", dropTotal);
        return new StackStatistics(counters, drops, icmpIn, icmpOut, engine.connectionCount());
    }

    private static long putNonZero(Map<Integer, Long> byType, int type, long count) {
        if (count != 0) {
            byType.put(type, count);
        }
        return count;
    }

    /** Every counter by name, in a stable order: link, ARP, IPv4, ICMP, TCP, then the drop total. */
    public Map<String, Long> counters() {
        return counters;
    }

    /**
     * One counter by its name in {@link #counters()}.
     *
     * @throws IllegalArgumentException if there is no counter of that name
     */
    public long counter(String name) {
        Long value = counters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no counter '" + name + "'; there are " + counters.keySet());
        }
        return value;
    }

    /** Frames and segments dropped, for every reason (zeros included), link layers and TCP together. */
    public Map<DropReason, Long> drops() {
        return drops;
    }

    /** ICMP messages received by type, the types seen only. */
    public Map<Integer, Long> icmpInByType() {
        return icmpInByType;
    }

    /** ICMP messages sent by type, the types sent only. */
    public Map<Integer, Long> icmpOutByType() {
        return icmpOutByType;
    }

    /** Connections in the engine's table when the snapshot was taken (a gauge, not a counter). */
    public int connections() {
        return connections;
    }

    /** {@code name value} lines, as {@code nstat -a} prints them, then the non-zero drops. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(2048);
        counters.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
        text.append("tcp_connections ").append(connections).append('\n');
        drops.forEach((reason, count) -> {
            if (count != 0) {
                text.append("drops_").append(reason.name().toLowerCase(Locale.ROOT)).append(' ').append(count)
                        .append('\n');
            }
        });
        return text.toString();
    }
}
