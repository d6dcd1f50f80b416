package io.usertcp.transport.loop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollCallsTest {
    @Test
    void failedCallReportsErrnoWithItsDescription() {
        assertEquals(-1, EpollCalls.CALLS.epoll_ctl(-1, EpollCalls.EPOLL_CTL_DEL, 0, 0));
        int errno = EpollCalls.errno();
        assertEquals(EpollCalls.EBADF, errno);
        String message = EpollCalls.failure("epoll_ctl", errno).getMessage();
        assertTrue(message.startsWith("epoll_ctl: Bad file descriptor (errno 9)"), message);
    }
}
