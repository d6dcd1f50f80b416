package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.neighbour.NeighbourDropReason;
import io.usertcp.neighbour.NeighbourTableConfig;
import io.usertcp.statistics.StackStatistics;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.handler.TcpHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every drop reason and counter of every layer reaches {@link StackStatistics}, and so JMX and the example
 * server's {@code /stats}, which print what it holds: no drop goes uncounted or unseen.
 */
class StackStatisticsExportTest {
    private final MockTicker ticker = StackFrames.ticker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
    private final StackPipeline stack = StackPipeline.install(channel.pipeline(), StackFrames.config()
            .neighbours(NeighbourTableConfig.DEFAULT.withQueuedFrames(1, 4)).build(), ticker);
    private final TcpEngine engine = new TcpEngine(TcpStackConfig.defaults(), ticker, ByteBufAllocator.DEFAULT);

    StackStatisticsExportTest() {
        TcpHandlers.addLast(channel.pipeline(), engine);
        StackFrames.releaseAll(StackFrames.readFrames(channel));
    }

    @AfterEach
    void close() {
        StackFrames.releaseAll(StackFrames.readFrames(channel));
        channel.finishAndReleaseAll();
    }

    private StackStatistics statistics() {
        return StackStatistics.of(stack.counters(), engine);
    }

    private void send(int destination) {
        ByteBuf payload = StackFrames.BUFFERS.allocate(20);
        payload.writeBytes(StackFrames.pattern(20));
        channel.pipeline().context(StackPipeline.ICMP).writeAndFlush(new OutboundDatagram().set(payload, OUR_IP,
                destination, Ipv4Packet.PROTOCOL_TCP, 0, true));
    }

    @Test
    void everyDropReasonIsExported() {
        assertEquals(EnumSet.allOf(DropReason.class), statistics().drops().keySet());
    }

    @Test
    void everyTcpCounterIsExportedUnderItsName() {
        Set<String> names = statistics().counters().keySet();
        for (TcpCounter counter : TcpCounter.values()) {
            String name = "tcp_" + counter.name().toLowerCase(Locale.ROOT);
            assertTrue(names.contains(name), name + " missing from " + names);
        }
    }

    @Test
    void everyNeighbourDropReasonIsExportedUnderItsName() {
        Set<String> names = statistics().counters().keySet();
        for (NeighbourDropReason reason : NeighbourDropReason.values()) {
            String name = StackStatistics.neighbourDropCounterName(reason);
            assertTrue(names.contains(name), name + " missing from " + names);
        }
    }

    @Test
    void framesDroppedWhileWaitingOnArpAreExported() {
        int unresolved = Ipv4Address.parse("198.18.0.9");
        for (int i = 0; i < 3; i++) {
            send(unresolved);
        }

        StackStatistics statistics = statistics();

        assertEquals(2, statistics.counter(StackStatistics.neighbourDropCounterName(
                NeighbourDropReason.ENTRY_QUEUE_FULL)));
        assertEquals(3, statistics.counter("neighbour_frames_queued"));
        assertEquals(1, statistics.counter("neighbour_entries_created"));
    }

    @Test
    void reassemblyDatagramCountersAreExported() {
        byte[] piece = StackFrames.pattern(16);
        channel.writeInbound(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, 7,
                Ipv4Packet.FLAG_MORE_FRAGMENTS, 64, piece));
        channel.writeInbound(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, 7,
                Ipv4Packet.FLAG_MORE_FRAGMENTS | 1, 64, piece));

        StackStatistics statistics = statistics();

        assertEquals(1, statistics.counter("ip_reassembly_overlaps"));
        assertEquals(2, statistics.drops().get(DropReason.FRAGMENT_OVERLAP));
    }

    @Test
    void countersOfLayersNotInAPipelineAreZero() {
        StackStatistics statistics = StackStatistics.of(new StackCounters(), engine);

        assertEquals(0, statistics.counter("neighbour_entries_created"));
        assertEquals(0, statistics.counter("ip_reassembly_timeouts"));
    }
}
