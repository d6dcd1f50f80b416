package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpTimerEvent;
import io.usertcp.testing.network.ImpairmentConfig;
import io.usertcp.testing.network.SimulatedNetwork;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two full stacks on a {@link SimulatedNetwork}: client host "a" (198.18.0.1/24) connects to a listener on
 * server host "b" (198.18.0.2/24); each side of every connection is a {@link StreamEndpoint}. Everything runs
 * on virtual time from the test thread. Every frame goes to a capture that is kept, and named in the failure,
 * only when the run fails.
 */
final class TcpSimulation implements AutoCloseable {
    static final int A_ADDRESS = Ipv4Address.parse("198.18.0.1");
    static final int B_ADDRESS = Ipv4Address.parse("198.18.0.2");
    static final int SERVER_PORT = 5001;
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * No byte received for this long is a stall: five times the 60 s maximum RTO. At 10% loss each way a
     * retransmission or its ACK is now and then lost several times in a row, and each timeout doubles the RTO
     * (RFC 6298 5.5), which stays backed off until a fresh RTT sample (RFC 6298 5.7 and Karn): a legitimate
     * silence can come near the maximum RTO.
     */
    static final long STALL_NANOS = 300 * SECOND;
    static final Path CAPTURES = Path.of(System.getProperty("java.io.tmpdir"), "usertcp-simulations");

    private static final StackConfig A_STACK =
            StackConfig.builder(A_ADDRESS, 24, MacAddress.parse("02:00:00:00:00:0a")).build();
    private static final StackConfig B_STACK =
            StackConfig.builder(B_ADDRESS, 24, MacAddress.parse("02:00:00:00:00:0b")).build();

    private final MockTicker ticker = Ticker.newMockTicker();
    private final SimulatedNetwork network = new SimulatedNetwork(ticker);
    private final ByteBufAllocator allocator;
    private final TcpHost a;
    private final TcpHost b;
    private final List<StreamEndpoint> clients = new ArrayList<>();
    /** Server endpoints by the client's port. */
    private final Map<Integer, StreamEndpoint> servers = new HashMap<>();
    private TcpListener listener;

    /**
     * @param aEgress what the link does to the frames a sends; {@code bEgress} likewise for b
     */
    TcpSimulation(String name, TcpStackConfig tcp, ImpairmentConfig aEgress, ImpairmentConfig bEgress, long seed,
                  ByteBufAllocator allocator) {
        this.allocator = allocator;
        network.captureOnFailure(CAPTURES.resolve(name + "-" + seed + ".pcap"));
        a = new TcpHost(network.addHost("a", A_STACK, aEgress, seed), A_ADDRESS, tcp, ticker, allocator);
        b = new TcpHost(network.addHost("b", B_STACK, bEgress, seed + 1), B_ADDRESS, tcp, ticker, allocator);
    }

    SimulatedNetwork network() {
        return network;
    }

    TcpHost a() {
        return a;
    }

    TcpHost b() {
        return b;
    }

    /** b listens; each accepted connection sends {@code sendBytes} back with the named algorithm (null: default). */
    void listen(long sendBytes, String congestionControl, int backlog) {
        listener = b.engine().listen(B_ADDRESS, SERVER_PORT, backlog, ready -> {
            StreamEndpoint server = new StreamEndpoint(allocator, sendBytes, congestionControl);
            TcpConnection accepted;
            while ((accepted = ready.accept(server)) != null) {
                servers.put(accepted.remotePort(), server);
                server = new StreamEndpoint(allocator, sendBytes, congestionControl);
            }
        });
    }

    /** a connects to b and sends {@code sendBytes} with the named algorithm (null: the stack's default). */
    StreamEndpoint connect(long sendBytes, String congestionControl) {
        StreamEndpoint client = new StreamEndpoint(allocator, sendBytes, congestionControl);
        client.bind(a.engine().connect(A_ADDRESS, B_ADDRESS, SERVER_PORT, client));
        clients.add(client);
        return client;
    }

    List<StreamEndpoint> clients() {
        return clients;
    }

    /** The server end of {@code client}'s connection; null before it is accepted. */
    StreamEndpoint serverOf(StreamEndpoint client) {
        return servers.get(client.connection().localPort());
    }

    long receivedBytes() {
        long total = 0;
        for (StreamEndpoint client : clients) {
            total += client.received().bytes();
        }
        for (StreamEndpoint server : servers.values()) {
            total += server.received().bytes();
        }
        return total;
    }

