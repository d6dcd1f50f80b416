package io.usertcp.stack;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.ip.reassembly.FragmentReassembler;
import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import io.usertcp.neighbour.NeighbourDropReason;
import io.usertcp.neighbour.NeighbourTable;
import io.usertcp.neighbour.NeighbourTableConfig;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.usertcp.stack.StackFrames.OUR_IP;
import static io.usertcp.stack.StackFrames.OUR_MAC;
import static io.usertcp.stack.StackFrames.PEER_IP;
import static io.usertcp.stack.StackFrames.PEER_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks on the link and network layers, sent as frames through the whole stack pipeline: ARP floods and
 * spoofing, traffic to unresolvable neighbours, and hostile IPv4 fragments. Each test asserts what the stack
 * sends back (often nothing), the counters, and that what the stack holds stays within its limits however
 * long the attack goes on.
 */
class HostileNetworkLayerTest {
    private static final int TCP = Ipv4Packet.PROTOCOL_TCP;
    private static final int MORE_FRAGMENTS = Ipv4Packet.FLAG_MORE_FRAGMENTS;

    /** Steps the mock clock in housekeeping periods, running the timers due at each step. */
    private static void advance(TestStack stack, long millis) {
        for (long step = 0; step < millis; step += 100) {
            stack.ticker.advance(100, TimeUnit.MILLISECONDS);
            stack.channel.runScheduledPendingTasks();
        }
    }

    /** Releases what the stack sent and returns how many frames that was. */
    private static int releaseSent(TestStack stack) {
        List<ByteBuf> sent = stack.sent();
        StackFrames.releaseAll(sent);
        return sent.size();
    }

    private static void send(TestStack stack, int destination) {
        Ipv4HandlerTest.send(stack, destination, StackFrames.pattern(20), true);
    }

