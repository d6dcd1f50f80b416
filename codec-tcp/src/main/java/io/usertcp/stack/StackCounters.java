package io.usertcp.stack;

import io.usertcp.codec.DropCounters;
import io.usertcp.ip.reassembly.FragmentReassembler;
import io.usertcp.neighbour.NeighbourTable;

/**
 * Counters of the link, ARP, IPv4 and ICMP layers of one stack, plus the drop counters every layer (TCP
 * included) shares. One instance per event loop, written only there with plain increments; readers on other
 * threads see values that may lag. The handlers in this package increment the fields directly. The ARP cache
 * and the reassembler keep their own counters; the handlers that own them register them here, so one object
 * reaches every counter of the stack.
 */
public final class StackCounters {
    private static final int ICMP_TYPES = 256;

    private final DropCounters drops = new DropCounters();
    long framesIn;
    long framesOut;
    long arpRequestsIn;
    long arpRepliesIn;
    long arpRequestsOut;
    long arpRepliesOut;
    long datagramsIn;
    long datagramsOut;
    long fragmentsIn;
    long fragmentsOut;
    long reassembled;
    long noRoute;
    long fragmentationRefused;
    long icmpErrorsRateLimited;
    final long[] icmpIn = new long[ICMP_TYPES];
    final long[] icmpOut = new long[ICMP_TYPES];
    NeighbourTable neighbourTable;
    FragmentReassembler reassembler;

    /** Why inbound frames were dropped, by reason, for every layer of the stack. */
    public DropCounters drops() {
        return drops;
    }

    /** The ARP cache, for its entry and waiting-frame counters; null until an Ethernet layer registers it. */
    public NeighbourTable neighbourTable() {
        return neighbourTable;
    }

    /** The IPv4 reassembler, for its datagram counters; null until an IPv4 layer joins a pipeline. */
    public FragmentReassembler reassembler() {
        return reassembler;
    }

    /** Frames the device delivered to the Ethernet layer. */
    public long framesIn() {
        return framesIn;
    }

    /** Frames the Ethernet layer wrote to the device. */
    public long framesOut() {
        return framesOut;
    }

    public long arpRequestsIn() {
        return arpRequestsIn;
    }

    public long arpRepliesIn() {
        return arpRepliesIn;
    }

    /** ARP requests sent: resolutions, reconfirmations and gratuitous announcements. */
    public long arpRequestsOut() {
        return arpRequestsOut;
    }

    public long arpRepliesOut() {
        return arpRepliesOut;
    }

    /** Datagrams for us passed to the transport layers, each reassembled datagram once. */
    public long datagramsIn() {
        return datagramsIn;
    }

    /** Datagrams handed to the link layer, each fragment counted once. */
    public long datagramsOut() {
        return datagramsOut;
    }

    /** Fragments for us offered to reassembly. */
    public long fragmentsIn() {
        return fragmentsIn;
    }

    /** Fragments sent for datagrams larger than the MTU. */
    public long fragmentsOut() {
        return fragmentsOut;
    }

    /** Datagrams reassembled from fragments. */
    public long reassembled() {
        return reassembled;
    }

    /** Outbound datagrams dropped for an off-link destination without a gateway. */
    public long noRoute() {
        return noRoute;
    }

    /** Outbound datagrams dropped for exceeding the MTU with DF set, or 65,535 bytes. */
    public long fragmentationRefused() {
        return fragmentationRefused;
    }

    /** ICMP errors not sent because the token bucket was empty. */
    public long icmpErrorsRateLimited() {
        return icmpErrorsRateLimited;
    }

    /** Valid ICMP messages received of {@code type} (0..255). */
    public long icmpIn(int type) {
        return icmpIn[type];
    }

    /** ICMP messages sent of {@code type} (0..255). */
    public long icmpOut(int type) {
        return icmpOut[type];
    }

    @Override
    public String toString() {
        return "StackCounters{framesIn=" + framesIn + ", framesOut=" + framesOut + ", arpRequestsIn=" + arpRequestsIn
                + ", arpRepliesIn=" + arpRepliesIn + ", arpRequestsOut=" + arpRequestsOut + ", arpRepliesOut="
                + arpRepliesOut + ", datagramsIn=" + datagramsIn + ", datagramsOut=" + datagramsOut + ", fragmentsIn="
                + fragmentsIn + ", fragmentsOut=" + fragmentsOut + ", reassembled=" + reassembled + ", noRoute="
                + noRoute + ", fragmentationRefused=" + fragmentationRefused + ", icmpErrorsRateLimited="
                + icmpErrorsRateLimited + ", " + drops + '}';
    }
}
