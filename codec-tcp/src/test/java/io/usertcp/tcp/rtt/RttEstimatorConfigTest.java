package io.usertcp.tcp.rtt;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RttEstimatorConfigTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final RttEstimatorConfig DEFAULTS = RttEstimatorConfig.defaults();

    @Test
    void defaultsFollowRfc6298ExceptTheLinuxMinimum() {
        assertEquals(SECOND, DEFAULTS.initialRtoNanos());
        assertEquals(200 * MS, DEFAULTS.minRtoNanos());
        assertEquals(60 * SECOND, DEFAULTS.maxRtoNanos());
        assertEquals(MS, DEFAULTS.clockGranularityNanos());
        assertEquals(TimeUnit.MINUTES.toNanos(5), DEFAULTS.minRttWindowNanos());
    }

    @Test
    void withChangesOnlyTheNamedValue() {
        RttEstimatorConfig config = DEFAULTS.withMinRtoNanos(SECOND);
        assertEquals(SECOND, config.minRtoNanos());
        assertEquals(SECOND, config.initialRtoNanos());
        assertEquals(60 * SECOND, config.maxRtoNanos());
        assertEquals(200 * MS, DEFAULTS.minRtoNanos());
    }

    @Test
    void minimumAboveInitialIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMinRtoNanos(2 * SECOND));
    }

    @Test
    void nonPositiveMinimumIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMinRtoNanos(0));
    }

    @Test
    void maximumBelowInitialIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMaxRtoNanos(SECOND - 1));
    }

    @Test
    void maximumThatCouldOverflowIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMaxRtoNanos(Long.MAX_VALUE / 8 + 1));
    }

    @Test
    void granularityMustBePositiveAndWithinMaximum() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withClockGranularityNanos(0));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withClockGranularityNanos(61 * SECOND));
    }

    @Test
    void nonPositiveMinRttWindowIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withMinRttWindowNanos(0));
    }
}
