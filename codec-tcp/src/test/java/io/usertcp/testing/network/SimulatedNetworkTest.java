package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.neighbour.NeighbourState;
import io.usertcp.stack.IcmpEchoReplyEvent;
import io.usertcp.stack.StackConfig;
import io.usertcp.timer.TimerEntry;
import io.usertcp.timer.TimingWheel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedNetworkTest {
    private static final int A_IP = Ipv4Address.parse("198.18.0.1");
    private static final int B_IP = Ipv4Address.parse("198.18.0.2");
    private static final StackConfig A = StackConfig.builder(A_IP, 24, MacAddress.parse("02:00:00:00:00:0a")).build();
    private static final StackConfig B = StackConfig.builder(B_IP, 24, MacAddress.parse("02:00:00:00:00:0b")).build();
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Path CAPTURES = Path.of(System.getProperty("java.io.tmpdir"), "usertcp-simulations");

    private final MockTicker ticker = Ticker.newMockTicker();

    @Test
    void hostsPingEachOtherThroughArpResolution() {
        try (SimulatedNetwork network = new SimulatedNetwork(ticker)) {
            SimulatedHost a = network.addHost("a", A, ImpairmentConfig.NONE, 1);
            SimulatedHost b = network.addHost("b", B, ImpairmentConfig.NONE, 2);
            EchoReplies aReplies = EchoReplies.on(a);
            EchoReplies bReplies = EchoReplies.on(b);
            ping(a, B_IP, 1, 56);
            network.runUntil(() -> aReplies.sequences.size() == 1, SECOND);
            ping(b, A_IP, 1, 56);
            network.runUntil(() -> bReplies.sequences.size() == 1, SECOND);

            assertEquals(B_IP, aReplies.sources.get(0));
            assertArrayEquals(data(1, 56), aReplies.data.get(0));
            assertEquals(NeighbourState.REACHABLE, a.stack().neighbours().state(B_IP));
            assertEquals(NeighbourState.REACHABLE, b.stack().neighbours().state(A_IP));
            assertEquals(1, a.stack().counters().arpRequestsOut() - 1, "one resolution besides the announcement");
            assertEquals(0, a.stack().counters().drops().total() + b.stack().counters().drops().total());
        }
    }

    @Test
    void largePingIsFragmentedAndReassembledBothWays() {
        try (SimulatedNetwork network = new SimulatedNetwork(ticker)) {
            SimulatedHost a = network.addHost("a", A, ImpairmentConfig.NONE, 1);
            SimulatedHost b = network.addHost("b", B, ImpairmentConfig.NONE, 2);
            EchoReplies replies = EchoReplies.on(a);
            ping(a, B_IP, 7, 4000);
            network.runUntil(() -> !replies.sequences.isEmpty(), SECOND);
            assertArrayEquals(data(7, 4000), replies.data.get(0));
            assertEquals(1, b.stack().counters().reassembled());
            assertEquals(1, a.stack().counters().reassembled());
            assertEquals(3, b.stack().counters().fragmentsOut(), "4008 ICMP bytes in 1480-byte pieces");
        }
    }

    @Test
    void pingsUnderLossReorderingAndDuplicationAreDeterministicPerSeed() {
        ImpairmentConfig impaired = ImpairmentConfig.NONE.withLoss(10).withDuplication(10)
                .withReordering(20, 15, TimeUnit.MILLISECONDS).withDelay(5, TimeUnit.MILLISECONDS)
                .withJitter(3, TimeUnit.MILLISECONDS);
        List<Integer> first = impairedPingRun(impaired, 99);
        List<Integer> second = impairedPingRun(impaired, 99);
        assertEquals(first, second);
        assertTrue(first.size() >= 60 && first.size() <= 120, "most of 100 pings answered: " + first.size());
        assertNotEquals(IntStream.range(0, 100).boxed().collect(Collectors.toList()), first,
                "loss, duplication or reordering shows in the replies");
    }

    /** Sends 100 pings from a to b, 10 ms apart, over links impaired both ways; returns the reply sequences. */
    private List<Integer> impairedPingRun(ImpairmentConfig impaired, long seed) {
        MockTicker runTicker = Ticker.newMockTicker();
        try (SimulatedNetwork network = new SimulatedNetwork(runTicker)) {
            SimulatedHost a = network.addHost("a", A, impaired, seed);
            SimulatedHost b = network.addHost("b", B, impaired, seed + 1);
            EchoReplies replies = EchoReplies.on(a);
            for (int sequence = 0; sequence < 100; sequence++) {
                ping(a, B_IP, sequence, 32);
                network.runFor(TimeUnit.MILLISECONDS.toNanos(10));
            }
            network.runFor(SECOND);
            assertTrue(a.egress().lost() > 0 && a.egress().duplicated() > 0 && a.egress().reordered() > 0);
            for (int i = 0; i < replies.data.size(); i++) {
                assertArrayEquals(data(replies.sequences.get(i), 32), replies.data.get(i));
            }
            assertEquals(0, b.stack().counters().drops().total(),
                    "loss, duplication and reordering make the receiver drop nothing");
            return replies.sequences;
        }
    }

    @Test
    void corruptionIsCaughtByChecksumsAndCounted() {
        try (SimulatedNetwork network = new SimulatedNetwork(ticker)) {
            SimulatedHost a = network.addHost("a", A, ImpairmentConfig.NONE.withCorruption(100), 5);
            SimulatedHost b = network.addHost("b", B, ImpairmentConfig.NONE, 6);
            EchoReplies replies = EchoReplies.on(a);
            for (int sequence = 0; sequence < 50; sequence++) {
                ping(a, B_IP, sequence, 64);
                network.runFor(TimeUnit.MILLISECONDS.toNanos(1));
            }
            network.runFor(SECOND);
            assertEquals(50, a.egress().corrupted());
            assertTrue(replies.sequences.isEmpty(), "no corrupted request may be answered");
            assertEquals(0, b.stack().counters().icmpOut(IcmpMessage.TYPE_ECHO_REPLY));
            long caught = 0;
            for (DropReason reason : new DropReason[] {DropReason.BAD_IP_VERSION, DropReason.BAD_IP_HEADER_LENGTH,
                    DropReason.BAD_IP_TOTAL_LENGTH, DropReason.BAD_IP_CHECKSUM, DropReason.BAD_ICMP_CHECKSUM}) {
                caught += b.stack().counters().drops().get(reason);
            }
            assertEquals(50, caught, b.stack().counters().drops().toString());
        }
    }

    @Test
    void virtualTimeJumpsToTheNextTimerDeadline() {
        try (SimulatedNetwork network = new SimulatedNetwork(ticker)) {
            SimulatedHost a = network.addHost("a", A, ImpairmentConfig.NONE, 1);
            TimingWheel wheel = new TimingWheel(ticker);
            a.addTimers(wheel);
            long[] firedAt = {-1};
            TimerEntry entry = new TimerEntry((kind, now) -> firedAt[0] = now, 0);
            long start = ticker.nanoTime();
            wheel.arm(entry, start + 5 * SECOND + 300_000);
            network.runUntil(() -> firedAt[0] >= 0, 10 * SECOND);
            long elapsed = firedAt[0] - start;
            assertTrue(elapsed >= 5 * SECOND + 300_000 && elapsed <= 5 * SECOND + wheel.tickNanos(),
                    "fired at " + elapsed);
        }
    }

    @Test
    void failedRunNamesAKeptCapture() throws Exception {
        Path file = CAPTURES.resolve("failedRunNamesAKeptCapture.pcap");
        try (SimulatedNetwork network = new SimulatedNetwork(ticker).captureOnFailure(file)) {
            network.addHost("a", A, ImpairmentConfig.NONE, 1);
            network.addHost("b", B, ImpairmentConfig.NONE, 2);
            AssertionError failure = assertThrows(AssertionError.class, () -> network.runUntil(() -> false, SECOND));
            assertTrue(failure.getMessage().contains(file.toAbsolutePath().toString()), failure.getMessage());
        }
        try {
            byte[] pcap = Files.readAllBytes(file);
            assertEquals(0xa1b23c4d, ((pcap[0] & 0xFF) << 24) | ((pcap[1] & 0xFF) << 16) | ((pcap[2] & 0xFF) << 8)
                    | (pcap[3] & 0xFF));
            assertEquals(24 + 2 * (16 + 42), pcap.length, "the two gratuitous ARPs");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void successfulRunDeletesItsCapture() {
        Path file = CAPTURES.resolve("successfulRunDeletesItsCapture.pcap");
        try (SimulatedNetwork network = new SimulatedNetwork(ticker).captureOnFailure(file)) {
            network.addHost("a", A, ImpairmentConfig.NONE, 1);
            network.runFor(SECOND);
            assertTrue(Files.exists(file));
        }
        assertTrue(!Files.exists(file));
    }

    private static void ping(SimulatedHost host, int destination, int sequence, int length) {
        ByteBuf data = Unpooled.wrappedBuffer(data(sequence, length));
        try {
            host.stack().icmp().sendEchoRequest(destination, 0x1234, sequence, data);
        } finally {
            data.release();
        }
    }

    private static byte[] data(int sequence, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) sequence);
        for (int i = 0; i < length; i += 7) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** Records the echo replies a host receives. */
    private static final class EchoReplies extends ChannelInboundHandlerAdapter {
        final List<Integer> sequences = new ArrayList<>();
        final List<Integer> sources = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();

        static EchoReplies on(SimulatedHost host) {
            EchoReplies replies = new EchoReplies();
            host.pipeline().addLast(replies);
            return replies;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IcmpEchoReplyEvent) {
                IcmpEchoReplyEvent reply = (IcmpEchoReplyEvent) evt;
                sequences.add(reply.sequenceNumber());
                sources.add(reply.source());
                byte[] bytes = new byte[reply.dataLength()];
                reply.buffer().getBytes(reply.dataOffset(), bytes);
                data.add(bytes);
            }
        }
    }
}
