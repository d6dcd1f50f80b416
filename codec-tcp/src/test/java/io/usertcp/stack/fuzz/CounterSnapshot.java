package io.usertcp.stack.fuzz;

import io.usertcp.codec.DropReason;
import io.usertcp.stack.StackCounters;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;

/**
 * The victim's counters at one instant: the stack's drop reasons and layer counts, the TCP engine's drop
 * reasons and counters. Two of them bracket each frame; their differences are the frame's accounting and
 * its behaviour signature. Reused, so taking one allocates nothing.
 */
final class CounterSnapshot {
    static final DropReason[] REASONS = DropReason.values();
    static final TcpCounter[] TCP_COUNTERS = TcpCounter.values();
    private static final int ICMP_TYPES = 256;

    final long[] stackDrops = new long[REASONS.length];
    final long[] engineDrops = new long[REASONS.length];
    final long[] tcp = new long[TCP_COUNTERS.length];
    long framesIn;
    long arpIn;
    long fragmentsIn;
    long datagramsIn;
    long icmpIn;

    void take(StackCounters stack, TcpEngine engine) {
        for (int i = 0; i < REASONS.length; i++) {
            stackDrops[i] = stack.drops().get(REASONS[i]);
            engineDrops[i] = engine.dropCounters().get(REASONS[i]);
        }
        for (int i = 0; i < TCP_COUNTERS.length; i++) {
            tcp[i] = engine.counters().get(TCP_COUNTERS[i]);
        }
        framesIn = stack.framesIn();
        arpIn = stack.arpRequestsIn() + stack.arpRepliesIn();
        fragmentsIn = stack.fragmentsIn();
        datagramsIn = stack.datagramsIn();
        long icmp = 0;
        for (int type = 0; type < ICMP_TYPES; type++) {
            icmp += stack.icmpIn(type);
        }
        icmpIn = icmp;
    }

    long tcp(TcpCounter counter) {
        return tcp[counter.ordinal()];
    }

    /** How much the counters of {@code after} grew over {@code before}, summed. */
    static long growth(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < before.length; i++) {
            total += after[i] - before[i];
        }
        return total;
    }

    /** Which counters grew, as bits by index; indexes of 64 and more fold onto the low ones. */
    static long grown(long[] before, long[] after) {
        long bits = 0;
        for (int i = 0; i < before.length; i++) {
            if (after[i] != before[i]) {
                bits |= 1L << (i & 63);
            }
        }
        return bits;
    }
}
