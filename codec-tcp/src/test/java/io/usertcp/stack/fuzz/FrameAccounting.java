package io.usertcp.stack.fuzz;

import io.usertcp.codec.DropReason;
import io.usertcp.tcp.TcpCounter;

/**
 * The bookkeeping every received frame must leave behind: it is counted in, and ends in exactly one place.
 * A frame that is not a fragment is dropped for one counted reason below TCP, or taken by ARP, or delivered
 * as one datagram; a delivered datagram is either one TCP segment (received, or dropped for one reason by
 * the engine's decoder) or one ICMP message or other protocol (taken, or dropped for one reason, or taken
 * and then ignored for one reason). A fragment is held, dropped, or completes at most one datagram; the
 * reassembly reasons count datagrams, not frames, and any fragment may evict or expire other datagrams, so
 * they are left out of a fragment's sum, and must not move for a frame that is no fragment. Anything else is
 * a frame lost without a counter, or counted twice.
 */
final class FrameAccounting {
    /** Reasons reassembly counts per datagram, for any datagram it holds, whichever fragment comes in. */
    private static final boolean[] REASSEMBLY = new boolean[CounterSnapshot.REASONS.length];

    static {
        for (DropReason reason : CounterSnapshot.REASONS) {
            REASSEMBLY[reason.ordinal()] = reason.name().startsWith("FRAGMENT_");
        }
    }

    private FrameAccounting() {
    }

    private static String grownReasons(long[] before, long[] after) {
        StringBuilder reasons = new StringBuilder("[");
        for (int i = 0; i < before.length; i++) {
            if (after[i] != before[i]) {
                reasons.append(reasons.length() > 1 ? ", " : "").append(CounterSnapshot.REASONS[i]).append(" +")
                        .append(after[i] - before[i]);
            }
        }
        return reasons.append(']').toString();
    }

    /** Null when the counters moved as one received frame must move them, else how they did not. */
    static String imbalance(CounterSnapshot before, CounterSnapshot after) {
        long framesIn = after.framesIn - before.framesIn;
        long fragments = after.fragmentsIn - before.fragmentsIn;
        long datagrams = after.datagramsIn - before.datagramsIn;
        long arp = after.arpIn - before.arpIn;
        long drops = 0;
        long reassemblyDrops = 0;
        for (int i = 0; i < CounterSnapshot.REASONS.length; i++) {
            long grown = after.stackDrops[i] - before.stackDrops[i];
            if (REASSEMBLY[i]) {
                reassemblyDrops += grown;
            } else {
                drops += grown;
            }
        }
        long icmp = after.icmpIn - before.icmpIn;
        long segments = after.tcp(TcpCounter.SEGMENTS_RECEIVED) - before.tcp(TcpCounter.SEGMENTS_RECEIVED)
                + CounterSnapshot.growth(before.engineDrops, after.engineDrops);
        String counts = " (frames in +" + framesIn + ", fragments +" + fragments + ", datagrams +" + datagrams
                + ", ARP +" + arp + ", stack drops +" + drops + ", reassembly drops +" + reassemblyDrops + ", ICMP +"
                + icmp + ", TCP segments and drops +"
                + segments + "; stack drops by reason " + grownReasons(before.stackDrops, after.stackDrops) + ")";
        if (framesIn != 1) {
            return "the frame was not counted in once" + counts;
        }
        if (datagrams > 1 || fragments > 1 || arp > 1) {
            return "one frame counted as several" + counts;
        }
        if (fragments == 0 && reassemblyDrops != 0) {
            return "reassembly counted a drop for a frame that is no fragment" + counts;
        }
        if (datagrams == 0) {
            if (segments != 0 || icmp != 0) {
                return "a transport layer counted a frame no datagram delivered" + counts;
            }
            if (fragments == 0 && drops + arp != 1) {
                return "a frame neither dropped once for a reason nor taken by ARP" + counts;
            }
            return null;
        }
        if (arp != 0) {
            return "a datagram also counted as ARP" + counts;
        }
        boolean tcp = segments == 1 && icmp == 0 && drops == 0;
        boolean other = segments == 0 && (icmp == 1 ? drops <= 1 : icmp == 0 && drops == 1);
        if (!(tcp || other)) {
            return "a delivered datagram not accounted for exactly once by TCP or ICMP" + counts;
        }
        return null;
    }
}
