package io.usertcp.tcp.syncookie;

import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.tcp.isn.SipHash24;
import io.usertcp.tcp.rtt.TimestampRttSampler;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynCookiesTest {
    private static final int LOCAL = Ipv4Address.parse("198.18.0.1");
    private static final int REMOTE = Ipv4Address.parse("198.18.0.2");
    private static final int LOCAL_PORT = 8080;
    private static final int REMOTE_PORT = 40000;
    private static final int PEER_ISN = 0xFFFF_F000;
    private static final long TICK = TimeUnit.SECONDS.toNanos(SynCookies.COUNTER_SECONDS);
    /** A time in the middle of a counter tick. */
    private static final long NOW = 1000 * TICK + TICK / 2;

    private final SynCookies cookies = new SynCookies(new SipHash24(0x0706050403020100L, 0x0F0E0D0C0B0A0908L));

    private int cookie(long nanos, int mssIndex) {
        return cookies.encode(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN, nanos, mssIndex);
    }

    private int validate(int cookie, long nanos) {
        return cookies.validate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN, cookie, nanos);
    }

    @Test
    void cookieValidatesAndReturnsItsMssIndex() {
        for (int index = 0; index < 8; index++) {
            assertEquals(index, validate(cookie(NOW, index), NOW));
        }
    }

    @Test
    void cookieLaysOutCounterMssIndexAndMacAsRfc4987() {
        int cookie = cookie(NOW, 5);
        assertEquals(1000 % 32, cookie >>> 27);
        assertEquals(5, cookie >>> 24 & 7);
    }

    @Test
    void cookieIsValidForTwoTicksAfterItsOwn() {
        int cookie = cookie(NOW, 3);
        assertEquals(3, validate(cookie, NOW + TICK));
        assertEquals(3, validate(cookie, NOW + 2 * TICK));
        assertEquals(-1, validate(cookie, NOW + 3 * TICK));
        assertEquals(-1, validate(cookie, NOW + 32 * TICK), "the counter's low bits wrap, the MAC does not");
    }

    @Test
    void cookieFromTheFutureIsRejected() {
        assertEquals(-1, validate(cookie(NOW + TICK, 3), NOW));
    }

    @Test
    void everySingleBitFlipIsRejected() {
        int cookie = cookie(NOW, 6);
        for (int bit = 0; bit < 32; bit++) {
            assertEquals(-1, validate(cookie ^ 1 << bit, NOW), "bit " + bit);
        }
    }

    @Test
    void cookieIsBoundToTheFourTupleAndThePeerIsn() {
        int cookie = cookie(NOW, 6);
        assertEquals(-1, cookies.validate(LOCAL, LOCAL_PORT, REMOTE + 1, REMOTE_PORT, PEER_ISN, cookie, NOW));
        assertEquals(-1, cookies.validate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT + 1, PEER_ISN, cookie, NOW));
        assertEquals(-1, cookies.validate(LOCAL, LOCAL_PORT + 1, REMOTE, REMOTE_PORT, PEER_ISN, cookie, NOW));
        assertEquals(-1, cookies.validate(LOCAL + 1, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN, cookie, NOW));
        assertEquals(-1, cookies.validate(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN + 1, cookie, NOW));
    }

    @Test
    void cookieOfAnotherKeyIsRejected() {
        SynCookies other = new SynCookies(new SipHash24(1, 2));
        int foreign = other.encode(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN, NOW, 6);
        assertEquals(-1, validate(foreign, NOW));
    }

    @Test
    void cookieValidatesAcrossANegativeClock() {
        long negative = -5 * TICK + 7;
        assertEquals(2, validate(cookie(negative, 2), negative + 2 * TICK));
    }

    @Test
    void mssIndexIsTheLargestTableEntryNotAboveThePeersMss() {
        assertEquals(536, SynCookies.mss(SynCookies.mssIndex(-1)), "no option: RFC 9293 default");
        assertEquals(536, SynCookies.mss(SynCookies.mssIndex(100)));
        assertEquals(536, SynCookies.mss(SynCookies.mssIndex(1199)));
        assertEquals(1200, SynCookies.mss(SynCookies.mssIndex(1200)));
        assertEquals(1380, SynCookies.mss(SynCookies.mssIndex(1400)));
        assertEquals(1452, SynCookies.mss(SynCookies.mssIndex(1459)));
        assertEquals(1460, SynCookies.mss(SynCookies.mssIndex(1460)));
        assertEquals(1460, SynCookies.mss(SynCookies.mssIndex(8959)));
        assertEquals(8960, SynCookies.mss(SynCookies.mssIndex(65535)));
    }

    @Test
    void timestampCarriesWindowScaleAndSackAndNeverRunsAheadOfTheClock() {
        int offset = cookies.timestampOffset(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN);
        for (long millis = 0; millis < 100; millis++) {
            long nanos = NOW + TimeUnit.MILLISECONDS.toNanos(millis);
            int clock = new TimestampRttSampler(null, offset, nanos).timestampValue(nanos);
            int value = SynCookies.timestampValue(offset, nanos, 7, true);
            assertTrue(clock - value >= 0 && clock - value < 1 << SynCookies.OPTION_BITS, "at " + millis);
            assertEquals(7, SynCookies.windowScale(value));
            assertTrue(SynCookies.sackPermitted(value));
        }
    }

    @Test
    void timestampWithoutWindowScaleOrSackDecodesAsNeither() {
        int value = SynCookies.timestampValue(12345, NOW, -1, false);
        assertEquals(-1, SynCookies.windowScale(value));
        assertFalse(SynCookies.sackPermitted(value));
        assertEquals(14, SynCookies.windowScale(SynCookies.timestampValue(12345, NOW, 14, false)));
        assertEquals(0, SynCookies.windowScale(SynCookies.timestampValue(12345, NOW, 0, true)));
    }

    @Test
    void timestampOffsetDependsOnTheConnection() {
        assertEquals(cookies.timestampOffset(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN),
                cookies.timestampOffset(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN));
        assertNotEquals(cookies.timestampOffset(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, PEER_ISN),
                cookies.timestampOffset(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT + 1, PEER_ISN));
    }

    @Test
    void cookieMayStillBeValidForTwoTicksAfterTheOneItWasSentIn() {
        assertTrue(SynCookies.mayStillBeValid(NOW, NOW + 2 * TICK));
        assertFalse(SynCookies.mayStillBeValid(NOW, NOW + 3 * TICK));
    }

    @Test
    void toStringNeverShowsTheKey() {
        assertEquals("SynCookies", cookies.toString());
    }
}
