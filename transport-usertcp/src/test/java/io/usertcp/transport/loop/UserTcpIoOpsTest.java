package io.usertcp.transport.loop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserTcpIoOpsTest {
    @Test
    void eachCombinationIsOneSharedInstance() {
        assertSame(UserTcpIoOps.NONE, UserTcpIoOps.of(false, false));
        assertSame(UserTcpIoOps.READABLE, UserTcpIoOps.of(true, false));
        assertSame(UserTcpIoOps.WRITABLE, UserTcpIoOps.of(false, true));
        assertSame(UserTcpIoOps.READABLE_AND_WRITABLE, UserTcpIoOps.of(true, true));
        assertSame(UserTcpIoOps.READABLE_AND_WRITABLE, UserTcpIoOps.READABLE.withWritable(true));
        assertSame(UserTcpIoOps.WRITABLE, UserTcpIoOps.READABLE_AND_WRITABLE.withReadable(false));
    }

    @Test
    void flagsReadBack() {
        assertTrue(UserTcpIoOps.READABLE.readable());
        assertFalse(UserTcpIoOps.READABLE.writable());
        assertFalse(UserTcpIoOps.WRITABLE.readable());
        assertTrue(UserTcpIoOps.WRITABLE.writable());
        assertFalse(UserTcpIoOps.NONE.readable() || UserTcpIoOps.NONE.writable());
    }

    @Test
    void interestMapsToEpollBits() {
        assertEquals(0, UserTcpIoOps.NONE.epollEvents());
        assertEquals(EpollCalls.EPOLLIN, UserTcpIoOps.READABLE.epollEvents());
        assertEquals(EpollCalls.EPOLLOUT, UserTcpIoOps.WRITABLE.epollEvents());
        assertEquals(EpollCalls.EPOLLIN | EpollCalls.EPOLLOUT, UserTcpIoOps.READABLE_AND_WRITABLE.epollEvents());
    }

    @Test
    void hangupAndErrorBothReadAsError() {
        assertTrue(UserTcpIoEvent.of(EpollCalls.EPOLLERR).isError());
        assertTrue(UserTcpIoEvent.of(EpollCalls.EPOLLHUP).isError());
        UserTcpIoEvent readable = UserTcpIoEvent.of(EpollCalls.EPOLLIN);
        assertTrue(readable.isReadable());
        assertFalse(readable.isWritable());
        assertFalse(readable.isError());
        assertSame(readable, UserTcpIoEvent.of(EpollCalls.EPOLLIN));
    }
}
