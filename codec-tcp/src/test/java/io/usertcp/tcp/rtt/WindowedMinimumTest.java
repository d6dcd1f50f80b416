package io.usertcp.tcp.rtt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WindowedMinimumTest {
    /** A 500 ns window: five buckets of 100 ns. */
    private static final long WINDOW = 500;

    @Test
    void emptyMinimumReadsZero() {
        assertEquals(0, new WindowedMinimum(WINDOW).minimum());
    }

    @Test
    void minimumIsTheLeastValueAdded() {
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(70, 0);
        minimum.add(30, 10);
        minimum.add(90, 20);
        assertEquals(30, minimum.minimum());
    }

    @Test
    void valueIsKeptUntilItsBucketLeavesTheWindow() {
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(10, 0);
        minimum.add(80, 499);
        assertEquals(10, minimum.minimum());
        minimum.add(80, 500);
        assertEquals(80, minimum.minimum());
    }

    @Test
    void valueLateInItsBucketExpiresWithTheBucket() {
        // Added at 99 ns, in the bucket [0, 100): gone at 500 ns, after 401 ns, 4/5 of the window
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(50, 0);
        minimum.add(10, 99);
        minimum.add(80, 500);
        assertEquals(80, minimum.minimum());
    }

    @Test
    void gapLongerThanTheWindowForgetsEverything() {
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(10, 0);
        minimum.add(20, 150);
        minimum.add(99, 1_000_000);
        assertEquals(99, minimum.minimum());
    }

    @Test
    void secondBestTakesOverWhenTheBestExpires() {
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(10, 0);
        minimum.add(20, 150);
        minimum.add(30, 300);
        minimum.add(40, 520);
        assertEquals(20, minimum.minimum());
        minimum.add(40, 610);
        assertEquals(30, minimum.minimum());
    }

    @Test
    void clockSteppingBackCountsAsTheNewestBucket() {
        WindowedMinimum minimum = new WindowedMinimum(WINDOW);
        minimum.add(50, 1_000);
        minimum.add(20, 400);
        assertEquals(20, minimum.minimum());
        // Filed under the bucket of 1,000 ns, so it lives until 1,500 ns
        minimum.add(60, 1_499);
        assertEquals(20, minimum.minimum());
        minimum.add(60, 1_500);
        assertEquals(60, minimum.minimum());
    }

    @Test
    void windowBelowFiveNanosecondsUsesOneNanosecondBuckets() {
        WindowedMinimum minimum = new WindowedMinimum(2);
        minimum.add(10, 0);
        minimum.add(20, 4);
        assertEquals(10, minimum.minimum());
        minimum.add(30, 5);
        assertEquals(20, minimum.minimum());
    }
}
