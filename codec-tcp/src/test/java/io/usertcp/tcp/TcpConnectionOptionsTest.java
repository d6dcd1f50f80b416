package io.usertcp.tcp;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpConnectionOptionsTest {
    private final TcpStackConfig config = TcpStackConfig.builder().nagle(false).sendBufferBytes(4096)
            .receiveBufferBytes(65536).keepAliveTiming(TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(5), 4)
            .userTimeoutNanos(TimeUnit.SECONDS.toNanos(7)).congestionControl("newreno").build();
    private final TcpConnectionOptions options = TcpConnectionOptions.from(config);

    @Test
    void startsWithTheStacksValues() {
        assertFalse(options.nagle());
        assertEquals(4096, options.sendBufferBytes());
        assertEquals(65536, options.receiveBufferBytes());
        assertEquals(0, options.maxSegmentSize());
        assertEquals(TimeUnit.SECONDS.toNanos(60), options.keepAliveIdleNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(5), options.keepAliveIntervalNanos());
        assertEquals(4, options.keepAliveProbes());
        assertEquals(TimeUnit.SECONDS.toNanos(7), options.userTimeoutNanos());
        assertEquals("newreno", options.congestionControl());
    }

    @Test
    void withReturnsACopyAndLeavesTheOriginal() {
        TcpConnectionOptions changed = options.withNagle(true).withSendBufferBytes(1024);
        assertTrue(changed.nagle());
        assertEquals(1024, changed.sendBufferBytes());
        assertFalse(options.nagle());
        assertEquals(4096, options.sendBufferBytes());
    }

    @Test
    void receiveBufferDecidesTheWindowScaleOffered() {
        assertEquals(1, options.receiveWindowScale());
        assertEquals(0, options.withReceiveBufferBytes(65535).receiveWindowScale());
        assertEquals(14, options.withReceiveBufferBytes(1 << 30).receiveWindowScale());
    }

    @Test
    void mssClampLowersTheAnnouncedAndTheSendMssButNeverRaisesThem() {
        TcpConnectionOptions clamped = options.withMaxSegmentSize(1000);
        assertEquals(1000, clamped.announcedMss(config));
        assertEquals(1000, clamped.sendMss(config, 1460));
        assertEquals(900, clamped.sendMss(config, 900));
        assertEquals(1460, options.withMaxSegmentSize(9000).announcedMss(config));
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> options.withSendBufferBytes(0));
        assertThrows(IllegalArgumentException.class, () -> options.withReceiveBufferBytes((1 << 30) + 1));
        assertThrows(IllegalArgumentException.class, () -> options.withMaxSegmentSize(87));
        assertThrows(IllegalArgumentException.class, () -> options.withKeepAliveTiming(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> options.withUserTimeoutNanos(-1));
    }
}
