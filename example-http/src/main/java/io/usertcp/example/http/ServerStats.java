package io.usertcp.example.http;

import io.netty.util.concurrent.Future;
import io.usertcp.tcp.info.TcpConnectionListing;
import io.usertcp.transport.device.UserTcpStack;
import io.usertcp.transport.management.StackMonitor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code GET /stats} reports, in the Prometheus text format ({@link PrometheusStatsRenderer}): counts this
 * server keeps itself, shared by every connection and updated from every event loop, hence adders rather than
 * plain fields; then, on usertcp, each stack's counters and connections. Those live on the stack's loop: they are
 * read there ({@link StackMonitor}), and the request's loop waits for them, at once when it is the stack's own.
 */
final class ServerStats {
    private static final long STACK_READ_SECONDS = 5;
    private static final int LISTING_LIMIT = 10_000;

    private final List<UserTcpStack> stacks;
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsOpen = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder bodyBytesServed = new LongAdder();

    /** Counts for a kernel-TCP server, which has no stack counters of its own to show. */
    ServerStats() {
        this(List.of());
    }

    /** Counts followed by the counters of {@code stacks}. */
    ServerStats(List<UserTcpStack> stacks) {
        this.stacks = List.copyOf(stacks);
    }

    void connectionOpened() {
        connectionsAccepted.increment();
        connectionsOpen.increment();
    }

    void connectionClosed() {
        connectionsOpen.decrement();
    }

    void requestReceived() {
        requests.increment();
    }

    /** Counts body bytes of a 200 response once the transport has accepted them. */
    void bodyBytesServed(long bytes) {
        bodyBytesServed.add(bytes);
    }

    String render(Transport transport) {
        List<PrometheusStatsRenderer.StackSample> samples = new ArrayList<>(stacks.size());
        for (UserTcpStack stack : stacks) {
            StackMonitor monitor = stack.monitor();
            samples.add(new PrometheusStatsRenderer.StackSample(monitor.getDevice(), await(monitor.statistics()),
                    await(monitor.connections(PrometheusStatsRenderer.CONNECTION_LIMIT))));
        }
        return PrometheusStatsRenderer.render(transport.commandLineName(), new PrometheusStatsRenderer.ServerCounts(
                connectionsOpen.sum(), connectionsAccepted.sum(), requests.sum(), bodyBytesServed.sum()), samples);
    }

    /**
     * {@code GET /connections}: per stack a title line and its listing ({@link TcpConnectionListing}, at most
     * {@value #LISTING_LIMIT} connections); on kernel TCP, where {@code ss -tin} shows them, a line saying so.
     */
    String connectionListing() {
        if (stacks.isEmpty()) {
            return "no usertcp stack in this server; kernel connections are listed by ss -tin\n";
        }
        StringBuilder text = new StringBuilder();
        for (UserTcpStack stack : stacks) {
            StackMonitor monitor = stack.monitor();
            text.append("usertcp stack ").append(monitor.getAddress()).append(" on ").append(monitor.getDevice())
                    .append('\n').append(await(monitor.connections(LISTING_LIMIT)));
        }
        return text.toString();
    }

    private static <T> T await(Future<T> read) {
        try {
            return read.get(STACK_READ_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a stack's counters", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read a stack's counters", e);
        }
    }
}
