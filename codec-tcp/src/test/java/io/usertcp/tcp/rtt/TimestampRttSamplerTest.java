package io.usertcp.tcp.rtt;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampRttSamplerTest {
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int OFFSET = 0x1234_5678;

    private final MockTicker ticker = Ticker.newMockTicker();
    private final RttEstimator estimator = new RttEstimator(RttEstimatorConfig.defaults());

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void clockStartsAtTheOffset() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        assertEquals(OFFSET, sampler.timestampValue(ticker.nanoTime()));
    }

    @Test
    void clockTicksOncePerMillisecondByDefault() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(999, TimeUnit.MICROSECONDS);
        assertEquals(OFFSET, sampler.timestampValue(ticker.nanoTime()));
        ticker.advance(1, TimeUnit.MICROSECONDS);
        assertEquals(OFFSET + 1, sampler.timestampValue(ticker.nanoTime()));
        ticker.advance(1, TimeUnit.SECONDS);
        assertEquals(OFFSET + 1_001, sampler.timestampValue(ticker.nanoTime()));
    }

    @Test
    void echoOfATimestampSentEarlierSamplesTheElapsedTime() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(10, TimeUnit.MILLISECONDS);
        int tsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(100, TimeUnit.MILLISECONDS);
        assertTrue(sampler.sampleOnAck(tsVal, ticker.nanoTime()));
        assertEquals(100 * MS, estimator.srttNanos());
        assertEquals(50 * MS, estimator.rttvarNanos());
    }

    @Test
    void echoOfARetransmittedSegmentStillSamples() {
        // Karn's rule does not apply: the echo names the transmission that caused the ACK
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(1, TimeUnit.SECONDS);
        estimator.backoff();
        int retransmissionTsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(40, TimeUnit.MILLISECONDS);
        assertTrue(sampler.sampleOnAck(retransmissionTsVal, ticker.nanoTime()));
        assertEquals(40 * MS, estimator.srttNanos());
        assertEquals(0, estimator.backoffCount());
    }

    @Test
    void timestampsAcrossTheWrapStillMeasure() {
        int offset = 0xFFFF_FFF0;
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, offset, ticker.nanoTime());
        ticker.advance(5, TimeUnit.MILLISECONDS);
        int tsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(30, TimeUnit.MILLISECONDS);
        assertEquals(0x0000_0013, sampler.timestampValue(ticker.nanoTime()));
        assertTrue(sampler.sampleOnAck(tsVal, ticker.nanoTime()));
        assertEquals(30 * MS, estimator.srttNanos());
    }

    @Test
    void roundTripWithinOneTickReadsZeroTicks() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(100, TimeUnit.MICROSECONDS);
        int tsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(200, TimeUnit.MICROSECONDS);
        assertTrue(sampler.sampleOnAck(tsVal, ticker.nanoTime()));
        assertEquals(0, estimator.srttNanos());
    }

    @Test
    void shortRoundTripAcrossATickBoundaryReadsOneTick() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(900, TimeUnit.MICROSECONDS);
        int tsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(200, TimeUnit.MICROSECONDS);
        assertTrue(sampler.sampleOnAck(tsVal, ticker.nanoTime()));
        assertEquals(MS, estimator.srttNanos());
    }

    @Test
    void microsecondTickMeasuresMicroseconds() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, US, OFFSET, ticker.nanoTime());
        assertEquals(US, sampler.tickNanos());
        int tsVal = sampler.timestampValue(ticker.nanoTime());
        ticker.advance(250, TimeUnit.MICROSECONDS);
        assertTrue(sampler.sampleOnAck(tsVal, ticker.nanoTime()));
        assertEquals(250 * US, estimator.srttNanos());
    }

    @Test
    void echoFromTheFutureIsRefused() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(50, TimeUnit.MILLISECONDS);
        int future = sampler.timestampValue(ticker.nanoTime()) + 1;
        assertFalse(sampler.sampleOnAck(future, ticker.nanoTime()));
        assertFalse(estimator.hasRttSample());
    }

    @Test
    void echoFromBeforeTheClockStartedIsRefused() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(50, TimeUnit.MILLISECONDS);
        assertFalse(sampler.sampleOnAck(OFFSET - 1, ticker.nanoTime()));
        assertFalse(estimator.hasRttSample());
    }

    @Test
    void echoOfTheFirstTimestampIsAccepted() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(50, TimeUnit.MILLISECONDS);
        assertTrue(sampler.sampleOnAck(OFFSET, ticker.nanoTime()));
        assertEquals(50 * MS, estimator.srttNanos());
    }

    @Test
    void hostileEchoHalfTheSpaceAwayIsRefused() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, ticker.nanoTime());
        ticker.advance(1, TimeUnit.HOURS);
        int now = sampler.timestampValue(ticker.nanoTime());
        assertFalse(sampler.sampleOnAck(now - Integer.MAX_VALUE, ticker.nanoTime()));
        assertFalse(sampler.sampleOnAck(now + Integer.MAX_VALUE, ticker.nanoTime()));
        assertFalse(sampler.sampleOnAck(now ^ 0x8000_0000, ticker.nanoTime()));
        assertFalse(estimator.hasRttSample());
    }

    @Test
    void clockStartedAtANegativeTickerReadingTicksEvenly() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, -MS);
        assertEquals(OFFSET - 1, sampler.timestampValue(-1));
        assertEquals(OFFSET, sampler.timestampValue(0));
    }

    @Test
    void tickOutsideTheAcceptedRangeIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new TimestampRttSampler(estimator, US - 1, OFFSET, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TimestampRttSampler(estimator, TimeUnit.SECONDS.toNanos(1) + 1, OFFSET, 0));
    }

    @Test
    void samplingAllocatesNothing() {
        TimestampRttSampler sampler = new TimestampRttSampler(estimator, OFFSET, 0);
        long now = 0;
        long accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            int tsVal = sampler.timestampValue(now);
            now += 3 * MS;
            accepted += sampler.sampleOnAck(tsVal, now) ? 1 : 0;
        }
        long before = allocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            int tsVal = sampler.timestampValue(now);
            now += 3 * MS;
            accepted += sampler.sampleOnAck(tsVal, now) ? 1 : 0;
        }
        long allocated = allocatedBytes() - before;
        assertEquals(1_200_000, accepted);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 1,000,000 calls");
    }
}
