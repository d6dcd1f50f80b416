package io.usertcp.tcp.rtt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmissionLimitsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final RetransmissionLimits DEFAULTS = RetransmissionLimits.defaults();

    @Test
    void defaultsAreThreeRetransmissionsFifteenMinutesAndThreeMinutesForSyn() {
        assertEquals(3, DEFAULTS.r1Retransmissions());
        assertEquals(15 * MINUTE, DEFAULTS.r2Nanos());
        assertEquals(3 * MINUTE, DEFAULTS.synR2Nanos());
    }

    @Test
    void networkLayerIsAdvisedFromTheThirdRetransmissionOn() {
        assertFalse(DEFAULTS.shouldAdviseNetworkLayer(0));
        assertFalse(DEFAULTS.shouldAdviseNetworkLayer(2));
        assertTrue(DEFAULTS.shouldAdviseNetworkLayer(3));
        assertTrue(DEFAULTS.shouldAdviseNetworkLayer(4));
    }

    @Test
    void dataSegmentIsGivenUpOnWhenR2TimeIsReached() {
        assertFalse(DEFAULTS.shouldGiveUp(false, 12, 15 * MINUTE - 1));
        assertTrue(DEFAULTS.shouldGiveUp(false, 12, 15 * MINUTE));
    }

    @Test
    void r2TimeAloneDoesNotGiveUpBeforeR1() {
        // RFC 9293 3.8.3 (c): R2 is greater than R1, however long the RTO made the wait
        assertFalse(DEFAULTS.shouldGiveUp(false, 2, 20 * MINUTE));
        assertTrue(DEFAULTS.shouldGiveUp(false, 3, 20 * MINUTE));
    }

    @Test
    void synUsesItsOwnR2() {
        assertTrue(DEFAULTS.shouldGiveUp(true, 7, 3 * MINUTE));
        assertFalse(DEFAULTS.shouldGiveUp(true, 7, 3 * MINUTE - 1));
        assertFalse(DEFAULTS.shouldGiveUp(false, 7, 3 * MINUTE));
    }

    @Test
    void defaultSynScheduleRetransmitsUntilThreeMinutesHavePassed() {
        RttEstimator estimator = new RttEstimator(RttEstimatorConfig.defaults());
        List<Long> retransmittedAtSeconds = new ArrayList<>();
        long now = 0;
        int retransmissions = 0;
        while (true) {
            now += estimator.rtoNanos();
            if (DEFAULTS.shouldGiveUp(true, retransmissions, now)) {
                break;
            }
            retransmissions++;
            retransmittedAtSeconds.add(now / SECOND);
            estimator.backoff();
        }
        // 1 s initial RTO doubling to the 60 s cap: 7 retransmissions, given up at the 183 s expiry
        assertEquals(List.of(1L, 3L, 7L, 15L, 31L, 63L, 123L), retransmittedAtSeconds);
        assertEquals(183 * SECOND, now);
        assertTrue(now >= RetransmissionLimits.MIN_SYN_R2_NANOS);
    }

    @Test
    void r2CanBeSetPerConnection() {
        RetransmissionLimits interactive = DEFAULTS.withR2Nanos(30 * SECOND);
        assertTrue(interactive.shouldGiveUp(false, 5, 30 * SECOND));
        assertFalse(DEFAULTS.shouldGiveUp(false, 5, 30 * SECOND));
    }

    @Test
    void r2OfNeverIsNeverReached() {
        RetransmissionLimits forever = DEFAULTS.withR2Nanos(RetransmissionLimits.NEVER)
                .withSynR2Nanos(RetransmissionLimits.NEVER);
        assertFalse(forever.shouldGiveUp(false, Integer.MAX_VALUE, Long.MAX_VALUE - 1));
        assertFalse(forever.shouldGiveUp(true, Integer.MAX_VALUE, Long.MAX_VALUE - 1));
    }

    @Test
    void r1CanBeRaised() {
        RetransmissionLimits patient = DEFAULTS.withR1Retransmissions(5);
        assertFalse(patient.shouldAdviseNetworkLayer(4));
        assertTrue(patient.shouldAdviseNetworkLayer(5));
        assertFalse(patient.shouldGiveUp(false, 4, 20 * MINUTE));
    }

    @Test
    void synR2BelowThreeMinutesIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withSynR2Nanos(3 * MINUTE - 1));
    }

    @Test
    void r1BelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withR1Retransmissions(0));
    }

    @Test
    void nonPositiveR2IsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withR2Nanos(0));
    }
}
