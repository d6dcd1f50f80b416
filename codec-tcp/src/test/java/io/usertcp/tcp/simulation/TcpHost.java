package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CongestionControlAlgorithms;
import io.usertcp.tcp.handler.TcpHandlers;
import io.usertcp.testing.network.SimulatedHost;

/**
 * One simulated host with the whole stack: the {@link SimulatedHost}'s Ethernet/ARP/IPv4/ICMP pipeline, then
 * the four TCP handlers on one {@link TcpEngine} whose clock is the network's mock ticker and whose timing
 * wheel the network drives.
 */
final class TcpHost {
    private final SimulatedHost host;
    private final TcpEngine engine;
    private final int address;

    TcpHost(SimulatedHost host, int address, TcpStackConfig config, Ticker ticker, ByteBufAllocator allocator) {
        this.host = host;
        this.address = address;
        host.channel().config().setAllocator(allocator);
        // Deterministic ISNs close below 2^32, so every transfer of more than a few MB wraps its sequence space
        this.engine = new TcpEngine(config, ticker, allocator,
                (localAddress, localPort, remoteAddress, remotePort) ->
                        -(int) ((StreamEndpoint.streamSeed(localPort, remotePort) & 0x3F_FFFF) + 4_000_000),
                new CongestionControlAlgorithms());
        TcpHandlers.addLast(host.pipeline(), engine);
        host.addTimers(engine.timingWheel());
    }

    SimulatedHost host() {
        return host;
    }

    TcpEngine engine() {
        return engine;
    }

    int address() {
        return address;
    }

    /** Segments and datagrams this host dropped for a bad TCP, IPv4 or ICMP checksum. */
    long checksumDrops() {
        return engine.dropCounters().get(DropReason.BAD_TCP_CHECKSUM)
                + host.stack().counters().drops().get(DropReason.BAD_IP_CHECKSUM)
                + host.stack().counters().drops().get(DropReason.BAD_ICMP_CHECKSUM);
    }

    @Override
    public String toString() {
        return host.name();
    }
}
