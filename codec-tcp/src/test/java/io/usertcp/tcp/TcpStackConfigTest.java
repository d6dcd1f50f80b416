package io.usertcp.tcp;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpStackConfigTest {
    private final TcpStackConfig defaults = TcpStackConfig.defaults();

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(1460, defaults.receiveMss());
        assertEquals(TimeUnit.SECONDS.toNanos(60), defaults.timeWaitNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(40), defaults.delayedAckNanos());
        assertTrue(defaults.nagle());
        assertFalse(defaults.keepAlive());
        assertEquals("cubic", defaults.congestionControl());
        assertEquals(3, defaults.receiveWindowScale());
    }

    @Test
    void effectiveSendMssIsThePeersWithinOurMtuAndAboveTheFloor() {
        assertEquals(536, defaults.effectiveSendMss(-1));
        assertEquals(1000, defaults.effectiveSendMss(1000));
        assertEquals(1460, defaults.effectiveSendMss(9000));
        assertEquals(536, defaults.effectiveSendMss(1));
    }

    @Test
    void windowScaleIsTheLeastShiftThatExpressesTheBuffer() {
        assertEquals(0, TcpStackConfig.builder().receiveBufferBytes(65535).build().receiveWindowScale());
        assertEquals(1, TcpStackConfig.builder().receiveBufferBytes(65536).build().receiveWindowScale());
        assertEquals(14, TcpStackConfig.builder().receiveBufferBytes(1 << 30).build().receiveWindowScale());
    }

    @Test
    void delayedAckAbove500MillisecondsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TcpStackConfig.builder()
                .delayedAckNanos(TimeUnit.MILLISECONDS.toNanos(501)).build());
    }

    @Test
    void mssFloorAboveTheCapIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TcpStackConfig.builder().minSendMss(1400)
                .maxSendMss(1200).build());
    }

    @Test
    void timeWaitAndOrphanCapsDefaultTo16384() {
        assertEquals(16384, defaults.maxTimeWaitConnections());
        assertEquals(16384, defaults.maxOrphanConnections());
    }

    @Test
    void timeWaitAndOrphanCapsBelowOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TcpStackConfig.builder().maxTimeWaitConnections(0).build());
        assertThrows(IllegalArgumentException.class, () -> TcpStackConfig.builder().maxOrphanConnections(0).build());
    }

    @Test
    void toBuilderKeepsTheTimeWaitAndOrphanCaps() {
        TcpStackConfig copy = TcpStackConfig.builder().maxTimeWaitConnections(7).maxOrphanConnections(9).build()
                .toBuilder().build();
        assertEquals(7, copy.maxTimeWaitConnections());
        assertEquals(9, copy.maxOrphanConnections());
    }

    @Test
    void synCookiesAreOnAndHalfOpenConnectionsCappedAt4096ByDefault() {
        assertTrue(defaults.synCookies());
        assertEquals(4096, defaults.maxHalfOpenConnections());
    }

    @Test
    void halfOpenLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TcpStackConfig.builder().maxHalfOpenConnections(0).build());
    }

    @Test
    void toBuilderKeepsSynCookiesAndTheHalfOpenLimit() {
        TcpStackConfig copy = TcpStackConfig.builder().synCookies(false).maxHalfOpenConnections(5).build()
                .toBuilder().build();
        assertFalse(copy.synCookies());
        assertEquals(5, copy.maxHalfOpenConnections());
    }

    @Test
    void toBuilderKeepsEverySetting() {
        TcpStackConfig custom = TcpStackConfig.builder().mtu(9000).nagle(false).keepAlive(true)
                .congestionControl("newreno").mslNanos(1).build();
        TcpStackConfig copy = custom.toBuilder().build();
        assertEquals(8960, copy.receiveMss());
        assertFalse(copy.nagle());
        assertTrue(copy.keepAlive());
        assertEquals("newreno", copy.congestionControl());
        assertEquals(2, copy.timeWaitNanos());
    }
}
