package io.usertcp.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceNumbersTest {
    private static final int MSS = 1460;
    /** lwIP's seed: a sender this close to 2^32 wraps within a few segments. */
    private static final int NEAR_WRAP = 0xFFFFFF00 - MSS;
    private static final int HALF = 0x8000_0000;

    @Test
    void smallerValueIsBeforeLargerOne() {
        assertTrue(SequenceNumbers.before(100, 200));
        assertFalse(SequenceNumbers.before(200, 100));
        assertFalse(SequenceNumbers.before(100, 100));
    }

    @Test
    void valueJustBelowWrapIsBeforeValueJustAfterWrap() {
        int beforeWrap = 0xFFFF_FFF0;
        int afterWrap = 0x0000_0010;
        assertTrue(SequenceNumbers.before(beforeWrap, afterWrap));
        assertTrue(SequenceNumbers.after(afterWrap, beforeWrap));
        assertFalse(SequenceNumbers.after(beforeWrap, afterWrap));
    }

    @Test
    void segmentsSentAcrossWrapStayInOrder() {
        int seq = NEAR_WRAP;
        for (int i = 0; i < 8; i++) {
            int next = seq + MSS;
            assertTrue(SequenceNumbers.before(seq, next), "segment " + i);
            assertTrue(SequenceNumbers.after(next, seq), "segment " + i);
            seq = next;
        }
        // 8 segments of 1460 from 0xFFFFFF00 - 1460 cross 2^32
        assertTrue(Integer.compareUnsigned(seq, NEAR_WRAP) < 0);
    }

    @Test
    void orderHoldsUpToJustUnderHalfTheSpace() {
        int a = 0x7000_0000;
        int farthestAfter = a + (HALF - 1);
        assertTrue(SequenceNumbers.after(farthestAfter, a));
        assertTrue(SequenceNumbers.before(a, farthestAfter));
    }

    @Test
    void orderFlipsJustPastHalfTheSpace() {
        int a = 0x7000_0000;
        int pastHalf = a + HALF + 1;
        assertTrue(SequenceNumbers.before(pastHalf, a));
    }

    @Test
    void valuesExactlyHalfTheSpaceApartAreEachBeforeTheOther() {
        // RFC 1982 leaves this pair undefined; the class comment says not to rely on it
        int a = 5;
        int b = a + HALF;
        assertTrue(SequenceNumbers.before(a, b));
        assertTrue(SequenceNumbers.before(b, a));
    }

    @Test
    void orEqualVariantsAcceptEquality() {
        int seq = 0xFFFF_FFFF;
        assertTrue(SequenceNumbers.beforeOrEqual(seq, seq));
        assertTrue(SequenceNumbers.afterOrEqual(seq, seq));
        assertTrue(SequenceNumbers.beforeOrEqual(seq, seq + 1));
        assertFalse(SequenceNumbers.afterOrEqual(seq, seq + 1));
        assertTrue(SequenceNumbers.afterOrEqual(seq + 1, seq));
        assertFalse(SequenceNumbers.beforeOrEqual(seq + 1, seq));
    }

    @Test
    void maxAndMinPickByModularOrderAcrossWrap() {
        int beforeWrap = 0xFFFF_FF00;
        int afterWrap = 0x0000_0100;
        assertEquals(afterWrap, SequenceNumbers.max(beforeWrap, afterWrap));
        assertEquals(afterWrap, SequenceNumbers.max(afterWrap, beforeWrap));
        assertEquals(beforeWrap, SequenceNumbers.min(beforeWrap, afterWrap));
        assertEquals(beforeWrap, SequenceNumbers.min(afterWrap, beforeWrap));
    }

    @Test
    void maxAndMinOfEqualValuesReturnThatValue() {
        assertEquals(HALF, SequenceNumbers.max(HALF, HALF));
        assertEquals(HALF, SequenceNumbers.min(HALF, HALF));
    }

    @Test
    void rangeIncludesStartAndExcludesEnd() {
        assertTrue(SequenceNumbers.inRange(1000, 1000, 2000));
        assertTrue(SequenceNumbers.inRange(1999, 1000, 2000));
        assertFalse(SequenceNumbers.inRange(2000, 1000, 2000));
        assertFalse(SequenceNumbers.inRange(999, 1000, 2000));
    }

    @Test
    void rangeAcrossWrapContainsBothSides() {
        int start = NEAR_WRAP;
        int end = start + 4 * MSS;
        assertTrue(SequenceNumbers.inRange(0xFFFF_FFFF, start, end));
        assertTrue(SequenceNumbers.inRange(0, start, end));
        assertTrue(SequenceNumbers.inRange(end - 1, start, end));
        assertFalse(SequenceNumbers.inRange(end, start, end));
        assertFalse(SequenceNumbers.inRange(start - 1, start, end));
    }

    @Test
    void emptyRangeContainsNothing() {
        assertFalse(SequenceNumbers.inRange(7, 7, 7));
        assertFalse(SequenceNumbers.inRange(8, 7, 7));
        assertFalse(SequenceNumbers.inRange(6, 7, 7));
    }

    @Test
    void rangeLongerThanHalfTheSpaceStillWorks() {
        // Forward offsets compare unsigned, so a 3 GiB range is not misread as a backward one
        int start = 0x1000_0000;
        int end = start + 0xC000_0000;
        assertTrue(SequenceNumbers.inRange(start + 0xA000_0000, start, end));
        assertFalse(SequenceNumbers.inRange(start - 1, start, end));
        assertFalse(SequenceNumbers.inRange(end, start, end));
    }

    @Test
    void acknowledgmentAcceptabilityShapeExcludesUnaAndIncludesNxt() {
        // RFC 9293 3.10.7.4: SND.UNA < SEG.ACK =< SND.NXT, here with SND.NXT past the wrap
        int una = 0xFFFF_FFFE;
        int nxt = una + 3 * MSS;
        assertFalse(SequenceNumbers.inRange(una, una + 1, nxt + 1));
        assertTrue(SequenceNumbers.inRange(una + 1, una + 1, nxt + 1));
        assertTrue(SequenceNumbers.inRange(nxt, una + 1, nxt + 1));
        assertFalse(SequenceNumbers.inRange(nxt + 1, una + 1, nxt + 1));
    }

    @Test
    void distanceCountsForwardAcrossWrap() {
        assertEquals(0x20L, SequenceNumbers.distance(0xFFFF_FFF0, 0x0000_0010));
        assertEquals(4L * MSS, SequenceNumbers.distance(NEAR_WRAP, NEAR_WRAP + 4 * MSS));
    }

    @Test
    void distanceToSelfIsZero() {
        assertEquals(0L, SequenceNumbers.distance(HALF, HALF));
    }

    @Test
    void distanceToValueJustBehindIsAlmostTheWholeSpace() {
        assertEquals((1L << 32) - 1, SequenceNumbers.distance(10, 9));
        assertEquals((1L << 32) - 1, SequenceNumbers.distance(0, 0xFFFF_FFFF));
    }

    @Test
    void distanceOfHalfTheSpaceIsPositive() {
        assertEquals(1L << 31, SequenceNumbers.distance(0, HALF));
        assertEquals(1L << 31, SequenceNumbers.distance(HALF, 0));
    }
}
