package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.sack.SackScoreboard;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SACK-panic class (CVE-2019-11477, -11478) from a peer that knows our sequence numbers: SACK blocks beyond
 * what was sent, reversed, below SND.UNA, and floods of one-byte blocks meant to shred the retransmission queue.
 * The retransmission queue here is the send buffer, a byte stream, which SACK blocks never split: what they
 * change is the scoreboard, capped at {@link SackScoreboard#MAX_RANGES} ranges. Forged blocks are counted in
 * {@link TcpCounter#SACK_BLOCKS_REJECTED}, forgotten ranges in {@link TcpCounter#SACK_RANGES_DISCARDED}, and the
 * work per ACK (scoreboard steps, segments sent, heap bytes allocated) is the same at 1k and 10k forged ACKs.
 *
 * <p>Every test starts with {@link Handshakes#sendWithSack}: ten segments of {@link Handshakes#MSS} in flight,
 * SND.UNA at {@link #OURS} and SND.NXT ten segments above, nothing left unsent.
 */
class SackAttackTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final int IN_FLIGHT = 10 * MSS;

    /** A script with ten segments in flight to a SACK peer; the caller closes it. */
    private static TcpScript sending() {
        TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);
        Handshakes.sendWithSack(script, 10);
        script.advanceMillis(10);
        return script;
    }

    private static long counter(TcpScript script, TcpCounter counter) {
        return script.engine().counters().get(counter);
    }

    @Test
    void sackBlockBeyondSndNxtIsIgnoredAndCounted() {
        try (TcpScript script = sending()) {
            script.receive(tcp().ack().seq(PEER).ack(OURS).sack(OURS + 9 * MSS, OURS + 11 * MSS));
            script.expectNothing();
            assertEquals(0, script.connection().sackScoreboard().rangeCount());
            assertEquals(1, counter(script, TcpCounter.SACK_BLOCKS_REJECTED));
        }
    }

    @Test
    void reversedSackBlockIsIgnored() {
        try (TcpScript script = sending()) {
            script.receive(tcp().ack().seq(PEER).ack(OURS).sack(OURS + 3 * MSS, OURS + 2 * MSS));
            script.expectNothing();
            assertEquals(0, script.connection().sackScoreboard().rangeCount());
            assertEquals(1, counter(script, TcpCounter.SACK_BLOCKS_REJECTED));
        }
    }

    @Test
    void sackBlockBelowSndUnaIsIgnoredUnlessItIsADuplicateSack() {
        try (TcpScript script = sending()) {
            script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS));
            script.expectNothing();
            // First block: a D-SACK (RFC 2883 4), reported, never marked; the third lies below SND.UNA: forged
            script.receive(tcp().ack().seq(PEER).ack(OURS + 2 * MSS).sack(OURS, OURS + MSS)
                    .sack(OURS + 4 * MSS, OURS + 5 * MSS).sack(OURS + MSS, OURS + 2 * MSS));
            SackScoreboard board = script.connection().sackScoreboard();
            assertEquals(1, board.rangeCount());
            assertEquals(OURS + 4 * MSS, board.rangeStart(0));
            assertEquals(1, counter(script, TcpCounter.SACK_BLOCKS_REJECTED));
        }
    }

    @Test
    void validSackBlocksAreNotCountedAsRejected() {
        try (TcpScript script = sending()) {
            script.receive(tcp().ack().seq(PEER).ack(OURS).sack(OURS + MSS, OURS + 2 * MSS));
            assertEquals(1, script.connection().sackScoreboard().rangeCount());
            assertEquals(0, counter(script, TcpCounter.SACK_BLOCKS_REJECTED));
            assertEquals(0, counter(script, TcpCounter.SACK_RANGES_DISCARDED));
        }
    }

    @Test
    void sackFloodDoesNotSplitTheRetransmissionQueue() {
        try (TcpScript script = sending()) {
            TcpConnection connection = script.connection();
            flood(script, 2_000, new SplittableRandom(11477));
            SackScoreboard board = connection.sackScoreboard();
            // The data stays one buffer, as written; only the capped scoreboard took the blocks in
            assertEquals(1, connection.sendBuffer().bufferCount());
            assertEquals(IN_FLIGHT, connection.sendBufferedBytes());
            assertTrue(board.rangeCount() <= SackScoreboard.MAX_RANGES, board.toString());
            assertTrue(counter(script, TcpCounter.SACK_RANGES_DISCARDED) > 0);
        }
    }

    @Test
    void forgedBlocksBeyondSndNxtCostNoScoreboardWork() {
        try (TcpScript script = sending()) {
            SackScoreboard board = script.connection().sackScoreboard();
            long stepsBefore = board.rangeSteps();
            for (int i = 0; i < 1_000; i++) {
                int left = OURS + IN_FLIGHT + 1 + 2 * i;
                script.receive(tcp().ack().seq(PEER).ack(OURS).sack(left, left + 1).sack(left + 2, left + 3)
                        .sack(left + 4, left + 5).sack(left + 6, left + 7));
            }
            assertEquals(stepsBefore, board.rangeSteps());
            assertEquals(0, board.rangeCount());
            assertEquals(4_000, counter(script, TcpCounter.SACK_BLOCKS_REJECTED));
        }
    }

    @Test
    void oneByteHoleFloodIsNotAmplifiedIntoTinySegments() {
        try (TcpScript script = sending()) {
            int most = 0;
            long sentBefore = counter(script, TcpCounter.SEGMENTS_SENT);
            // Each ACK SACKs three more single bytes two apart, just above the last (three new one-byte holes), and
            // the last segment, so that the data above the holes does not count in the pipe
            int tail = OURS + IN_FLIGHT - MSS;
            int acks = (IN_FLIGHT - MSS) / 6;
            for (int i = 0; i < acks; i++) {
                int left = OURS + 1 + 6 * i;
                script.receive(tcp().ack().seq(PEER).ack(OURS).sack(left, left + 1).sack(left + 2, left + 3)
                        .sack(left + 4, left + 5).sack(tail, tail + MSS));
                int replies = 0;
                while (script.pendingSent() > 0) {
                    script.nextSent();
                    replies++;
                }
                most = Math.max(most, replies);
            }
            long sent = counter(script, TcpCounter.SEGMENTS_SENT) - sentBefore;
            // The holes a flood can open are bounded by the scoreboard, not by the ACKs: a burst within the
            // congestion window once, then next to nothing
            assertTrue(most <= 10, most + " segments answered one ACK");
            assertTrue(sent <= SackScoreboard.MAX_RANGES, sent + " segments for " + acks + " ACKs");
        }
    }

    @Test
    void sackFloodCostsFlatWorkPerAck() {
        Work warmUp = measureFlood(1_000);
        Work small = measureFlood(1_000);
        Work large = measureFlood(10_000);
        // 2 * MAX_RANGES steps per block at most, four blocks an ACK, plus MAX_RANGES for the cumulative part
        double bound = 4 * 2 * SackScoreboard.MAX_RANGES + SackScoreboard.MAX_RANGES;
        assertTrue(large.stepsPerAck <= bound, large + " exceeds " + bound);
        assertTrue(large.stepsPerAck <= 1.25 * small.stepsPerAck + 1, small + " then " + large);
        // One segment per ACK at most once recovery has repaired the holes a flood can make
        assertTrue(large.segmentsPerAck <= small.segmentsPerAck + 0.1, small + " then " + large);
        assertTrue(large.bytesPerAck <= 1.25 * small.bytesPerAck, warmUp + ", " + small + " then " + large);
    }

    /** What a flood of {@code acks} forged ACKs cost, per ACK, on a fresh connection. */
    private static Work measureFlood(int acks) {
        try (TcpScript script = sending()) {
            SackScoreboard board = script.connection().sackScoreboard();
            long stepsBefore = board.rangeSteps();
            long sentBefore = counter(script, TcpCounter.SEGMENTS_SENT);
            double bytesPerAck = ThreadAllocations.measure(() -> {
                flood(script, acks, new SplittableRandom(11478));
                return acks;
            });
            assertTrue(board.rangeCount() <= SackScoreboard.MAX_RANGES);
            assertEquals(1, script.connection().sendBuffer().bufferCount());
            return new Work((board.rangeSteps() - stepsBefore) / (double) acks,
                    (counter(script, TcpCounter.SEGMENTS_SENT) - sentBefore) / (double) acks, bytesPerAck);
        }
    }

    /**
     * {@code acks} duplicate ACKs, each with four one-byte SACK blocks at random places within what is in flight,
     * the most disjoint ranges a peer can claim; whatever we send meanwhile is consumed.
     */
    private static void flood(TcpScript script, int acks, SplittableRandom random) {
        for (int i = 0; i < acks; i++) {
            int a = OURS + 1 + random.nextInt(IN_FLIGHT - 1);
            int b = OURS + 1 + random.nextInt(IN_FLIGHT - 1);
            int c = OURS + 1 + random.nextInt(IN_FLIGHT - 1);
            int d = OURS + 1 + random.nextInt(IN_FLIGHT - 1);
            script.receive(tcp().ack().seq(PEER).ack(OURS).sack(a, a + 1).sack(b, b + 1).sack(c, c + 1)
                    .sack(d, d + 1));
            while (script.pendingSent() > 0) {
                script.nextSent();
            }
        }
    }

    private record Work(double stepsPerAck, double segmentsPerAck, double bytesPerAck) {
    }
}
