package io.usertcp.stack.fuzz;

/**
 * What one fuzz input made the stack do, coarsely: which drop reasons of the stack and of the TCP engine it
 * raised, which TCP counters moved, which kinds of reply left (TCP flag sets, and ARP, ICMP and fragment
 * kinds), and the state of the connection its 4-tuple names before and after (-1 for none, {@link #LISTENER}
 * for a listener). The fuzzer keeps an input whose signature it has not seen before as a new seed.
 */
record BehaviourSignature(long stackDrops, long engineDrops, long tcpCounters, long otherReplies, long tcpReplies,
                          int stateBefore, int stateAfter) {
    /** The state of a 4-tuple with no connection but a listener on its local end. */
    static final int LISTENER = 100;
    static final int NONE = -1;
}
