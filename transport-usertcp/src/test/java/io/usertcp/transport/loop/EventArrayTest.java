package io.usertcp.transport.loop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventArrayTest {
    @Test
    void layoutIsPackedOnX86AndAlignedElsewhere() {
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.matches("i[3-6]86|x86");
        assertEquals(x86 ? 12 : 16, EventArray.EVENT_SIZE, arch);
        assertEquals(x86 ? 4 : 8, EventArray.DATA_OFFSET, arch);
    }

    @Test
    void entriesKeepTheirEventsAndData() {
        EventArray array = new EventArray(3);
        array.set(0, EpollCalls.EPOLLIN, 0x1234_5678_9abc_def0L);
        array.set(1, EpollCalls.EPOLLOUT, -1L);
        array.set(2, EpollCalls.EPOLLERR, 7L);
        assertEquals(EpollCalls.EPOLLIN, array.events(0));
        assertEquals(0x1234_5678_9abc_def0L, array.data(0));
        assertEquals(EpollCalls.EPOLLOUT, array.events(1));
        assertEquals(-1L, array.data(1));
        assertEquals(EpollCalls.EPOLLERR, array.events(2));
        assertEquals(7L, array.data(2));
        assertEquals(array.address() + 2L * EventArray.EVENT_SIZE, array.addressOf(2));
    }
}
