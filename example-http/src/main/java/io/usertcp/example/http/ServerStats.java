package io.usertcp.example.http;

import io.usertcp.transport.device.UserTcpStack;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code GET /stats} reports: counts this server keeps itself, shared by every connection and
 * updated from every event loop, hence adders rather than plain fields; then, on usertcp, the counters
 * of the stacks ({@link StackCountersText}).
 */
final class ServerStats {
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
        return "transport: " + transport.commandLineName() + "\n"
                + "connections open: " + connectionsOpen.sum() + "\n"
                + "connections accepted: " + connectionsAccepted.sum() + "\n"
                + "requests: " + requests.sum() + "\n"
                + "body bytes served: " + bodyBytesServed.sum() + "\n"
                + StackCountersText.render(stacks);
    }
}
