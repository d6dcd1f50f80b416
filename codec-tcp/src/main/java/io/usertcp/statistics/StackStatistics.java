package io.usertcp.statistics;

import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.ip.reassembly.FragmentReassembler;
import io.usertcp.neighbour.NeighbourDropReason;
import io.usertcp.neighbour.NeighbourTable;
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
import java.util.function.ToLongFunction;

/**
 * An immutable snapshot of one stack's counters, in the spirit of {@code nstat} and {@code netstat -s}: the link,
 * ARP, IPv4 and ICMP counters ({@link StackCounters}), those of the ARP cache ({@link NeighbourTable}, waiting
 * frames dropped by {@link NeighbourDropReason}) and of reassembly ({@link FragmentReassembler}, by datagram), the
 * TCP counters ({@link TcpCounters}), every drop reason
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
    private final int timeWaitConnections;
    private final int orphanConnections;
    private final int halfOpenConnections;

    private StackStatistics(Map<String, Long> counters, Map<DropReason, Long> drops, Map<Integer, Long> icmpIn,
                            Map<Integer, Long> icmpOut, int connections, int timeWaitConnections,
                            int orphanConnections, int halfOpenConnections) {
        this.counters = Collections.unmodifiableMap(counters);
        this.drops = Collections.unmodifiableMap(drops);
        this.icmpInByType = Collections.unmodifiableMap(icmpIn);
        this.icmpOutByType = Collections.unmodifiableMap(icmpOut);
        this.connections = connections;
        this.timeWaitConnections = timeWaitConnections;
        this.orphanConnections = orphanConnections;
        this.halfOpenConnections = halfOpenConnections;
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
        putNeighbourCounters(counters, stack.neighbourTable());
        counters.put("ip_datagrams_in", stack.datagramsIn());
        counters.put("ip_datagrams_out", stack.datagramsOut());
        counters.put("ip_fragments_in", stack.fragmentsIn());
        counters.put("ip_fragments_out", stack.fragmentsOut());
        counters.put("ip_reassembled", stack.reassembled());
        putReassemblyCounters(counters, stack.reassembler());
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
        return new StackStatistics(counters, drops, icmpIn, icmpOut, engine.connectionCount(), engine.timeWaitCount(),
                engine.orphanCount(), engine.halfOpenConnectionCount());
    }

    private static void putNeighbourCounters(Map<String, Long> counters, NeighbourTable table) {
        put(counters, "neighbour_entries_created", table, NeighbourTable::entriesCreated);
        put(counters, "neighbour_entries_evicted", table, NeighbourTable::entriesEvicted);
        put(counters, "neighbour_entries_expired", table, NeighbourTable::entriesExpired);
        put(counters, "neighbour_entries_refused", table, NeighbourTable::entriesRefused);
        put(counters, "neighbour_resolution_failures", table, NeighbourTable::resolutionFailures);
        put(counters, "neighbour_conflicts", table, NeighbourTable::conflicts);
        put(counters, "neighbour_senders_rejected", table, NeighbourTable::sendersRejected);
        put(counters, "neighbour_frames_queued", table, NeighbourTable::framesQueued);
        for (NeighbourDropReason reason : NeighbourDropReason.values()) {
            put(counters, neighbourDropCounterName(reason), table, t -> t.framesDropped(reason));
        }
    }

    /** The counter name under which {@link #counters()} holds frames the ARP cache dropped for {@code reason}. */
    public static String neighbourDropCounterName(NeighbourDropReason reason) {
        return "neighbour_frames_dropped_" + reason.name().toLowerCase(Locale.ROOT);
    }

    private static void putReassemblyCounters(Map<String, Long> counters, FragmentReassembler reassembler) {
        put(counters, "ip_reassembly_timeouts", reassembler, FragmentReassembler::timedOutDatagrams);
        put(counters, "ip_reassembly_overlaps", reassembler, FragmentReassembler::overlappingDatagrams);
        put(counters, "ip_reassembly_oversize", reassembler, FragmentReassembler::oversizeDatagrams);
        put(counters, "ip_reassembly_malformed", reassembler, FragmentReassembler::malformedDatagrams);
        put(counters, "ip_reassembly_too_fragmented", reassembler, FragmentReassembler::tooFragmentedDatagrams);
        put(counters, "ip_reassembly_evicted", reassembler, FragmentReassembler::evictedDatagrams);
        put(counters, "ip_reassembly_memory_limit", reassembler, FragmentReassembler::memoryLimitDatagrams);
    }

    /** A layer not yet in a pipeline has counted nothing. */
    private static <T> void put(Map<String, Long> counters, String name, T layer, ToLongFunction<T> counter) {
        counters.put(name, layer == null ? 0 : counter.applyAsLong(layer));
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

    /** Of {@link #connections()}, those in TIME-WAIT (a gauge). */
    public int timeWaitConnections() {
        return timeWaitConnections;
    }

    /** Of {@link #connections()}, the orphans: closed by the application and still closing (a gauge). */
    public int orphanConnections() {
        return orphanConnections;
    }

    /** Of {@link #connections()}, the handshakes in SYN-RECEIVED across all listeners (a gauge). */
    public int halfOpenConnections() {
        return halfOpenConnections;
    }

    /** {@code name value} lines, as {@code nstat -a} prints them, then the non-zero drops. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(2048);
        counters.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
        text.append("tcp_connections ").append(connections).append('\n');
        text.append("tcp_time_wait_connections ").append(timeWaitConnections).append('\n');
        text.append("tcp_orphan_connections ").append(orphanConnections).append('\n');
        text.append("tcp_half_open_connections ").append(halfOpenConnections).append('\n');
        drops.forEach((reason, count) -> {
            if (count != 0) {
                text.append("drops_").append(reason.name().toLowerCase(Locale.ROOT)).append(' ').append(count)
                        .append('\n');
            }
        });
        return text.toString();
    }
}
