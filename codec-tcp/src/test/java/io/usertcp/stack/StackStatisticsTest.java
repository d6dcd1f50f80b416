package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.statistics.StackStatistics;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.handler.TcpHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StackStatistics} of a whole stack (the four layers and the TCP handlers) on an embedded channel: each
 * counter moves by exactly the frames injected and the answers they draw.
 */
class StackStatisticsTest {
    private static final int CLOSED_PORT = 9;
    /** IPv4 header checksum field, after the 14-byte Ethernet header. */
    private static final int IP_CHECKSUM_OFFSET = 14 + 10;
    /** TCP checksum field, after the Ethernet and a 20-byte IPv4 header. */
    private static final int TCP_CHECKSUM_OFFSET = 14 + 20 + 16;

    private final MockTicker ticker = StackFrames.ticker();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
    private final StackPipeline stack = StackPipeline.install(channel.pipeline(), StackFrames.config().build(),
            ticker);
    private final TcpEngine engine = new TcpEngine(TcpStackConfig.defaults(), ticker, ByteBufAllocator.DEFAULT);

    StackStatisticsTest() {
        TcpHandlers.addLast(channel.pipeline(), engine);
        StackFrames.releaseAll(StackFrames.readFrames(channel));
    }

    @AfterEach
    void close() {
        StackFrames.releaseAll(StackFrames.readFrames(channel));
        channel.finishAndReleaseAll();
    }

    private static ByteBuf tcpFrame(int flags) {
        ByteBuf segment = StackFrames.BUFFERS.allocate(0);
        try {
            TcpSegmentWriter.prepend(segment, PEER_IP, OUR_IP, 40000, CLOSED_PORT, 1000, 0, flags, 65535, 0,
                    new TcpOptions());
            return StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_TCP, StackFrames.bytes(segment));
        } finally {
            segment.release();
        }
    }

    private static ByteBuf corrupted(ByteBuf frame, int offset) {
        frame.setByte(frame.readerIndex() + offset, frame.getByte(frame.readerIndex() + offset) ^ 0x55);
        return frame;
    }

    private StackStatistics injectAll() {
        channel.writeInbound(StackFrames.arpRequestFromPeer(OUR_IP));
        channel.writeInbound(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP,
                StackFrames.echo(IcmpMessage.TYPE_ECHO_REQUEST, 7, 1, StackFrames.pattern(32))));
        channel.writeInbound(tcpFrame(TcpFlags.SYN));
        channel.writeInbound(tcpFrame(TcpFlags.RST));
        channel.writeInbound(corrupted(tcpFrame(TcpFlags.SYN), IP_CHECKSUM_OFFSET));
        channel.writeInbound(corrupted(tcpFrame(TcpFlags.SYN), TCP_CHECKSUM_OFFSET));
        return StackStatistics.of(stack.counters(), engine);
    }

    @Test
    void linkArpAndIcmpCountersMatchTheFramesInjected() {
        StackStatistics statistics = injectAll();

        assertEquals(6, statistics.counter("frames_in"));
        assertEquals(1, statistics.counter("arp_requests_in"));
        assertEquals(1, statistics.counter("arp_replies_out"));
        assertEquals(1, statistics.counter("icmp_in"));
        assertEquals(1, statistics.counter("icmp_out"));
        assertEquals(Map.of(IcmpMessage.TYPE_ECHO_REQUEST, 1L), statistics.icmpInByType());
        assertEquals(Map.of(IcmpMessage.TYPE_ECHO_REPLY, 1L), statistics.icmpOutByType());
    }

    @Test
    void tcpCountersMatchTheSegmentsInjected() {
        StackStatistics statistics = injectAll();

        assertEquals(2, statistics.counter("tcp_segments_received"));
        assertEquals(2, statistics.counter("tcp_no_port"));
        assertEquals(1, statistics.counter("tcp_resets_received"));
        assertEquals(1, statistics.counter("tcp_resets_ignored"));
        assertEquals(1, statistics.counter("tcp_resets_sent"));
        assertEquals(1, statistics.counter("tcp_segments_sent"));
        assertEquals(0, statistics.counter("tcp_active_opens"));
        assertEquals(0, statistics.connections());
        assertEquals(0, statistics.timeWaitConnections());
        assertEquals(0, statistics.orphanConnections());
        assertEquals(0, statistics.halfOpenConnections());
    }

    @Test
    void eachDropIsCountedUnderItsReasonAndInTheTotal() {
        StackStatistics statistics = injectAll();

        assertEquals(1, statistics.drops().get(DropReason.BAD_IP_CHECKSUM));
        assertEquals(1, statistics.drops().get(DropReason.BAD_TCP_CHECKSUM));
        assertEquals(2, statistics.counter("drops"));
        assertEquals(DropReason.values().length, statistics.drops().size());
    }

    @Test
    void textListsEveryCounterAndTheDropsSeen() {
        String text = injectAll().toString();

        assertTrue(text.contains("arp_requests_in 1\n"), text);
        assertTrue(text.contains("tcp_resets_sent 1\n"), text);
        assertTrue(text.contains("tcp_time_wait_connections 0\n"), text);
        assertTrue(text.contains("tcp_orphan_connections 0\n"), text);
        assertTrue(text.contains("tcp_half_open_connections 0\n"), text);
        assertTrue(text.contains("drops_bad_ip_checksum 1\n"), text);
        assertTrue(!text.contains("drops_truncated"), text);
    }
}
