package io.usertcp.neighbour;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.neighbour.RecordingNeighbourOutput.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourTableTest {
    private static final int LOCAL_IP = 0xC612_0001;      // 198.18.0.1
    private static final long LOCAL_MAC = 0x0200_0000_0001L;
    private static final int PEER_IP = 0xC612_0002;       // 198.18.0.2
    private static final long PEER_MAC = 0x0200_0000_0002L;
    private static final int OTHER_IP = 0xC612_0003;      // 198.18.0.3
    private static final long OTHER_MAC = 0x0200_0000_0003L;
    private static final long NEW_PEER_MAC = 0x0200_0000_00AAL;
    private static final int REQUEST = ArpPacket.OPERATION_REQUEST;
    private static final int REPLY = ArpPacket.OPERATION_REPLY;

    private final MockTicker ticker = Ticker.newMockTicker();
    private final RecordingNeighbourOutput output = new RecordingNeighbourOutput();
    private final List<ByteBuf> frames = new ArrayList<>();
    private NeighbourTable table = new NeighbourTable(NeighbourTableConfig.DEFAULT, LOCAL_IP, LOCAL_MAC, output);

    @AfterEach
    void releaseFrames() {
        table.clear();
        output.release();
        for (ByteBuf frame : frames) {
            assertEquals(0, frame.refCnt(), "every frame handed to the table ends up released");
        }
    }

    private ByteBuf frame(int id) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(4).writeInt(id);
        frames.add(frame);
        return frame;
    }

    private long now() {
        return ticker.nanoTime();
    }

    private void advanceAndTick(long time, TimeUnit unit) {
        ticker.advance(time, unit);
        table.tick(now());
    }

    private void resolvePeer() {
        table.enqueue(PEER_IP, frame(0), now());
        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());
        output.release();
        output.requests.clear();
    }

    @Test
    void lookupOfUnknownAddressIsNotResolvedAndSendsNothing() {
        assertEquals(NeighbourTable.NOT_RESOLVED, table.lookup(PEER_IP, now()));
        assertTrue(output.requests.isEmpty());
        assertEquals(0, table.size());
    }

    @Test
    void firstFrameForUnknownAddressBroadcastsOneRequest() {
        assertTrue(table.enqueue(PEER_IP, frame(1), now()));

        assertEquals(List.of(new Request(PEER_IP, MacAddress.BROADCAST)), output.requests);
        assertEquals(NeighbourState.INCOMPLETE, table.state(PEER_IP));
        assertEquals(1, table.requestsSent());
        assertEquals(1, table.entriesCreated());
    }

    @Test
    void framesWhileResolvingWaitWithoutFurtherRequests() {
        table.enqueue(PEER_IP, frame(1), now());
        table.enqueue(PEER_IP, frame(2), now());

        assertEquals(1, output.requests.size());
        assertTrue(output.transmissions.isEmpty());
        assertEquals(2, table.waitingFrames());
        assertEquals(2, table.framesQueued());
        assertEquals(NeighbourTable.NOT_RESOLVED, table.lookup(PEER_IP, now()));
    }

    @Test
    void replyFlushesWaitingFramesInOrderToTheLearnedMac() {
        table.enqueue(PEER_IP, frame(1), now());
        table.enqueue(PEER_IP, frame(2), now());
        table.enqueue(PEER_IP, frame(3), now());

        assertFalse(table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now()));

        assertEquals(List.of(1, 2, 3), output.transmittedIds());
        for (RecordingNeighbourOutput.Transmission transmission : output.transmissions) {
            assertEquals(PEER_MAC, transmission.destinationMac());
        }
        assertEquals(0, table.waitingFrames());
        assertEquals(NeighbourState.REACHABLE, table.state(PEER_IP));
        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));
        assertEquals(1, table.repliesReceived());
    }

    @Test
    void frameForResolvedAddressIsTransmittedAtOnce() {
        resolvePeer();

        assertTrue(table.enqueue(PEER_IP, frame(7), now()));

        assertEquals(List.of(7), output.transmittedIds());
        assertEquals(PEER_MAC, output.transmissions.get(0).destinationMac());
        assertEquals(0, table.waitingFrames());
    }

    @Test
    void requestIsRepeatedEachRetryIntervalUpToTheLimit() {
        table.enqueue(PEER_IP, frame(1), now());

        advanceAndTick(999, TimeUnit.MILLISECONDS);
        assertEquals(1, output.requests.size());
        advanceAndTick(1, TimeUnit.MILLISECONDS);
        assertEquals(2, output.requests.size());
        advanceAndTick(1, TimeUnit.SECONDS);
        assertEquals(3, output.requests.size());
        assertEquals(new Request(PEER_IP, MacAddress.BROADCAST), output.requests.get(2));
        assertEquals(NeighbourState.INCOMPLETE, table.state(PEER_IP));
    }

    @Test
    void resolutionFailsAfterTheLastRequestAndReleasesWaitingFrames() {
        ByteBuf first = frame(1);
        ByteBuf second = frame(2);
        table.enqueue(PEER_IP, first, now());
        table.enqueue(PEER_IP, second, now());

        advanceAndTick(1, TimeUnit.SECONDS);
        advanceAndTick(1, TimeUnit.SECONDS);
        assertTrue(output.failures.isEmpty());
        advanceAndTick(1, TimeUnit.SECONDS);

        assertEquals(List.of(PEER_IP), output.failures);
        assertEquals(3, output.requests.size());
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
        assertEquals(2, table.framesDropped(NeighbourDropReason.RESOLUTION_FAILED));
        assertEquals(1, table.resolutionFailures());
        assertNull(table.state(PEER_IP));
        assertEquals(0, table.size());
        assertEquals(0, table.waitingFrames());
    }

    @Test
    void lateReplyAfterFailureCreatesNothing() {
        table.enqueue(PEER_IP, frame(1), now());
        advanceAndTick(3, TimeUnit.SECONDS);
        advanceAndTick(3, TimeUnit.SECONDS);
        advanceAndTick(3, TimeUnit.SECONDS);

        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());

        assertNull(table.state(PEER_IP));
    }

    @Test
    void frameAfterFailureStartsANewResolution() {
        table.enqueue(PEER_IP, frame(1), now());
        for (int second = 0; second < 3; second++) {
            advanceAndTick(1, TimeUnit.SECONDS);
        }

        table.enqueue(PEER_IP, frame(2), now());

        assertEquals(4, output.requests.size());
        assertEquals(NeighbourState.INCOMPLETE, table.state(PEER_IP));
    }

    @Test
    void fullEntryQueueDropsAndReleasesItsOldestFrame() {
        ByteBuf oldest = frame(1);
        table.enqueue(PEER_IP, oldest, now());
        table.enqueue(PEER_IP, frame(2), now());
        table.enqueue(PEER_IP, frame(3), now());

        table.enqueue(PEER_IP, frame(4), now());

        assertEquals(0, oldest.refCnt());
        assertEquals(1, table.framesDropped(NeighbourDropReason.ENTRY_QUEUE_FULL));
        assertEquals(3, table.waitingFrames());
        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());
        assertEquals(List.of(2, 3, 4), output.transmittedIds());
    }

    @Test
    void fullTotalQueueDropsAndReleasesTheOldestFrameOfAnyEntry() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withQueuedFrames(3, 4), LOCAL_IP, LOCAL_MAC, output);
        ByteBuf oldest = frame(1);
        table.enqueue(PEER_IP, oldest, now());
        table.enqueue(OTHER_IP, frame(2), now());
        table.enqueue(OTHER_IP, frame(3), now());
        table.enqueue(PEER_IP, frame(4), now());

        table.enqueue(OTHER_IP, frame(5), now());

        assertEquals(0, oldest.refCnt());
        assertEquals(1, table.framesDropped(NeighbourDropReason.TOTAL_QUEUE_FULL));
        assertEquals(4, table.waitingFrames());
        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());
        table.onArpPacket(REPLY, OTHER_MAC, OTHER_IP, LOCAL_IP, now());
        assertEquals(List.of(4, 2, 3, 5), output.transmittedIds());
    }

    @Test
    void unsolicitedReplyCreatesNoEntry() {
        assertFalse(table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now()));

        assertNull(table.state(PEER_IP));
        assertEquals(NeighbourTable.NOT_RESOLVED, table.lookup(PEER_IP, now()));
        assertEquals(0, table.entriesCreated());
        assertEquals(1, table.repliesReceived());
    }

    @Test
    void gratuitousArpUpdatesAnExistingEntry() {
        resolvePeer();

        assertFalse(table.onArpPacket(REQUEST, NEW_PEER_MAC, PEER_IP, PEER_IP, now()));

        assertEquals(NEW_PEER_MAC, table.lookup(PEER_IP, now()));
    }

    @Test
    void gratuitousArpForAnUnknownSenderCreatesNothing() {
        table.onArpPacket(REQUEST, PEER_MAC, PEER_IP, PEER_IP, now());
        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, PEER_IP, now());

        assertNull(table.state(PEER_IP));
        assertEquals(0, table.size());
    }

    @Test
    void requestForUsFromAnUnknownSenderCreatesItsEntryAndAsksForAReply() {
        assertTrue(table.onArpPacket(REQUEST, PEER_MAC, PEER_IP, LOCAL_IP, now()));

        assertEquals(NeighbourState.REACHABLE, table.state(PEER_IP));
        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));
        assertEquals(1, table.entriesCreated());
        assertTrue(output.requests.isEmpty());
    }

    @Test
    void requestForAnotherHostFromAnUnknownSenderCreatesNothing() {
        assertFalse(table.onArpPacket(REQUEST, PEER_MAC, PEER_IP, OTHER_IP, now()));

        assertNull(table.state(PEER_IP));
    }

    @Test
    void requestForAnotherHostUpdatesAKnownSender() {
        resolvePeer();

        assertFalse(table.onArpPacket(REQUEST, NEW_PEER_MAC, PEER_IP, OTHER_IP, now()));

        assertEquals(NEW_PEER_MAC, table.lookup(PEER_IP, now()));
    }

    @Test
    void requestFromTheHostBeingResolvedCompletesTheResolution() {
        table.enqueue(PEER_IP, frame(1), now());

        assertTrue(table.onArpPacket(REQUEST, PEER_MAC, PEER_IP, LOCAL_IP, now()));

        assertEquals(List.of(1), output.transmittedIds());
        assertEquals(1, table.entriesCreated());
    }

    @Test
    void reachableEntryTurnsStaleAfterTheReachableTime() {
        resolvePeer();

        advanceAndTick(29_999, TimeUnit.MILLISECONDS);
        assertEquals(NeighbourState.REACHABLE, table.state(PEER_IP));
        advanceAndTick(1, TimeUnit.MILLISECONDS);

        assertEquals(NeighbourState.STALE, table.state(PEER_IP));
        assertTrue(output.requests.isEmpty());
    }

    @Test
    void usingAStaleEntryKeepsItsMacAndSendsAUnicastProbe() {
        resolvePeer();
        advanceAndTick(30, TimeUnit.SECONDS);

        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));

        assertEquals(NeighbourState.PROBE, table.state(PEER_IP));
        assertEquals(List.of(new Request(PEER_IP, PEER_MAC)), output.requests);
        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));
        assertEquals(1, output.requests.size());
    }

    @Test
    void answeredProbeMakesTheEntryReachableAgain() {
        resolvePeer();
        advanceAndTick(30, TimeUnit.SECONDS);
        table.lookup(PEER_IP, now());

        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());
        advanceAndTick(10, TimeUnit.SECONDS);

        assertEquals(NeighbourState.REACHABLE, table.state(PEER_IP));
        assertEquals(1, output.requests.size());
    }

    @Test
    void unansweredProbeRemovesTheEntryAndTheNextFrameResolvesAgain() {
        resolvePeer();
        advanceAndTick(30, TimeUnit.SECONDS);
        table.lookup(PEER_IP, now());
        advanceAndTick(1, TimeUnit.SECONDS);
        advanceAndTick(1, TimeUnit.SECONDS);
        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));
        assertEquals(3, output.requests.size());

        advanceAndTick(1, TimeUnit.SECONDS);

        assertNull(table.state(PEER_IP));
        assertEquals(1, table.entriesExpired());
        assertTrue(output.failures.isEmpty(), "no frame waited, so no connection needs telling");
        table.enqueue(PEER_IP, frame(9), now());
        assertEquals(new Request(PEER_IP, MacAddress.BROADCAST), output.requests.get(3));
    }

    @Test
    void reachableEntryUsedPastItsDeadlineProbesEvenWithoutATick() {
        resolvePeer();
        ticker.advance(30, TimeUnit.SECONDS);

        assertEquals(PEER_MAC, table.lookup(PEER_IP, now()));

        assertEquals(NeighbourState.PROBE, table.state(PEER_IP));
        assertEquals(List.of(new Request(PEER_IP, PEER_MAC)), output.requests);
    }

    @Test
    void unusedStaleEntryIsRemovedAfterTheStaleTime() {
        resolvePeer();
        advanceAndTick(30, TimeUnit.SECONDS);

        advanceAndTick(59, TimeUnit.SECONDS);
        assertEquals(NeighbourState.STALE, table.state(PEER_IP));
        advanceAndTick(1, TimeUnit.SECONDS);

        assertNull(table.state(PEER_IP));
        assertEquals(1, table.entriesExpired());
        assertTrue(output.requests.isEmpty());
    }

    @Test
    void configuredReachableTimeIsHonoured() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withReachableTime(5, TimeUnit.SECONDS),
                LOCAL_IP, LOCAL_MAC, output);
        resolvePeer();

        advanceAndTick(5, TimeUnit.SECONDS);

        assertEquals(NeighbourState.STALE, table.state(PEER_IP));
    }

    @Test
    void timersWorkAcrossTickerWrapAround() {
        long start = Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(1500);
        table.enqueue(PEER_IP, frame(1), start);

        table.tick(start + TimeUnit.MILLISECONDS.toNanos(999));
        assertEquals(1, output.requests.size());
        table.tick(start + TimeUnit.SECONDS.toNanos(1));
        table.tick(start + TimeUnit.SECONDS.toNanos(2));
        assertEquals(3, output.requests.size());
        table.tick(start + TimeUnit.SECONDS.toNanos(3));

        assertEquals(List.of(PEER_IP), output.failures);
    }

    @Test
    void fullTableEvictsTheLeastRecentlyUsedResolvedEntry() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withCapacity(3), LOCAL_IP, LOCAL_MAC, output);
        int first = 0xC612_0010;
        int second = 0xC612_0011;
        int third = 0xC612_0012;
        table.onArpPacket(REQUEST, 0x0200_0000_0010L, first, LOCAL_IP, now());
        table.onArpPacket(REQUEST, 0x0200_0000_0011L, second, LOCAL_IP, now());
        table.onArpPacket(REQUEST, 0x0200_0000_0012L, third, LOCAL_IP, now());
        table.lookup(first, now());

        table.enqueue(PEER_IP, frame(1), now());

        assertNull(table.state(second), "second was used least recently");
        assertEquals(0x0200_0000_0010L, table.lookup(first, now()));
        assertEquals(0x0200_0000_0012L, table.lookup(third, now()));
        assertEquals(NeighbourState.INCOMPLETE, table.state(PEER_IP));
        assertEquals(3, table.size());
        assertEquals(1, table.entriesEvicted());
    }

    @Test
    void tableNeverGrowsBeyondItsCapacity() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withCapacity(8), LOCAL_IP, LOCAL_MAC, output);

        for (int host = 0; host < 100; host++) {
            table.onArpPacket(REQUEST, 0x0200_0000_1000L + host, 0xC612_1000 + host, LOCAL_IP, now());
            assertTrue(table.size() <= 8);
        }

        assertEquals(8, table.size());
        assertEquals(92, table.entriesEvicted());
        for (int host = 92; host < 100; host++) {
            assertEquals(0x0200_0000_1000L + host, table.lookup(0xC612_1000 + host, now()));
        }
    }

    @Test
    void requestFloodFromSpoofedSendersAllocatesNothingAndKeepsTheTableAtCapacity() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withCapacity(256), LOCAL_IP, LOCAL_MAC, output);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        int answered = spoofedRequestFlood(0, 20_000);

        long before = threads.getThreadAllocatedBytes(threadId);
        answered += spoofedRequestFlood(20_000, 100_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(120_000, answered, "every request for our address is answered");
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 100,000 requests");
        assertEquals(256, table.size());
        assertEquals(120_000 - 256, table.entriesEvicted());
    }

    /** Requests for our address from {@code count} senders in 198.18.0.0/15, each with its own MAC. */
    private int spoofedRequestFlood(int first, int count) {
        int answered = 0;
        for (int i = first; i < first + count; i++) {
            int sender = 0xC613_0000 + (i & 0xFFFF) + 1;       // 198.19.0.1 and up, never ours
            if (table.onArpPacket(REQUEST, 0x0200_0100_0000L + i, sender, LOCAL_IP, now())) {
                answered++;
            }
        }
        return answered;
    }

    @Test
    void incompleteEntriesAreNeverEvictedAndANewAddressIsRefused() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withCapacity(2), LOCAL_IP, LOCAL_MAC, output);
        table.enqueue(PEER_IP, frame(1), now());
        table.enqueue(OTHER_IP, frame(2), now());
        ByteBuf refused = frame(3);

        assertFalse(table.enqueue(0xC612_0004, refused, now()));

        assertEquals(0, refused.refCnt());
        assertEquals(1, table.framesDropped(NeighbourDropReason.TABLE_FULL));
        assertEquals(1, table.entriesRefused());
        assertEquals(NeighbourState.INCOMPLETE, table.state(PEER_IP));
        assertEquals(NeighbourState.INCOMPLETE, table.state(OTHER_IP));
        assertEquals(2, output.requests.size());
    }

    @Test
    void requestForUsStillAnsweredWhenTheTableCannotHoldTheSender() {
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT.withCapacity(1), LOCAL_IP, LOCAL_MAC, output);
        table.enqueue(OTHER_IP, frame(1), now());

        assertTrue(table.onArpPacket(REQUEST, PEER_MAC, PEER_IP, LOCAL_IP, now()));

        assertNull(table.state(PEER_IP));
        assertEquals(1, table.entriesRefused());
    }

    @Test
    void senderClaimingOurAddressIsACountedConflictAndIgnored() {
        assertFalse(table.onArpPacket(REQUEST, PEER_MAC, LOCAL_IP, LOCAL_IP, now()));
        assertFalse(table.onArpPacket(REPLY, PEER_MAC, LOCAL_IP, PEER_IP, now()));

        assertEquals(2, table.conflicts());
        assertNull(table.state(LOCAL_IP));
        assertEquals(0, table.size());
    }

    @Test
    void ourOwnPacketSeenAgainIsNotAConflict() {
        assertFalse(table.onArpPacket(REQUEST, LOCAL_MAC, LOCAL_IP, PEER_IP, now()));

        assertEquals(0, table.conflicts());
        assertEquals(0, table.size());
    }

    @Test
    void senderWithAGroupMacIsRejected() {
        assertFalse(table.onArpPacket(REQUEST, MacAddress.BROADCAST, PEER_IP, LOCAL_IP, now()));
        assertFalse(table.onArpPacket(REQUEST, 0x0100_5E00_0001L, PEER_IP, LOCAL_IP, now()));
        assertFalse(table.onArpPacket(REQUEST, 0L, PEER_IP, LOCAL_IP, now()));

        assertEquals(3, table.sendersRejected());
        assertEquals(0, table.size());
    }

    @Test
    void senderWithAnAddressNoHostOwnsIsRejected() {
        int[] impossible = {0xE000_0001, 0xFFFF_FFFF, 0xF000_0001, 0x7F00_0001, 0x0000_0005};
        for (int senderIp : impossible) {
            assertFalse(table.onArpPacket(REQUEST, PEER_MAC, senderIp, LOCAL_IP, now()));
        }

        assertEquals(impossible.length, table.sendersRejected());
        assertEquals(0, table.size());
    }

    @Test
    void addressProbeForUsIsAnsweredButNotCached() {
        // RFC 5227 2.1.1: a probe carries sender address 0.0.0.0.
        assertTrue(table.onArpPacket(REQUEST, PEER_MAC, 0, LOCAL_IP, now()));

        assertEquals(0, table.size());
        assertEquals(0, table.sendersRejected());
    }

    @Test
    void clearReleasesWaitingFramesAndForgetsEveryEntry() {
        resolvePeer();
        ByteBuf waiting = frame(1);
        table.enqueue(OTHER_IP, waiting, now());

        table.clear();

        assertEquals(0, waiting.refCnt());
        assertEquals(1, table.framesDropped(NeighbourDropReason.CLEARED));
        assertEquals(0, table.size());
        assertNull(table.state(PEER_IP));
        advanceAndTick(1, TimeUnit.HOURS);
        assertEquals(1, output.requests.size(), "cleared entries have no timers left");
    }

    @Test
    void framesParkedFromInsideTransmitGoOutAfterTheWaitingOnes() {
        List<Integer> order = new ArrayList<>();
        NeighbourOutput reentrant = new RecordingNeighbourOutput() {
            @Override
            public void transmit(ByteBuf frame, long destinationMac) {
                int id = frame.getInt(frame.readerIndex());
                order.add(id);
                frame.release();
                if (id == 1) {
                    table.enqueue(PEER_IP, frame(99), now());
                }
            }
        };
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT, LOCAL_IP, LOCAL_MAC, reentrant);
        table.enqueue(PEER_IP, frame(1), now());
        table.enqueue(PEER_IP, frame(2), now());

        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());

        assertEquals(List.of(1, 2, 99), order);
        assertEquals(0, table.waitingFrames());
    }

    @Test
    void clearFromInsideTransmitStopsTheFlushAndReleasesTheRest() {
        List<Integer> order = new ArrayList<>();
        NeighbourOutput reentrant = new RecordingNeighbourOutput() {
            @Override
            public void transmit(ByteBuf frame, long destinationMac) {
                order.add(frame.getInt(frame.readerIndex()));
                frame.release();
                table.clear();
            }
        };
        table = new NeighbourTable(NeighbourTableConfig.DEFAULT, LOCAL_IP, LOCAL_MAC, reentrant);
        table.enqueue(PEER_IP, frame(1), now());
        table.enqueue(PEER_IP, frame(2), now());

        table.onArpPacket(REPLY, PEER_MAC, PEER_IP, LOCAL_IP, now());

        assertEquals(List.of(1), order);
        assertEquals(1, table.framesDropped(NeighbourDropReason.CLEARED));
        assertEquals(0, table.size());
    }

    @Test
    void configRejectsAZeroCapacity() {
        assertThrows(IllegalArgumentException.class, () -> NeighbourTableConfig.DEFAULT.withCapacity(0));
    }

    @Test
    void configRejectsANonPositiveRetryInterval() {
        assertThrows(IllegalArgumentException.class,
                () -> NeighbourTableConfig.DEFAULT.withRequests(3, 0, TimeUnit.SECONDS));
    }
}
