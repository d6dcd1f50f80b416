package io.usertcp.stack.fuzz;

import io.usertcp.codec.DropReason;
import io.usertcp.tcp.TcpCounter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The fuzzer's bookkeeping rule itself: it passes the outcomes a frame may have and catches the others. */
class FrameAccountingTest {
    private final CounterSnapshot before = new CounterSnapshot();
    private final CounterSnapshot after = new CounterSnapshot();

    private void frameIn() {
        after.framesIn++;
    }

    private void drop(DropReason reason) {
        after.stackDrops[reason.ordinal()]++;
    }

    @Test
    void aFrameDroppedOnceForAReasonIsAccountedFor() {
        frameIn();
        drop(DropReason.NOT_FOR_US);
        assertNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aFrameLostWithoutACounterIsReported() {
        frameIn();
        assertNotNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aFrameCountedTwiceIsReported() {
        frameIn();
        drop(DropReason.NOT_FOR_US);
        after.arpIn++;
        assertNotNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aTcpSegmentDeliveredAndReceivedIsAccountedFor() {
        frameIn();
        after.datagramsIn++;
        after.tcp[TcpCounter.SEGMENTS_RECEIVED.ordinal()]++;
        assertNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aDatagramNoTransportCountedIsReported() {
        frameIn();
        after.datagramsIn++;
        assertNotNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void anIcmpMessageTakenAndThenIgnoredIsAccountedFor() {
        frameIn();
        after.datagramsIn++;
        after.icmpIn++;
        drop(DropReason.ICMP_IGNORED_TYPE);
        assertNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aFragmentThatEvictsAnotherDatagramIsAccountedFor() {
        frameIn();
        after.fragmentsIn++;
        drop(DropReason.FRAGMENT_MEMORY_LIMIT);
        assertNull(FrameAccounting.imbalance(before, after));
    }

    @Test
    void aReassemblyDropForAFrameThatIsNoFragmentIsReported() {
        frameIn();
        drop(DropReason.NOT_FOR_US);
        drop(DropReason.FRAGMENT_TIMEOUT);
        assertNotNull(FrameAccounting.imbalance(before, after));
    }
}
