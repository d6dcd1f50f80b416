package io.usertcp.tcp.sack;

import io.usertcp.codec.tcp.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.usertcp.tcp.sack.SackScoreboard.DUPLICATE_SACK;
import static io.usertcp.tcp.sack.SackScoreboard.MAX_RANGES;
import static io.usertcp.tcp.sack.SackScoreboard.NEW_SACKED_DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SackScoreboardTest {
    private static final int SMSS = 1000;
    /** Where lwIP's tests start sequence numbers: the flight crosses 2^32 inside its second segment. */
    private static final int BASE = 0xFFFFFF00 - SMSS;
    private static final int HOSTILE_BLOCKS = 10_000;

    private final TcpOptions options = new TcpOptions();

    /** Sequence number of the first octet of segment {@code n} of the flight. */
    private static int seg(int n) {
        return BASE + n * SMSS;
    }

    /** A scoreboard with segments 0 to {@code segments - 1} outstanding. */
    private SackScoreboard flight(int segments) {
        SackScoreboard board = new SackScoreboard(SMSS, BASE);
        board.update(BASE, seg(segments), options.clear());
        return board;
    }

    /** Delivers an ACK of {@code sndUna} carrying SACK blocks given as left, right edge pairs. */
    private int ack(SackScoreboard board, int sndUna, int... edges) {
        options.clear();
        for (int edge = 0; edge < edges.length; edge += 2) {
            options.addSackBlock(edges[edge], edges[edge + 1]);
        }
        return board.update(sndUna, board.highData(), options);
    }

    /** Delivers a duplicate ACK (SND.UNA unchanged) carrying these SACK blocks. */
    private int sack(SackScoreboard board, int... edges) {
        return ack(board, board.highAck(), edges);
    }

    private static void assertRanges(SackScoreboard board, int... edges) {
        assertEquals(edges.length / 2, board.rangeCount(), board::toString);
        int bytes = 0;
        for (int range = 0; range < edges.length / 2; range++) {
            assertEquals(edges[2 * range], board.rangeStart(range), board::toString);
            assertEquals(edges[2 * range + 1], board.rangeEnd(range), board::toString);
            bytes += edges[2 * range + 1] - edges[2 * range];
        }
        assertEquals(bytes, board.sackedBytes(), board::toString);
    }

    /** Ten segments out, segments 2, 4 and 6 SACKed, recovery entered (segment 0 retransmitted). */
    private SackScoreboard recoveryWithTwoFourSixSacked() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        assertEquals(NextSegment.LOST_DATA, board.enterRecovery());
        return board;
    }

    private static void assertSegment(NextSegment expected, int start, int length, NextSegment actual, SackScoreboard board) {
        assertEquals(expected, actual, board::toString);
        assertEquals(start, board.segmentStart(), board::toString);
        assertEquals(length, board.segmentLength(), board::toString);
    }

    // ---- Update(): marking, merging, validation

    @Test
    void disjointBlocksAreKeptInSequenceOrder() {
        SackScoreboard board = flight(10);
        assertEquals(NEW_SACKED_DATA, sack(board, seg(6), seg(7), seg(2), seg(3), seg(4), seg(5)));
        assertRanges(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
    }

    @Test
    void overlappingBlocksMergeIntoOneRange() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(4));
        assertEquals(NEW_SACKED_DATA, sack(board, seg(3), seg(6)));
        assertRanges(board, seg(2), seg(6));
    }

    @Test
    void adjacentBlocksMergeIntoOneRange() {
        SackScoreboard board = flight(10);
        sack(board, seg(3), seg(4), seg(2), seg(3), seg(4), seg(5));
        assertRanges(board, seg(2), seg(5));
    }

    @Test
    void blockBridgingSeveralRangesMergesThemIntoOne() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        assertEquals(NEW_SACKED_DATA, sack(board, seg(2) + 500, seg(6) + 500));
        assertRanges(board, seg(2), seg(7));
    }

    @Test
    void sackingOnlyKnownOctetsIsNotNewSackedData() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(5));
        assertEquals(0, sack(board, seg(3), seg(4)));
        assertEquals(0, sack(board, seg(2), seg(5)));
        assertRanges(board, seg(2), seg(5));
    }

    @Test
    void blockWhoseLeftEdgeIsNotBeforeItsRightEdgeIsIgnored() {
        SackScoreboard board = flight(10);
        assertEquals(0, sack(board, seg(3), seg(2), seg(4), seg(4)));
        assertRanges(board);
        assertEquals(2, board.invalidBlocks());
    }

    @Test
    void blockEndingBeyondSndNxtIsIgnored() {
        SackScoreboard board = flight(10);
        assertEquals(0, sack(board, seg(8), seg(10) + 1, seg(2), seg(2) + Integer.MAX_VALUE));
        assertRanges(board);
        assertEquals(2, board.invalidBlocks());
    }

    @Test
    void blockSpanningExactlySndUnaToSndNxtIsAccepted() {
        SackScoreboard board = flight(10);
        assertEquals(NEW_SACKED_DATA, sack(board, seg(0), seg(10)));
        assertRanges(board, seg(0), seg(10));
        assertEquals(0, board.invalidBlocks());
    }

    @Test
    void blockStartingBelowSndUnaAfterTheFirstIsIgnored() {
        SackScoreboard board = flight(10);
        assertEquals(NEW_SACKED_DATA, ack(board, seg(5), seg(6), seg(7), seg(4), seg(6)));
        assertRanges(board, seg(6), seg(7));
        assertEquals(1, board.invalidBlocks());
    }

    // ---- D-SACK (RFC 2883)

    @Test
    void firstBlockBelowSndUnaIsADuplicateSackAndMarksNothing() {
        SackScoreboard board = flight(10);
        assertEquals(DUPLICATE_SACK, ack(board, seg(3), seg(1), seg(2)));
        assertRanges(board);
        assertEquals(0, board.invalidBlocks());
    }

    @Test
    void firstBlockWithinTheSecondIsADuplicateSack() {
        SackScoreboard board = flight(10);
        assertEquals(DUPLICATE_SACK | NEW_SACKED_DATA, sack(board, seg(5), seg(6), seg(4), seg(7)));
        assertRanges(board, seg(4), seg(7));
    }

    @Test
    void blocksAfterADuplicateSackAreMarked() {
        SackScoreboard board = flight(10);
        assertEquals(DUPLICATE_SACK | NEW_SACKED_DATA, ack(board, seg(3), seg(1), seg(2), seg(5), seg(6)));
        assertRanges(board, seg(5), seg(6));
    }

    // ---- The cap (SACK-panic class, CVE-2019-11477/8/9)

    /** SACKs one octet at each odd offset 3, 5, ... from SND.UNA until {@link SackScoreboard#MAX_RANGES} are kept. */
    private void fillToCapacity(SackScoreboard board) {
        for (int range = 0; range < MAX_RANGES; range += 4) {
            int first = BASE + 3 + 2 * range;
            sack(board, first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6, first + 7);
        }
        assertEquals(MAX_RANGES, board.rangeCount());
        assertEquals(0, board.capacityHits());
    }

    @Test
    void capEvictsTheHighestRangeForALowerNewOne() {
        SackScoreboard board = flight(10);
        fillToCapacity(board);
        int highestKept = board.rangeStart(MAX_RANGES - 2);
        assertEquals(NEW_SACKED_DATA, sack(board, BASE + 1, BASE + 2));
        assertEquals(MAX_RANGES, board.rangeCount());
        assertEquals(BASE + 1, board.rangeStart(0));
        assertEquals(highestKept, board.rangeStart(MAX_RANGES - 1));
        assertEquals(MAX_RANGES, board.sackedBytes());
        assertEquals(1, board.capacityHits());
    }

    @Test
    void capForgetsANewRangeAboveEveryKeptOne() {
        SackScoreboard board = flight(10);
        fillToCapacity(board);
        int highest = board.rangeStart(MAX_RANGES - 1);
        assertEquals(0, sack(board, seg(5), seg(6)));
        assertEquals(MAX_RANGES, board.rangeCount());
        assertEquals(highest, board.rangeStart(MAX_RANGES - 1));
        assertEquals(1, board.capacityHits());
    }

    @Test
    void mergingAtCapacityEvictsNothing() {
        SackScoreboard board = flight(10);
        fillToCapacity(board);
        assertEquals(NEW_SACKED_DATA, sack(board, BASE + 3, BASE + 6));
        assertEquals(MAX_RANGES - 1, board.rangeCount());
        assertEquals(BASE + 3, board.rangeStart(0));
        assertEquals(BASE + 6, board.rangeEnd(0));
        assertEquals(0, board.capacityHits());
    }

    /**
     * Offsets (in octet pairs above SND.UNA) of the hostile one-octet blocks: first descending, so every
     * block lands below all kept ranges and forces an eviction and a full shift, then a scattered
     * permutation of higher offsets.
     */
    private static int hostileOffset(int block) {
        int half = HOSTILE_BLOCKS / 2;
        return block < half ? half - block : half + (block * 7919) % half;
    }

    /** Sends the hostile blocks four per ACK and returns the most range steps any one ACK took. */
    private long sendHostileBlocks(SackScoreboard board) {
        long mostSteps = 0;
        for (int block = 0; block < HOSTILE_BLOCKS; block += TcpOptions.MAX_SACK_BLOCKS) {
            options.clear();
            for (int slot = 0; slot < TcpOptions.MAX_SACK_BLOCKS; slot++) {
                int octet = BASE + 1 + 2 * hostileOffset(block + slot);
                options.addSackBlock(octet, octet + 1);
            }
            long stepsBefore = board.rangeSteps();
            board.update(BASE, board.highData(), options);
            mostSteps = Math.max(mostSteps, board.rangeSteps() - stepsBefore);
            assertTrue(board.rangeCount() <= MAX_RANGES, board::toString);
        }
        return mostSteps;
    }

    private SackScoreboard hostileFlight() {
        SackScoreboard board = new SackScoreboard(SMSS, BASE);
        board.update(BASE, BASE + 4 * HOSTILE_BLOCKS, options.clear());
        return board;
    }

    @Test
    void rangeCountStaysCappedUnderTenThousandHostileBlocks() {
        SackScoreboard board = hostileFlight();
        sendHostileBlocks(board);
        assertEquals(MAX_RANGES, board.rangeCount());
        assertEquals(HOSTILE_BLOCKS - MAX_RANGES, board.capacityHits());
        // the lowest octets SACKed are the ones kept, each exactly as the peer sent it
        for (int range = 0; range < MAX_RANGES; range++) {
            assertEquals(BASE + 1 + 2 * (range + 1), board.rangeStart(range));
            assertEquals(board.rangeStart(range) + 1, board.rangeEnd(range));
        }
        assertEquals(MAX_RANGES, board.sackedBytes());
    }

    @Test
    void perAckWorkStaysFlatUnderTenThousandHostileBlocks() {
        SackScoreboard board = hostileFlight();
        long mostSteps = sendHostileBlocks(board);
        // the bound rangeSteps() documents: 2 * MAX_RANGES per block plus MAX_RANGES for the advance
        long bound = TcpOptions.MAX_SACK_BLOCKS * 2L * MAX_RANGES + MAX_RANGES;
        assertTrue(mostSteps <= bound, "an ACK took " + mostSteps + " steps, bound " + bound);
        // and the bound is reached: the descending blocks really make each ACK shift every kept range
        assertTrue(mostSteps >= TcpOptions.MAX_SACK_BLOCKS * (MAX_RANGES - 1L), "steps " + mostSteps);
    }

    // ---- IsLost()

    @Test
    void holeIsLostWithThreeSackedRangesAbove() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(2) + 100, seg(4), seg(4) + 100, seg(6), seg(6) + 100);
        assertTrue(board.isLost(seg(0)));
        assertTrue(board.isLost(seg(2) - 1));
    }

    @Test
    void holeIsNotLostWithTwoSmallRangesAbove() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(2) + 100, seg(4), seg(4) + 100, seg(6), seg(6) + 100);
        assertFalse(board.isLost(seg(2) + 100));
        assertFalse(board.isLost(seg(4) - 1));
    }

    @Test
    void holeIsLostWhenMoreThanTwoSegmentsOfOctetsAreSackedAbove() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(4) + 1);
        assertTrue(board.isLost(seg(1)));
    }

    @Test
    void holeIsNotLostWithExactlyTwoSegmentsOfOctetsSackedAbove() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(4));
        assertFalse(board.isLost(seg(1)));
    }

    @Test
    void sackedOctetIsNeverLost() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7), seg(8), seg(9));
        assertTrue(board.isLost(seg(1)));
        assertFalse(board.isLost(seg(2)));
    }

    @Test
    void octetsOutsideTheFlightAreNeverLost() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        assertFalse(board.isLost(seg(0) - 1));
        assertFalse(board.isLost(seg(10)));
    }

    // ---- SetPipe()

    @Test
    void pipeIsTheFlightSizeWithoutSack() {
        assertEquals(10 * SMSS, flight(10).pipe());
    }

    @Test
    void pipeLeavesOutSackedAndLostOctets() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        // segments 0-1: three ranges above, lost, not counted; 2, 4, 6: SACKed; 3: two ranges and exactly
        // 2 * SMSS octets above, not lost; 5 and 7-9: not lost. Pipe = 3 + 5 + 7..9 = 5 segments.
        assertEquals(5 * SMSS, board.pipe());
    }

    @Test
    void pipeCountsALostOctetRetransmittedOnce() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        // segment 0 retransmitted: lost, so only (b) counts it; the rest as before
        assertEquals(6 * SMSS, board.pipe());
        board.nextSeg(0);
        assertEquals(7 * SMSS, board.pipe());
    }

    @Test
    void pipeCountsAnOctetRetransmittedBeforeItWasLostTwice() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        assertEquals(NextSegment.UNSACKED_DATA, board.nextSeg(0));
        // segments 0-1 once each (b); segment 3 now twice, (a) and (b); 5 and 7-9 once
        assertEquals(8 * SMSS, board.pipe());
    }

    // ---- Recovery entry and exit (RFC 6675 5)

    @Test
    void enterRecoveryRetransmitsTheFirstSegmentAtSndUna() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        assertSegment(NextSegment.LOST_DATA, seg(0), SMSS, board.enterRecovery(), board);
        assertEquals(seg(1), board.highRxt());
        assertEquals(seg(10), board.recoveryPoint());
        assertTrue(board.inRecovery());
        assertFalse(board.canEnterRecovery());
    }

    @Test
    void enterRecoveryStopsTheRetransmissionAtSackedData() {
        SackScoreboard board = flight(10);
        sack(board, seg(0) + 300, seg(1), seg(2), seg(3), seg(4), seg(5));
        assertSegment(NextSegment.LOST_DATA, seg(0), 300, board.enterRecovery(), board);
    }

    @Test
    void enterRecoveryFindsNothingWhenEveryOutstandingOctetIsSacked() {
        SackScoreboard board = flight(3);
        sack(board, seg(0), seg(3));
        assertSegment(NextSegment.NONE, board.segmentStart(), 0, board.enterRecovery(), board);
    }

    @Test
    void enterRecoveryDuringRecoveryIsRejected() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        assertThrows(IllegalStateException.class, board::enterRecovery);
    }

    @Test
    void recoveryEndsWhenSndUnaReachesRecoveryPoint() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        ack(board, seg(9));
        assertTrue(board.inRecovery());
        ack(board, seg(10));
        assertFalse(board.inRecovery());
        assertTrue(board.canEnterRecovery());
    }

    // ---- NextSeg(), rules (1) to (4) in order

    @Test
    void nextSegRule1RetransmitsTheLowestLostHoleBeforeNewData() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        assertSegment(NextSegment.LOST_DATA, seg(1), SMSS, board.nextSeg(5 * SMSS), board);
        assertEquals(seg(2), board.highRxt());
        assertEquals(seg(10), board.highData());
    }

    @Test
    void nextSegRule1StopsTheSegmentAtSackedData() {
        SackScoreboard board = flight(10);
        sack(board, seg(1) + 400, seg(2), seg(3), seg(4), seg(5), seg(6));
        assertSegment(NextSegment.LOST_DATA, seg(0), SMSS, board.enterRecovery(), board);
        assertSegment(NextSegment.LOST_DATA, seg(1), 400, board.nextSeg(0), board);
        assertEquals(seg(1) + 400, board.highRxt());
    }

    @Test
    void nextSegRule2SendsNewDataOnceNoHoleIsLost() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        assertSegment(NextSegment.NEW_DATA, seg(10), SMSS, board.nextSeg(2500), board);
        assertSegment(NextSegment.NEW_DATA, seg(11), 300, board.nextSeg(300), board);
        assertEquals(seg(11) + 300, board.highData());
        assertEquals(seg(2), board.highRxt());
    }

    @Test
    void nextSegRule3RetransmitsUnlostHolesBelowSackedDataWhenNoNewDataIsAllowed() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        assertSegment(NextSegment.UNSACKED_DATA, seg(3), SMSS, board.nextSeg(0), board);
        assertEquals(seg(4), board.highRxt());
        assertSegment(NextSegment.UNSACKED_DATA, seg(5), SMSS, board.nextSeg(0), board);
        assertEquals(seg(6), board.highRxt());
    }

    @Test
    void nextSegRule4WaitsUntilSndUnaPassesTheFirstRetransmission() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        board.nextSeg(0);
        board.nextSeg(0);
        // RFC 6675 5 (4.3) set RescueRxt to the end of segment 0
        assertSegment(NextSegment.NONE, board.segmentStart(), 0, board.nextSeg(0), board);
        ack(board, seg(1));
        assertEquals(NextSegment.NONE, board.nextSeg(0));
        ack(board, seg(1) + 1);
        assertEquals(NextSegment.RESCUE, board.nextSeg(0));
    }

    @Test
    void nextSegRule4RescuesTheHighestUnsackedSegmentOncePerRecovery() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        board.nextSeg(0);
        board.nextSeg(0);
        ack(board, seg(2));
        assertSegment(NextSegment.RESCUE, seg(9), SMSS, board.nextSeg(0), board);
        assertEquals(seg(6), board.highRxt());
        assertSegment(NextSegment.NONE, board.segmentStart(), 0, board.nextSeg(0), board);
    }

    @Test
    void nextSegRule4RescuesTheHoleBelowALastRangeReachingSndNxt() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(5), seg(10));
        board.enterRecovery();
        assertSegment(NextSegment.LOST_DATA, seg(1), SMSS, board.nextSeg(0), board);
        assertSegment(NextSegment.LOST_DATA, seg(3), SMSS, board.nextSeg(0), board);
        assertSegment(NextSegment.LOST_DATA, seg(4), SMSS, board.nextSeg(0), board);
        // Was an ACK of seg(2), the start of the SACKed segment 2: now taken as a renege (RFC 2018 8), which
        // forgets the ranges; the ACK past segment 2 that a receiver keeping it sends leaves the same rescue
        ack(board, seg(3));
        assertSegment(NextSegment.RESCUE, seg(4), SMSS, board.nextSeg(0), board);
    }

    @Test
    void nextSegFindsNothingWhenAllIsSentAndRetransmitted() {
        SackScoreboard board = flight(10);
        sack(board, seg(1), seg(10));
        board.enterRecovery();
        assertSegment(NextSegment.NONE, board.segmentStart(), 0, board.nextSeg(0), board);
    }

    // ---- Cumulative ACKs, SND.NXT moving back, timeouts

    @Test
    void cumulativeAckDropsRangesBelowIt() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(4), seg(5), seg(6), seg(7));
        ack(board, seg(5));
        assertRanges(board, seg(6), seg(7));
    }

    @Test
    void cumulativeAckInsideARangeTrimsIt() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(4));
        board.advance(seg(3));
        assertEquals(seg(3), board.highAck());
        assertRanges(board, seg(3), seg(4));
    }

    @Test
    void cumulativeAckReachingASackedRangeShowsARenegeAndForgetsEveryRange() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(4), seg(6), seg(7));
        board.timeout(seg(10));
        ack(board, seg(2));
        // RFC 2018 8: the receiver would have ACKed past segment 3 had it kept it
        assertRanges(board);
        assertEquals(1, board.reneges());
        assertTrue(board.repairingTimeout());
        assertSegment(NextSegment.LOST_DATA, seg(2), SMSS, board.nextSeg(0), board);
    }

    @Test
    void highRxtNeverFallsBelowSndUna() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        ack(board, seg(3));
        assertEquals(seg(3), board.highRxt());
    }

    @Test
    void sndNxtMovingBackDropsAndTrimsRangesAboveIt() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3), seg(6), seg(8), seg(9), seg(10));
        board.update(seg(0), seg(7), options.clear());
        assertRanges(board, seg(2), seg(3), seg(6), seg(7));
        assertEquals(seg(7), board.highData());
    }

    @Test
    void clearForgetsEveryRangeAndRetransmission() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        board.clear();
        assertRanges(board);
        assertEquals(board.highAck(), board.highRxt());
        assertEquals(10 * SMSS, board.pipe());
        assertFalse(board.isLost(seg(0)));
    }

    @Test
    void clearDuringRecoveryHoldsOffRecoveryUntilHighDataIsAcked() {
        SackScoreboard board = recoveryWithTwoFourSixSacked();
        board.nextSeg(0);
        assertEquals(NextSegment.NEW_DATA, board.nextSeg(SMSS));
        board.clear();
        assertFalse(board.inRecovery());
        assertEquals(seg(11), board.recoveryPoint());
        ack(board, seg(10));
        assertFalse(board.canEnterRecovery());
        ack(board, seg(11));
        assertTrue(board.canEnterRecovery());
    }

    @Test
    void timeoutKeepsRangesAndRetransmitsOnlyUnsackedOctetsBelowHighData() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3));
        board.timeout(seg(10));
        // RFC 6675 5.1: the SACK information chooses what to retransmit; every unSACKed octet counts as lost
        assertRanges(board, seg(2), seg(3));
        assertTrue(board.isLost(seg(9)));
        assertEquals(0, board.pipe());
        assertSegment(NextSegment.LOST_DATA, seg(0), SMSS, board.nextSeg(SMSS), board);
        assertSegment(NextSegment.LOST_DATA, seg(1), SMSS, board.nextSeg(SMSS), board);
        assertSegment(NextSegment.LOST_DATA, seg(3), SMSS, board.nextSeg(SMSS), board);
        assertEquals(3 * SMSS, board.pipe());
    }

    @Test
    void timeoutRepairEndsWhenItsHighDataIsAcked() {
        SackScoreboard board = flight(10);
        board.timeout(seg(10));
        assertTrue(board.repairingTimeout());
        assertFalse(board.canEnterRecovery());
        ack(board, seg(10));
        assertFalse(board.repairingTimeout());
        assertTrue(board.canEnterRecovery());
    }

    @Test
    void clearOutsideRecoveryHoldsNothingOff() {
        SackScoreboard board = flight(10);
        sack(board, seg(2), seg(3));
        board.clear();
        assertTrue(board.canEnterRecovery());
    }

    // ---- Octet-by-octet models of RFC 6675 section 4 on random scoreboards

    private static final int MODEL_SMSS = 100;
    private static final int MODEL_OCTETS = 40 * MODEL_SMSS;
    private static final int MODEL_SCENARIOS = 200;

    /** RFC 6675 4 IsLost() for every octet of the flight, from a bitmap of SACKed octets. */
    private static boolean[] lostOctets(boolean[] sacked) {
        boolean[] lost = new boolean[sacked.length];
        int rangesAbove = 0;
        int octetsAbove = 0;
        for (int octet = sacked.length - 1; octet >= 0; octet--) {
            if (sacked[octet]) {
                octetsAbove++;
                if (octet == 0 || !sacked[octet - 1]) {
                    rangesAbove++;
                }
            } else {
                lost[octet] = rangesAbove >= SackScoreboard.DUP_THRESH
                        || octetsAbove > (SackScoreboard.DUP_THRESH - 1) * MODEL_SMSS;
            }
        }
        return lost;
    }

    /** RFC 6675 4 SetPipe(), one octet at a time. */
    private static int pipeByDefinition(boolean[] sacked, boolean[] lost, int highRxtOffset) {
        int pipe = 0;
        for (int octet = 0; octet < sacked.length; octet++) {
            if (!sacked[octet]) {
                pipe += lost[octet] ? 0 : 1;
                pipe += octet < highRxtOffset ? 1 : 0;
            }
        }
        return pipe;
    }

    /** A flight of {@link #MODEL_OCTETS} with random blocks SACKed, one block per ACK, mirrored in {@code sacked}. */
    private SackScoreboard randomScoreboard(Random random, int base, boolean[] sacked) {
        SackScoreboard board = new SackScoreboard(MODEL_SMSS, base);
        board.update(base, base + MODEL_OCTETS, options.clear());
        int blocks = 1 + random.nextInt(12);
        for (int block = 0; block < blocks; block++) {
            int left = random.nextInt(MODEL_OCTETS);
            int right = Math.min(MODEL_OCTETS, left + 1 + random.nextInt(3 * MODEL_SMSS));
            for (int octet = left; octet < right; octet++) {
                sacked[octet] = true;
            }
            sack(board, base + left, base + right);
        }
        return board;
    }

    private static int baseFor(Random random, int scenario) {
        return scenario % 2 == 0 ? BASE : random.nextInt();
    }

    @Test
    void isLostMatchesTheOctetByOctetDefinition() {
        for (int scenario = 0; scenario < MODEL_SCENARIOS; scenario++) {
            Random random = new Random(scenario);
            int base = baseFor(random, scenario);
            boolean[] sacked = new boolean[MODEL_OCTETS];
            SackScoreboard board = randomScoreboard(random, base, sacked);
            boolean[] lost = lostOctets(sacked);
            for (int octet = 0; octet < MODEL_OCTETS; octet++) {
                int at = octet;
                assertEquals(lost[octet], board.isLost(base + octet), () -> "octet " + at + " of " + board);
            }
        }
    }

    @Test
    void pipeMatchesTheOctetByOctetDefinition() {
        int retransmissionsChecked = 0;
        for (int scenario = 0; scenario < MODEL_SCENARIOS; scenario++) {
            Random random = new Random(scenario);
            int base = baseFor(random, scenario);
            boolean[] sacked = new boolean[MODEL_OCTETS];
            SackScoreboard board = randomScoreboard(random, base, sacked);
            boolean[] lost = lostOctets(sacked);
            assertEquals(pipeByDefinition(sacked, lost, 0), board.pipe(), board::toString);
            board.enterRecovery();
            for (int send = 0; send < 8 && board.nextSeg(0) != NextSegment.NONE; send++) {
                assertEquals(pipeByDefinition(sacked, lost, board.highRxt() - base), board.pipe(), board::toString);
                retransmissionsChecked++;
            }
        }
        assertTrue(retransmissionsChecked > MODEL_SCENARIOS, "checked " + retransmissionsChecked);
    }

    @Test
    void nextSegRetransmissionsMatchTheOctetByOctetRules() {
        int lostChecked = 0;
        int unsackedChecked = 0;
        for (int scenario = 0; scenario < MODEL_SCENARIOS; scenario++) {
            Random random = new Random(scenario);
            int base = baseFor(random, scenario);
            boolean[] sacked = new boolean[MODEL_OCTETS];
            SackScoreboard board = randomScoreboard(random, base, sacked);
            boolean[] lost = lostOctets(sacked);
            int highestSacked = MODEL_OCTETS - 1;
            while (!sacked[highestSacked]) {
                highestSacked--;
            }
            board.enterRecovery();
            for (int send = 0; send < 20; send++) {
                int highRxt = board.highRxt() - base;
                // (1): the smallest unSACKed octet >= HighRxt, below the highest SACKed octet, that is lost;
                // (3): the same without IsLost()
                int lostCandidate = -1;
                int unsackedCandidate = -1;
                for (int octet = highRxt; octet < highestSacked; octet++) {
                    if (!sacked[octet]) {
                        unsackedCandidate = unsackedCandidate < 0 ? octet : unsackedCandidate;
                        if (lost[octet]) {
                            lostCandidate = octet;
                            break;
                        }
                    }
                }
                NextSegment choice = board.nextSeg(0);
                int expectedStart = lostCandidate >= 0 ? lostCandidate : unsackedCandidate;
                if (expectedStart < 0) {
                    assertTrue(choice == NextSegment.RESCUE || choice == NextSegment.NONE, choice::toString);
                    break;
                }
                assertEquals(lostCandidate >= 0 ? NextSegment.LOST_DATA : NextSegment.UNSACKED_DATA, choice, board::toString);
                int unsackedRun = 0;
                while (unsackedRun < MODEL_SMSS && !sacked[expectedStart + unsackedRun]) {
                    unsackedRun++;
                }
                assertEquals(base + expectedStart, board.segmentStart(), board::toString);
                assertEquals(unsackedRun, board.segmentLength(), board::toString);
                assertEquals(board.segmentStart() + board.segmentLength(), board.highRxt(), board::toString);
                if (choice == NextSegment.LOST_DATA) {
                    lostChecked++;
                } else {
                    unsackedChecked++;
                }
            }
        }
        assertTrue(lostChecked > MODEL_SCENARIOS && unsackedChecked > MODEL_SCENARIOS / 4,
                "checked " + lostChecked + " rule (1) and " + unsackedChecked + " rule (3) choices");
    }

    // ---- Allocation

    @Test
    void rangeStorageIsAllocatedByTheFirstSackAndReleasedByClear() {
        SackScoreboard board = flight(10);
        TcpOptions noBlocks = new TcpOptions();
        TcpOptions oneBlock = new TcpOptions().addSackBlock(seg(2), seg(3));
        TcpOptions otherBlock = new TcpOptions().addSackBlock(seg(4), seg(5));
        // run every path once on a throwaway so that linking is not measured
        SackScoreboard warmUp = flight(10);
        warmUp.update(BASE, seg(10), oneBlock);
        warmUp.clear();
        int arrays = 2 * MAX_RANGES * Integer.BYTES;

        long start = AllocatedBytes.sinceThreadStart();
        board.update(BASE, seg(10), noBlocks);
        long plainAck = AllocatedBytes.sinceThreadStart();
        board.update(BASE, seg(10), oneBlock);
        long firstSack = AllocatedBytes.sinceThreadStart();
        board.update(BASE, seg(10), otherBlock);
        long secondSack = AllocatedBytes.sinceThreadStart();
        board.clear();
        board.update(BASE, seg(10), oneBlock);
        long sackAfterClear = AllocatedBytes.sinceThreadStart();

        assertTrue(plainAck - start < arrays, "plain ACK allocated " + (plainAck - start));
        assertTrue(firstSack - plainAck >= arrays, "first SACK allocated " + (firstSack - plainAck));
        assertTrue(secondSack - firstSack < arrays, "second SACK allocated " + (secondSack - firstSack));
        assertTrue(sackAfterClear - secondSack >= arrays, "SACK after clear allocated " + (sackAfterClear - secondSack));
    }

    /**
     * A long ACK stream through one scoreboard: a window sliding across 2^32, one-octet blocks scattered
     * over it (enough to keep the cap hit), wide blocks merging them, D-SACKs, blocks beyond SND.NXT, and
     * recovery entered and left again with SetPipe and NextSeg on every ACK inside it. Returns a checksum of
     * the results so that nothing is optimised away.
     */
    private long ackStream(SackScoreboard board, int firstAck, int acks) {
        long checksum = 0;
        for (int ack = firstAck; ack < firstAck + acks; ack++) {
            int una = BASE + ack * 100;
            int nxt = una + 64 * SMSS;
            options.clear();
            if (ack % 5 == 0) {
                options.addSackBlock(una - SMSS, una);
            }
            if (ack % 7 == 0) {
                options.addSackBlock(una + SMSS, una + 3 * SMSS);
            }
            if (ack % 11 == 0) {
                options.addSackBlock(nxt - SMSS, nxt + 1);
            }
            while (options.sackBlockCount() < TcpOptions.MAX_SACK_BLOCKS) {
                int octet = una + 1 + 2 * ((ack * 4 + options.sackBlockCount()) * 37 % 16_000);
                options.addSackBlock(octet, octet + 1);
            }
            checksum += board.update(una, nxt, options);
            // stands in for the engine's DupAcks >= DupThresh, so that recovery is entered again after each exit
            if (board.canEnterRecovery() && (ack % 50 == 0 || board.isLost(una))) {
                checksum += board.enterRecovery().ordinal();
            } else if (board.inRecovery()) {
                checksum += board.pipe();
                checksum += board.nextSeg(ack % 3 == 0 ? SMSS : 0).ordinal() + board.segmentLength();
            }
        }
        return checksum;
    }

    @Test
    void updatesAllocateNothingAfterWarmUp() {
        SackScoreboard board = new SackScoreboard(SMSS, BASE);
        long checksum = ackStream(board, 0, 100_000);
        long before = AllocatedBytes.sinceThreadStart();
        checksum += ackStream(board, 100_000, 1_000_000);
        long allocated = AllocatedBytes.sinceThreadStart() - before;
        assertTrue(checksum != 0);
        assertTrue(board.capacityHits() > 0, "the stream should reach the cap");
        assertTrue(allocated < 1024, "1,000,000 ACKs allocated " + allocated + " bytes");
    }
}
