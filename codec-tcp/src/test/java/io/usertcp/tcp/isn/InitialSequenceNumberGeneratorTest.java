package io.usertcp.tcp.isn;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitialSequenceNumberGeneratorTest {
    private static final int LOCAL = 0xC612_0001;   // 198.18.0.1
    private static final int REMOTE = 0xC612_0002;  // 198.18.0.2
    private static final int LOCAL_PORT = 49_152;
    private static final int REMOTE_PORT = 80;
    private static final SipHash24 KEY = new SipHash24(0x0123_4567_89AB_CDEFL, 0x0FED_CBA9_8765_4321L);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final InitialSequenceNumberGenerator generator = new InitialSequenceNumberGenerator(ticker, KEY);

    /** A ticker stopped at one reading, which may be negative as a real Ticker's may be. */
    private static final class FixedTicker implements Ticker {
        private final long nanoTime;

        FixedTicker(long nanoTime) {
            this.nanoTime = nanoTime;
        }

        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return nanoTime;
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("a fixed ticker never advances");
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private int isn() {
        return generator.generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
    }

    @Test
    void sameTupleAtTheSameTimeGivesTheSameIsn() {
        assertEquals(isn(), isn());
        assertEquals(isn(), new InitialSequenceNumberGenerator(ticker, KEY).generate(LOCAL, LOCAL_PORT, REMOTE,
                REMOTE_PORT));
    }

    @Test
    void isnStaysWithinOneFourMicrosecondTick() {
        int start = isn();
        ticker.advance(3_999, TimeUnit.NANOSECONDS);
        assertEquals(start, isn());
    }

    @Test
    void isnAdvancesByOneEveryFourMicroseconds() {
        int start = isn();
        ticker.advance(4, TimeUnit.MICROSECONDS);
        assertEquals(start + 1, isn());
        ticker.advance(40, TimeUnit.MICROSECONDS);
        assertEquals(start + 11, isn());
    }

    @Test
    void isnAdvancesTwoHundredFiftyThousandPerSecond() {
        int start = isn();
        ticker.advance(1, TimeUnit.SECONDS);
        assertEquals(start + 250_000, isn());
        ticker.advance(1, TimeUnit.HOURS);
        assertEquals(start + 250_000 + 900_000_000, isn());
    }

    @Test
    void timerWrapsAfterTwoToTheThirtyTwoTicks() {
        int start = isn();
        // 2^32 ticks of 4 us, about 4.77 hours: M has come full circle
        ticker.advance((1L << 32) * 4_000, TimeUnit.NANOSECONDS);
        assertEquals(start, isn());
    }

    @Test
    void isnIsTheTimerPlusTheKeyedHashOfTheTuple() {
        int f = new InitialSequenceNumberGenerator(new FixedTicker(0), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        long nanos = 123_456_789_012L;
        int isn = new InitialSequenceNumberGenerator(new FixedTicker(nanos), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        assertEquals(f + (int) (nanos / 4_000), isn);
    }

    @Test
    void timerTicksEvenlyAcrossNegativeTickerReadings() {
        int atZero = new InitialSequenceNumberGenerator(new FixedTicker(0), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        int justBefore = new InitialSequenceNumberGenerator(new FixedTicker(-1), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        int tickBefore = new InitialSequenceNumberGenerator(new FixedTicker(-4_000), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        int twoTicksBefore = new InitialSequenceNumberGenerator(new FixedTicker(-4_001), KEY)
                .generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        assertEquals(atZero - 1, justBefore);
        assertEquals(atZero - 1, tickBefore);
        assertEquals(atZero - 2, twoTicksBefore);
    }

    @Test
    void eachElementOfTheTupleChangesTheIsn() {
        int base = isn();
        assertNotEquals(base, generator.generate(LOCAL + 1, LOCAL_PORT, REMOTE, REMOTE_PORT));
        assertNotEquals(base, generator.generate(LOCAL, LOCAL_PORT + 1, REMOTE, REMOTE_PORT));
        assertNotEquals(base, generator.generate(LOCAL, LOCAL_PORT, REMOTE + 1, REMOTE_PORT));
        assertNotEquals(base, generator.generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT + 1));
    }

    @Test
    void swappingTheEndpointsChangesTheIsn() {
        assertNotEquals(isn(), generator.generate(REMOTE, REMOTE_PORT, LOCAL, LOCAL_PORT));
    }

    @Test
    void portBitsAboveSixteenAreIgnored() {
        assertEquals(isn(), generator.generate(LOCAL, LOCAL_PORT | 0x7_0000, REMOTE, REMOTE_PORT | 0x1_0000));
    }

    @Test
    void isnsOfNeighbouringTuplesLookUnrelated() {
        // Consecutive local ports, as an ephemeral port allocator hands out, must not give ISNs an observer
        // could extrapolate: the differences are spread over the whole 32-bit space
        int previous = generator.generate(LOCAL, 40_000, REMOTE, REMOTE_PORT);
        int bitsChanged = 0;
        for (int port = 40_001; port <= 40_256; port++) {
            int current = generator.generate(LOCAL, port, REMOTE, REMOTE_PORT);
            bitsChanged += Integer.bitCount(previous ^ current);
            previous = current;
        }
        // 256 pairs of 32 bits, half of them flipping on average: 4096, standard deviation 45
        assertTrue(bitsChanged > 3_800 && bitsChanged < 4_400, "bits changed: " + bitsChanged);
    }

    @Test
    void differentKeysGiveDifferentIsns() {
        InitialSequenceNumberGenerator other =
                new InitialSequenceNumberGenerator(ticker, new SipHash24(KEY.hash(1, 1), KEY.hash(2, 2)));
        assertNotEquals(isn(), other.generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT));
    }

    @Test
    void generatorsWithSecureRandomKeysDiffer() {
        int first = new InitialSequenceNumberGenerator(ticker).generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        int second = new InitialSequenceNumberGenerator(ticker).generate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT);
        assertNotEquals(first, second);
    }

    @Test
    void generateAllocatesNothing() {
        int checksum = 0;
        for (int i = 0; i < 200_000; i++) {
            checksum += generator.generate(LOCAL, i & 0xFFFF, REMOTE, REMOTE_PORT);
        }
        long before = allocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            checksum += generator.generate(LOCAL, i & 0xFFFF, REMOTE, REMOTE_PORT);
        }
        long allocated = allocatedBytes() - before;
        assertNotEquals(0, checksum);
        // One boxed value or array per call would be at least 16 MB
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes in 1,000,000 calls");
    }
}
