package io.usertcp.ip.reassembly;

import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Told when a datagram whose first fragment had arrived times out, so that its owner can send ICMP time
 * exceeded, code 1 (RFC 792; RFC 1122 3.3.2 sends it when fragment zero has been received). The
 * reassembler itself sends nothing.
 */
@FunctionalInterface
public interface ReassemblyTimeoutListener {
    /**
     * Called from {@link FragmentReassembler#expire} (which {@link FragmentReassembler#offer} also runs)
     * before the datagram's fragments are released. It must not call back into the reassembler.
     *
     * @param firstFragment a view of the fragment at offset 0, header and data, which is what an ICMP error
     *                      quotes; valid only during the call: read or copy from it, never retain or release
     *                      its buffer
     */
    void reassemblyTimedOut(Ipv4Packet firstFragment);
}
