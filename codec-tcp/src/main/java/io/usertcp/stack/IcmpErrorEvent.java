package io.usertcp.stack;

import io.usertcp.codec.icmp.IcmpMessage;

/**
 * An ICMP error about a TCP segment we sent, fired by the {@link IcmpHandler} with
 * {@code ctx.fireUserEventTriggered} toward the TCP layer, which finds the connection by the quoted
 * addresses and ports and decides what the error means for it (RFC 5927, RFC 1122 4.2.3.9, RFC 1191). The
 * ICMP layer has already checked that the quote is a TCP segment's first bytes sent from our address. One
 * reusable instance per ICMP handler, valid only during the event call: copy what you keep.
 */
public final class IcmpErrorEvent {
    private int type;
    private int code;
    private int nextHopMtu;
    private int reporter;
    private int quotedSource;
    private int quotedDestination;
    private int quotedSourcePort;
    private int quotedDestinationPort;
    private int quotedSequenceNumber;

    IcmpErrorEvent set(int type, int code, int nextHopMtu, int reporter, int quotedSource, int quotedDestination,
                       int quotedSourcePort, int quotedDestinationPort, int quotedSequenceNumber) {
        this.type = type;
        this.code = code;
        this.nextHopMtu = nextHopMtu;
        this.reporter = reporter;
        this.quotedSource = quotedSource;
        this.quotedDestination = quotedDestination;
        this.quotedSourcePort = quotedSourcePort;
        this.quotedDestinationPort = quotedDestinationPort;
        this.quotedSequenceNumber = quotedSequenceNumber;
        return this;
    }

    /** {@link IcmpMessage#TYPE_DESTINATION_UNREACHABLE} or {@link IcmpMessage#TYPE_TIME_EXCEEDED}. */
    public int type() {
        return type;
    }

    public int code() {
        return code;
    }

    /** RFC 1191: destination unreachable, code 4 (fragmentation needed, DF set). */
    public boolean isFragmentationNeeded() {
        return type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE && code == IcmpMessage.CODE_FRAGMENTATION_NEEDED;
    }

    /**
     * For fragmentation needed: the next-hop MTU the router reported, 0 from routers older than RFC 1191.
     * Unvalidated: the TCP layer clamps it to its floor.
     */
    public int nextHopMtu() {
        return isFragmentationNeeded() ? nextHopMtu : 0;
    }

    /** The IPv4 source of the ICMP message: the router or host that reported the error. */
    public int reporter() {
        return reporter;
    }

    /** Our address, as the quoted segment's source. */
    public int quotedSource() {
        return quotedSource;
    }

    /** The peer the quoted segment was sent to. */
    public int quotedDestination() {
        return quotedDestination;
    }

    /** Our port. */
    public int quotedSourcePort() {
        return quotedSourcePort;
    }

    /** The peer's port. */
    public int quotedDestinationPort() {
        return quotedDestinationPort;
    }

    /** The quoted segment's sequence number, to check against SND.UNA..SND.NXT (RFC 5927 4.1). */
    public int quotedSequenceNumber() {
        return quotedSequenceNumber;
    }

    @Override
    public String toString() {
        return "IcmpErrorEvent{type=" + type + ", code=" + code + ", nextHopMtu=" + nextHopMtu() + ", quoted="
                + Integer.toUnsignedString(quotedSource) + ':' + quotedSourcePort + "->"
                + Integer.toUnsignedString(quotedDestination) + ':' + quotedDestinationPort + ", seq="
                + Integer.toUnsignedString(quotedSequenceNumber) + '}';
    }
}
