package io.usertcp.tcp.rtt;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RttEstimatorTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final RttEstimatorConfig DEFAULTS = RttEstimatorConfig.defaults();

    /** RFC 6298 section 2 in doubles, independent of the estimator's integer arithmetic. */
    private static final class Rfc6298 {
        final double granularity;
        final double minRto;
        final double maxRto;
        boolean first = true;
        double srtt;
        double rttvar;
        double rto;

        Rfc6298(RttEstimatorConfig config) {
            granularity = config.clockGranularityNanos();
            minRto = config.minRtoNanos();
            maxRto = config.maxRtoNanos();
            rto = config.initialRtoNanos();
        }

        void sample(double r) {
            if (first) {
                first = false;
                srtt = r;
                rttvar = r / 2;
            } else {
                rttvar = (1 - 0.25) * rttvar + 0.25 * Math.abs(srtt - r);
                srtt = (1 - 0.125) * srtt + 0.125 * r;
            }
            rto = Math.min(Math.max(srtt + Math.max(granularity, 4 * rttvar), minRto), maxRto);
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void rtoIsOneSecondBeforeAnySample() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        assertEquals(SECOND, estimator.rtoNanos());
        assertFalse(estimator.hasRttSample());
        assertEquals(0, estimator.srttNanos());
        assertEquals(0, estimator.rttvarNanos());
        assertEquals(0, estimator.minRttNanos());
    }

    @Test
    void firstSampleSetsSrttToSampleAndRttvarToHalfOfIt() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        assertTrue(estimator.sample(100 * MS, 0));
        // RFC 6298 2.2: SRTT = 100 ms, RTTVAR = 50 ms, RTO = 100 + max(1, 4 * 50) = 300 ms
        assertTrue(estimator.hasRttSample());
        assertEquals(100 * MS, estimator.srttNanos());
        assertEquals(50 * MS, estimator.rttvarNanos());
        assertEquals(300 * MS, estimator.rtoNanos());
    }

    @Test
    void secondSampleUpdatesRttvarWithTheOldSrttThenSrtt() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(100 * MS, 0);
        estimator.sample(200 * MS, MS);
        // RFC 6298 2.3: RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms (with the old SRTT of 100 ms),
        // SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms, RTO = 112.5 + 4 * 62.5 = 362.5 ms
        assertEquals(62_500_000, estimator.rttvarNanos());
        assertEquals(112_500_000, estimator.srttNanos());
        assertEquals(362_500_000, estimator.rtoNanos());
    }

    @Test
    void sequenceOfSamplesFollowsTheRfcFormulas() {
        RttEstimatorConfig config = DEFAULTS.withMinRtoNanos(MS);
        RttEstimator estimator = new RttEstimator(config);
        Rfc6298 reference = new Rfc6298(config);
        long[] samplesMicros = {
            40_000, 42_500, 39_000, 120_000, 41_000, 40_000, 3_000, 250_000, 44_444, 40_001, 40_000, 40_000,
        };
        long now = 0;
        for (long micros : samplesMicros) {
            now += 50 * MS;
            estimator.sample(micros * 1_000, now);
            reference.sample(micros * 1_000);
            // Whole-nanosecond rounding costs at most a nanosecond or so per step
            assertEquals(reference.srtt, estimator.srttNanos(), 16, "SRTT after " + micros + " us");
            assertEquals(reference.rttvar, estimator.rttvarNanos(), 16, "RTTVAR after " + micros + " us");
            assertEquals(reference.rto, estimator.rtoNanos(), 96, "RTO after " + micros + " us");
        }
    }

    @Test
    void rtoBelowMinimumIsRaisedToMinimum() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(MS, 0);
        // 1 + max(1, 4 * 0.5) = 3 ms, below the 200 ms floor
        assertEquals(200 * MS, estimator.rtoNanos());
        assertEquals(MS, estimator.srttNanos());
    }

    @Test
    void rfcMinimumOfOneSecondCanBeConfigured() {
        RttEstimator estimator = new RttEstimator(DEFAULTS.withMinRtoNanos(SECOND));
        estimator.sample(100 * MS, 0);
        // RFC 6298 2.4: 300 ms is rounded up to 1 s
        assertEquals(SECOND, estimator.rtoNanos());
    }

    @Test
    void rtoAboveMaximumIsCappedAtMaximum() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(30 * SECOND, 0);
        // 30 + 4 * 15 = 90 s, above the 60 s cap of RFC 6298 2.5
        assertEquals(60 * SECOND, estimator.rtoNanos());
        assertEquals(30 * SECOND, estimator.srttNanos());
    }

    @Test
    void granularityReplacesVarianceThatHasDecayedBelowIt() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        double rttvar = 5 * SECOND;
        for (int i = 0; i < 60; i++) {
            estimator.sample(10 * SECOND, i * SECOND);
            if (i > 0) {
                rttvar *= 0.75;
            }
        }
        // RTTVAR = 5 s * (3/4)^59, about 230 ns, so 4 * RTTVAR is far below G = 1 ms
        assertTrue(4 * rttvar < MS);
        assertEquals(10 * SECOND, estimator.srttNanos());
        assertEquals(10 * SECOND + MS, estimator.rtoNanos());
    }

    @Test
    void configuredGranularityIsTheVarianceFloor() {
        RttEstimator estimator = new RttEstimator(DEFAULTS.withClockGranularityNanos(100 * MS));
        for (int i = 0; i < 60; i++) {
            estimator.sample(SECOND, i * SECOND);
        }
        assertEquals(SECOND + 100 * MS, estimator.rtoNanos());
    }

    @Test
    void rtoDoublesOnEachBackoff() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.backoff();
        assertEquals(2 * SECOND, estimator.rtoNanos());
        estimator.backoff();
        assertEquals(4 * SECOND, estimator.rtoNanos());
        estimator.backoff();
        assertEquals(8 * SECOND, estimator.rtoNanos());
        assertEquals(3, estimator.backoffCount());
    }

    @Test
    void backoffDoublesTheComputedRto() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(100 * MS, 0);
        estimator.backoff();
        assertEquals(600 * MS, estimator.rtoNanos());
    }

    @Test
    void backoffStopsAtMaximum() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        long[] expectedSeconds = {2, 4, 8, 16, 32, 60, 60, 60};
        for (long seconds : expectedSeconds) {
            estimator.backoff();
            assertEquals(seconds * SECOND, estimator.rtoNanos());
        }
    }

    @Test
    void manyBackoffsNeitherOverflowNorExceedMaximum() {
        RttEstimator estimator = new RttEstimator(DEFAULTS.withMaxRtoNanos(Long.MAX_VALUE / 8));
        for (int i = 0; i < 1_000; i++) {
            estimator.backoff();
            assertTrue(estimator.rtoNanos() > 0, "backoff " + i);
        }
        assertEquals(Long.MAX_VALUE / 8, estimator.rtoNanos());
        assertEquals(1_000, estimator.backoffCount());
    }

    @Test
    void sampleAfterBackoffCollapsesRtoToTheComputedValue() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(100 * MS, 0);
        estimator.backoff();
        estimator.backoff();
        assertEquals(1_200 * MS, estimator.rtoNanos());
        estimator.sample(100 * MS, SECOND);
        // RFC 6298 2.3 with R' = SRTT: RTTVAR = 3/4 * 50 = 37.5 ms, RTO = 100 + 150 = 250 ms
        assertEquals(250 * MS, estimator.rtoNanos());
        assertEquals(0, estimator.backoffCount());
    }

    @Test
    void synTimeoutRaisesRtoToThreeSecondsWhenDataBegins() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        // The SYN timed out once: RTO backed off from 1 s to 2 s
        estimator.backoff();
        estimator.beginDataAfterSynTimeout();
        // RFC 6298 5.7: re-initialized to 3 s, not the 2 s the SYN backed off to
        assertEquals(3 * SECOND, estimator.rtoNanos());
        assertEquals(0, estimator.backoffCount());
    }

    @Test
    void synTimeoutOverridesAnRtoComputedFromTimestampSamples() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.backoff();
        // A timestamp echo of the retransmitted SYN gave a 100 ms sample, and a 300 ms RTO
        estimator.sample(100 * MS, SECOND);
        estimator.beginDataAfterSynTimeout();
        assertEquals(3 * SECOND, estimator.rtoNanos());
        assertEquals(100 * MS, estimator.srttNanos());
    }

    @Test
    void synTimeoutKeepsAnRtoAlreadyAboveThreeSeconds() {
        RttEstimator estimator = new RttEstimator(DEFAULTS.withInitialRtoNanos(5 * SECOND));
        estimator.backoff();
        estimator.beginDataAfterSynTimeout();
        // 5 s is not below 3 s: kept, without the SYN's backoff to 10 s
        assertEquals(5 * SECOND, estimator.rtoNanos());
    }

    @Test
    void synTimeoutRtoStaysWithinMaximum() {
        RttEstimator estimator = new RttEstimator(DEFAULTS.withMaxRtoNanos(2 * SECOND));
        estimator.backoff();
        estimator.beginDataAfterSynTimeout();
        assertEquals(2 * SECOND, estimator.rtoNanos());
    }

    @Test
    void synTimeoutRtoIsReplacedByTheNextSample() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.backoff();
        estimator.beginDataAfterSynTimeout();
        estimator.sample(100 * MS, 2 * SECOND);
        assertEquals(300 * MS, estimator.rtoNanos());
    }

    @Test
    void backoffAfterSynTimeoutResetDoublesThreeSeconds() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.backoff();
        estimator.beginDataAfterSynTimeout();
        estimator.backoff();
        assertEquals(6 * SECOND, estimator.rtoNanos());
    }

    @Test
    void negativeSampleIsRefusedAndChangesNothing() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(100 * MS, 0);
        estimator.backoff();
        assertFalse(estimator.sample(-1, MS));
        assertEquals(100 * MS, estimator.srttNanos());
        assertEquals(50 * MS, estimator.rttvarNanos());
        assertEquals(600 * MS, estimator.rtoNanos());
        assertEquals(1, estimator.backoffCount());
        assertEquals(100 * MS, estimator.minRttNanos());
    }

    @Test
    void zeroSampleIsValid() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        assertTrue(estimator.sample(0, 0));
        assertEquals(0, estimator.srttNanos());
        assertEquals(0, estimator.rttvarNanos());
        // RTO = 0 + max(G, 0) = 1 ms, raised to the 200 ms floor
        assertEquals(200 * MS, estimator.rtoNanos());
    }

    @Test
    void hugeSampleCountsAsTheMaximumRto() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(Long.MAX_VALUE, 0);
        assertEquals(60 * SECOND, estimator.srttNanos());
        assertEquals(30 * SECOND, estimator.rttvarNanos());
        assertEquals(60 * SECOND, estimator.rtoNanos());
        assertEquals(60 * SECOND, estimator.minRttNanos());
    }

    @Test
    void alternatingExtremeSamplesStayWithinBoundsAtTheLargestMaximum() {
        long max = Long.MAX_VALUE / 8;
        RttEstimatorConfig config = DEFAULTS.withMaxRtoNanos(max).withClockGranularityNanos(max);
        RttEstimator estimator = new RttEstimator(config);
        for (int i = 0; i < 200; i++) {
            estimator.sample(i % 2 == 0 ? Long.MAX_VALUE : 0, i);
            assertTrue(estimator.srttNanos() >= 0 && estimator.srttNanos() <= max, "SRTT at " + i);
            assertTrue(estimator.rttvarNanos() >= 0 && estimator.rttvarNanos() <= max, "RTTVAR at " + i);
            assertEquals(max, estimator.rtoNanos(), "RTO at " + i);
        }
    }

    @Test
    void microsecondGettersTruncateNanoseconds() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(100 * MS + 999, 0);
        estimator.sample(200 * MS, MS);
        assertEquals(estimator.srttNanos() / 1_000, estimator.srttMicros());
        assertEquals(estimator.rttvarNanos() / 1_000, estimator.rttvarMicros());
        assertEquals(estimator.rtoNanos() / 1_000, estimator.rtoMicros());
        // min RTT 100.000999 ms; RTO = 112.500874125 + 4 * 62.500124875 = 362.501373625 ms
        assertEquals(100_000, estimator.minRttMicros());
        assertEquals(362_501, estimator.rtoMicros());
    }

    @Test
    void minRttIsTheLeastSampleInTheWindow() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(30 * MS, 0);
        estimator.sample(12 * MS, MINUTE);
        estimator.sample(45 * MS, 2 * MINUTE);
        assertEquals(12 * MS, estimator.minRttNanos());
        assertEquals(12_000, estimator.minRttMicros());
    }

    @Test
    void minRttForgetsSamplesOlderThanTheWindow() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        estimator.sample(10 * MS, 0);
        estimator.sample(40 * MS, 4 * MINUTE);
        assertEquals(10 * MS, estimator.minRttNanos());
        // The default window is 5 minutes: at 5 minutes the 10 ms sample has aged out
        estimator.sample(50 * MS, 5 * MINUTE);
        assertEquals(40 * MS, estimator.minRttNanos());
    }

    @Test
    void sampleAndBackoffAllocateNothing() {
        RttEstimator estimator = new RttEstimator(DEFAULTS);
        long checksum = 0;
        for (int i = 0; i < 200_000; i++) {
            estimator.sample(10 * MS + (i & 1023) * 1_000, (long) i * MS);
            estimator.backoff();
            checksum += estimator.rtoNanos();
        }
        long before = allocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            estimator.sample(10 * MS + (i & 1023) * 1_000, (long) i * MS);
            estimator.backoff();
            checksum += estimator.rtoNanos();
        }
        long allocated = allocatedBytes() - before;
        assertTrue(checksum > 0);
        // One boxed long per call would be 16 MB
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 1,000,000 calls");
    }
}
