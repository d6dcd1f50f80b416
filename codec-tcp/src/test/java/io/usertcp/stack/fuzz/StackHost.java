package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CongestionControlAlgorithms;
import io.usertcp.tcp.handler.TcpHandlers;

/**
 * One whole stack on an {@link EmbeddedChannel} standing in for its device: Ethernet, ARP, IPv4 (with
 * reassembly) and ICMP from {@link StackPipeline}, then the TCP handlers of a {@link TcpEngine}, all on the
 * shared mock ticker. Initial sequence numbers come from the run's seed and the clock instead of a secret key,
 * so the same seed gives the same sequence numbers.
 */
final class StackHost {
    final EmbeddedChannel channel;
    final StackPipeline stack;
    final TcpEngine engine;

    StackHost(StackConfig config, TcpStackConfig tcp, MockTicker ticker, ByteBufAllocator allocator, long seed) {
        channel = EmbeddedChannel.builder().ticker(ticker).build();
        channel.config().setAllocator(allocator);
        stack = StackPipeline.install(channel.pipeline(), config, ticker);
        engine = new TcpEngine(tcp, ticker, allocator,
                (localAddress, localPort, remoteAddress, remotePort) -> (int) mix(seed
                        ^ ((long) localAddress << 32 | Integer.toUnsignedLong(remoteAddress))
                        ^ ((long) localPort << 16 | remotePort)) + (int) (ticker.nanoTime() / 4_000),
                new CongestionControlAlgorithms());
        TcpHandlers.addLast(channel.pipeline(), engine);
    }

    /** SplitMix64's finaliser: spreads a key over all bits. */
    private static long mix(long key) {
        long z = key + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ z >>> 30) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ z >>> 27) * 0x94D0_49BB_1331_11EBL;
        return z ^ z >>> 31;
    }

    /** Runs the channel's due tasks (ARP and reassembly housekeeping) and the engine's due timers. */
    void runDue() {
        channel.runPendingTasks();
        engine.expireTimers();
        channel.checkException();
    }

    /** Delay to this host's next task or timer; -1 when none is pending. */
    long nextEventDelay() {
        long task = channel.runScheduledPendingTasks();
        long timer = engine.timingWheel().nextExpiryDelayNanos(engine.nowNanos());
        return task < 0 ? timer : timer < 0 ? task : Math.min(task, timer);
    }
}