    boolean allDone() {
        if (servers.size() < clients.size()) {
            return false;
        }
        for (StreamEndpoint client : clients) {
            StreamEndpoint server = serverOf(client);
            if (!client.isDone() || server == null || !server.isDone()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs until every connection has carried both streams and closed cleanly. A stall, {@code stallNanos} of
     * virtual time without a received byte, fails with the capture named, as does a connection closed by an
     * error or a run longer than {@code maxNanos}.
     */
    void runToCompletion(long stallNanos, long maxNanos) {
        long deadline = ticker.nanoTime() + maxNanos;
        while (!allDone()) {
            checkNoErrors();
            long before = receivedBytes();
            try {
                network.runUntil(() -> allDone() || receivedBytes() != before || anyError(), stallNanos);
            } catch (AssertionError e) {
                throw new AssertionError("stall: no byte received in " + TimeUnit.NANOSECONDS.toSeconds(stallNanos)
                        + " virtual seconds; " + describe() + "; " + e.getMessage(), e);
            }
            if (ticker.nanoTime() - deadline > 0) {
                throw network.failure("not finished within " + TimeUnit.NANOSECONDS.toSeconds(maxNanos)
                        + " virtual seconds: " + describe());
            }
        }
        checkNoErrors();
    }

    private boolean anyError() {
        for (StreamEndpoint client : clients) {
            if (client.isClosed() && client.closeCause() != null) {
                return true;
            }
        }
        for (StreamEndpoint server : servers.values()) {
            if (server.isClosed() && server.closeCause() != null) {
                return true;
            }
        }
        return false;
    }

    private void checkNoErrors() {
        if (anyError()) {
            throw network.failure("a connection failed: " + describe());
        }
    }

    /** Runs until both timing wheels are empty: TIME-WAIT over, every timer of every connection gone. */
    void runUntilTimersExpire() {
        network.runUntil(() -> a.engine().timingWheel().activeCount() == 0
                && b.engine().timingWheel().activeCount() == 0
                && a.engine().connectionCount() == 0 && b.engine().connectionCount() == 0, 300 * SECOND);
    }

    /** What the run cost on the link and in the stacks. */
    Result result() {
        long framesSent = a.host().egress().framesIn() + b.host().egress().framesIn();
        long lost = a.host().egress().lost() + b.host().egress().lost() + a.host().egress().queueDropped()
                + b.host().egress().queueDropped();
        long retransmitted = a.engine().counters().get(TcpCounter.RETRANSMITTED_SEGMENTS)
                + b.engine().counters().get(TcpCounter.RETRANSMITTED_SEGMENTS);
        return new Result(framesSent, lost, retransmitted, a.checksumDrops() + b.checksumDrops());
    }

    /**
     * @param lostFrames frames the link lost at random or dropped from its full queue
     */
    record Result(long framesSent, long lostFrames, long retransmittedSegments, long checksumDrops) {
    }

    /** Virtual time now, as the stacks see it. */
    long nowNanos() {
        return ticker.nanoTime();
    }

    /** Virtual time since the network was made. */
    long elapsedNanos() {
        return network.elapsedNanos();
    }

    String describe() {
        StringBuilder text = new StringBuilder();
        text.append("t=").append(TimeUnit.NANOSECONDS.toMillis(network.elapsedNanos())).append(" ms");
        int shown = 0;
        for (StreamEndpoint client : clients) {
            if (shown++ == 4) {
                text.append(", ...");
                break;
            }
            text.append(", client ").append(client).append(' ').append(controlBlock(client.connection()))
                    .append(" / server ").append(serverOf(client));
            if (serverOf(client) != null) {
                text.append(' ').append(controlBlock(serverOf(client).connection()));
            }
        }
        for (TcpHost host : new TcpHost[] {a, b}) {
            text.append(", ").append(host).append(' ').append(host.host().egress()).append(' ')
                    .append(host.engine().counters()).append(' ').append(host.engine().dropCounters()).append(' ')
                    .append(host.host().stack().counters());
        }
        return text.toString();
    }

    private static String controlBlock(TcpConnection connection) {
        TcpControlBlock tcb = connection.controlBlock();
        StringBuilder timers = new StringBuilder();
        for (int kind = 0; kind < TcpTimerEvent.KINDS; kind++) {
            if (connection.isTimerArmed(kind)) {
                timers.append(kind).append(' ');
            }
        }
        return "[una=" + Integer.toUnsignedString(tcb.sndUna) + " nxt=" + Integer.toUnsignedString(tcb.sndNxt)
                + " max=" + Integer.toUnsignedString(tcb.sndMax) + " wnd=" + tcb.sndWnd + " rcvNxt="
                + Integer.toUnsignedString(tcb.rcvNxt) + " rcvWnd=" + tcb.receiveWindow() + " unacked="
                + tcb.bytesSinceAck + " recovery=" + tcb.inRecovery + " timers=" + timers + "cc="
                + connection.congestionControl() + " rto=" + connection.rttEstimator().rtoNanos() / 1_000_000
                + "ms]";
    }

    /** Closes the listener and both engines (aborting whatever is left), then the network. */
    @Override
    public void close() {
        try {
            if (listener != null) {
                listener.close();
            }
            a.engine().close();
            b.engine().close();
        } finally {
            network.close();
        }
    }
}