    @Test
    void unsolicitedArpReplyCreatesNoEntryAndDrawsNothing() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.arp(ArpPacket.OPERATION_REPLY, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP, OUR_MAC));

            assertEquals(0, releaseSent(stack));
            assertEquals(0, stack.stack.neighbours().size());
            assertNull(stack.stack.neighbours().state(PEER_IP));
            assertEquals(1, stack.counters().arpRepliesIn());
        }
    }

    @Test
    void arpRequestFloodFromSpoofedSendersKeepsTheTableAtItsCapacity() {
        StackConfig config = StackConfig.builder(OUR_IP, 15, OUR_MAC)
                .neighbours(NeighbourTableConfig.DEFAULT.withCapacity(64)).build();
        try (TestStack stack = TestStack.started(config)) {
            NeighbourTable table = stack.stack.neighbours();
            int answered = 0;
            for (int i = 1; i <= 2_000; i++) {
                int sender = Ipv4Address.parse("198.19.0.0") + i;
                stack.receive(StackFrames.arp(ArpPacket.OPERATION_REQUEST, 0x0200_0100_0000L + i, sender, 0,
                        OUR_IP, MacAddress.BROADCAST));
                answered += releaseSent(stack);
                assertTrue(table.size() <= 64, table.size() + " entries");
            }

            assertEquals(2_000, answered, "one reply per request, never more");
            assertEquals(2_000, stack.counters().arpRepliesOut());
            assertEquals(1, stack.counters().arpRequestsOut(), "only the start-up announcement: a flood asks nothing");
            assertEquals(64, table.size());
            assertEquals(2_000 - 64, table.entriesEvicted());
        }
    }

    @Test
    void framesWaitingOnArpAreCappedInTotalAcrossManyAddresses() {
        StackConfig config = StackFrames.config().neighbours(NeighbourTableConfig.DEFAULT.withQueuedFrames(2, 8))
                .build();
        try (TestStack stack = TestStack.started(config)) {
            NeighbourTable table = stack.stack.neighbours();
            for (int host = 10; host < 60; host++) {
                send(stack, Ipv4Address.parse("198.18.0.0") + host);
                send(stack, Ipv4Address.parse("198.18.0.0") + host);
                assertTrue(table.waitingFrames() <= 8, table.waitingFrames() + " frames waiting");
            }

            assertEquals(50, releaseSent(stack), "one ARP request per address");
            assertEquals(8, table.waitingFrames());
            assertEquals(92, table.framesDropped(NeighbourDropReason.TOTAL_QUEUE_FULL));
            assertEquals(0, table.framesDropped(NeighbourDropReason.ENTRY_QUEUE_FULL));
        }
    }

    @Test
    void trafficToAnUnresolvableNeighbourSendsAtMostTheConfiguredRequests() {
        try (TestStack stack = TestStack.started()) {
            NeighbourTable table = stack.stack.neighbours();
            int silent = Ipv4Address.parse("198.18.0.77");
            for (int i = 0; i < 1000; i++) {
                send(stack, silent);
            }
            assertEquals(1, releaseSent(stack));

            advance(stack, 3_500);

            assertEquals(2, releaseSent(stack), "two retries, a second apart");
            assertEquals(1 + 3, stack.counters().arpRequestsOut(), "the start-up announcement, then three");
            assertEquals(1, table.resolutionFailures());
            assertEquals(0, table.waitingFrames());
            assertEquals(997, table.framesDropped(NeighbourDropReason.ENTRY_QUEUE_FULL));
            assertEquals(3, table.framesDropped(NeighbourDropReason.RESOLUTION_FAILED));
        }
    }

    @Test
    void arpRequestsForManyAddressesAreBoundedByTheTableCapacityPerRetryInterval() {
        StackConfig config = StackConfig.builder(OUR_IP, 15, OUR_MAC)
                .neighbours(NeighbourTableConfig.DEFAULT.withCapacity(16)).build();
        try (TestStack stack = TestStack.started(config)) {
            NeighbourTable table = stack.stack.neighbours();
            for (int i = 1; i <= 1000; i++) {
                send(stack, Ipv4Address.parse("198.19.0.0") + i);
            }
            assertEquals(16, releaseSent(stack), "one request per entry the table could make");
            assertEquals(1000 - 16, table.framesDropped(NeighbourDropReason.TABLE_FULL));
            assertEquals(1000 - 16, table.entriesRefused());

            advance(stack, 1_000);

            assertEquals(16, releaseSent(stack), "one retry per entry in the next interval");
        }
    }

    @Test
    void teardropFragmentsAreDroppedAsOverlapAndDeliverNothing() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 666, MORE_FRAGMENTS, 64, StackFrames.pattern(32)));
            // Starts at byte 24, inside the first fragment, and ends the datagram before that fragment does
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 666, 3, 64, StackFrames.pattern(4)));
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 666, 4, 64, StackFrames.pattern(8)));

            assertTrue(stack.delivered.isEmpty());
            assertEquals(0, releaseSent(stack));
            assertEquals(3, stack.drops(DropReason.FRAGMENT_OVERLAP), "both held pieces, and the late one");
            assertEquals(0, stack.stack.ipv4().reassembler().heldFragments());
            assertEquals(1, stack.stack.ipv4().reassembler().overlappingDatagrams());
        }
    }

    @Test
    void pingOfDeathIsDroppedAsTooLargeAndDeliversNothing() {
        try (TestStack stack = TestStack.started()) {
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, 1, MORE_FRAGMENTS, 64,
                    StackFrames.pattern(1480)));
            // Its last byte would lie at 65,528 + 16 + 20 of header: past the 65,535 a datagram may have
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, Ipv4Packet.PROTOCOL_ICMP, 1, 65_528 >>> 3, 64,
                    StackFrames.pattern(16)));

            assertTrue(stack.delivered.isEmpty());
            assertEquals(0, releaseSent(stack));
            assertEquals(2, stack.drops(DropReason.FRAGMENT_TOO_LARGE));
            assertEquals(0, stack.stack.ipv4().reassembler().heldFragments());
        }
    }

    @Test
    void fragmentFloodHoldsNoMoreAndCostsNoMorePerDatagramAtTenThousandThanAtOneThousand() {
        long memoryCap = 64 * 1024;
        StackConfig config = StackFrames.config()
                .reassembly(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(memoryCap)).build();
        try (TestStack stack = TestStack.started(config)) {
            FragmentReassembler reassembler = stack.stack.ipv4().reassembler();
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long threadId = Thread.currentThread().getId();
            flood(stack, incompleteDatagrams(0, 1_000));

            List<ByteBuf> first = incompleteDatagrams(1_000, 1_000);
            long before = threads.getThreadAllocatedBytes(threadId);
            flood(stack, first);
            long perDatagramAtOneThousand = (threads.getThreadAllocatedBytes(threadId) - before) / 1_000;
            long heldAtTwoThousand = reassembler.heldBytes();
            int trackedAtTwoThousand = reassembler.trackedDatagrams();

            List<ByteBuf> second = incompleteDatagrams(2_000, 10_000);
            before = threads.getThreadAllocatedBytes(threadId);
            flood(stack, second);
            long perDatagramAtTenThousand = (threads.getThreadAllocatedBytes(threadId) - before) / 10_000;

            assertTrue(heldAtTwoThousand <= memoryCap, heldAtTwoThousand + " bytes held");
            assertEquals(heldAtTwoThousand, reassembler.heldBytes(), "held bytes flat as the flood grows");
            assertEquals(trackedAtTwoThousand, reassembler.trackedDatagrams());
            assertTrue(perDatagramAtTenThousand <= perDatagramAtOneThousand * 5 / 4 + 64,
                    perDatagramAtTenThousand + " bytes per datagram at 10k against " + perDatagramAtOneThousand
                            + " at 1k");
            assertEquals(12_000, reassembler.heldFragments() + stack.drops(DropReason.FRAGMENT_MEMORY_LIMIT),
                    "every fragment held or counted");
            assertEquals(12_000 - reassembler.trackedDatagrams(), reassembler.evictedDatagrams());
            assertTrue(stack.delivered.isEmpty());
        }
    }

    @Test
    void datagramStillReassemblesDuringAFragmentFlood() {
        StackConfig config = StackFrames.config()
                .reassembly(FragmentReassemblerConfig.DEFAULT.withMaxDatagrams(64)).build();
        try (TestStack stack = TestStack.started(config)) {
            flood(stack, incompleteDatagrams(0, 1_000));
            byte[] segment = StackFrames.pattern(40);
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 50_000, MORE_FRAGMENTS, 64,
                    Arrays.copyOfRange(segment, 0, 24)));
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 50_000, 3, 64,
                    Arrays.copyOfRange(segment, 24, 40)));

            assertEquals(1, stack.delivered.size());
            assertEquals(1_000 + 1 - 64, stack.stack.ipv4().reassembler().evictedDatagrams(),
                    "the oldest gave way to the new datagram, the cap holding throughout");
        }
    }

    @Test
    void incompleteDatagramIsKeptUntilTheConfiguredTimeoutAndThenCounted() {
        StackConfig config = StackFrames.config()
                .reassembly(FragmentReassemblerConfig.DEFAULT.withTimeout(5, TimeUnit.SECONDS)).build();
        try (TestStack stack = TestStack.started(config)) {
            FragmentReassembler reassembler = stack.stack.ipv4().reassembler();
            stack.receive(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, 7, MORE_FRAGMENTS, 64, StackFrames.pattern(16)));

            advance(stack, 4_900);
            assertEquals(1, reassembler.heldFragments());
            advance(stack, 200);

            assertEquals(0, reassembler.heldFragments());
            assertEquals(0, reassembler.heldBytes());
            assertEquals(1, reassembler.timedOutDatagrams());
            assertEquals(1, stack.drops(DropReason.FRAGMENT_TIMEOUT));
            releaseSent(stack);
        }
    }

    /** First fragments of {@code count} datagrams that never complete, identifications from {@code first}. */
    private static List<ByteBuf> incompleteDatagrams(int first, int count) {
        byte[] payload = StackFrames.pattern(512);
        List<ByteBuf> frames = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            frames.add(StackFrames.ipv4(PEER_IP, OUR_IP, TCP, i & 0xFFFF, MORE_FRAGMENTS, 64, payload));
        }
        return frames;
    }

    private static void flood(TestStack stack, List<ByteBuf> frames) {
        for (ByteBuf frame : frames) {
            stack.receive(frame);
        }
    }
}
