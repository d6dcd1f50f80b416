package io.usertcp.codec;

/**
 * Why an inbound frame was dropped. Every decoder returns one of these instead of throwing, and the
 * layer that receives it counts it in {@link DropCounters}. Later layers add their own reasons here so
 * that one counter array covers the whole stack.
 */
public enum DropReason {
    /** The frame is shorter than a header it claims to carry. */
    TRUNCATED,

    /** Ethernet: an 802.1Q or 802.1ad tag; the stack does not handle VLANs. */
    VLAN_TAGGED,
    /** Ethernet: a type the stack does not speak (IPv6, LLDP, ...). */
    UNSUPPORTED_ETHERTYPE,

    /** ARP: hardware type is not Ethernet or hardware length is not 6. */
    ARP_UNSUPPORTED_HARDWARE,
    /** ARP: protocol type is not IPv4 or protocol length is not 4. */
    ARP_UNSUPPORTED_PROTOCOL,
    /** ARP: operation is neither request (1) nor reply (2). */
    ARP_BAD_OPERATION,

    /** IPv4: version field is not 4. */
    BAD_IP_VERSION,
    /** IPv4: IHL below 5, or a header longer than the frame. */
    BAD_IP_HEADER_LENGTH,
    /** IPv4: total length below the header length or beyond the frame. */
    BAD_IP_TOTAL_LENGTH,
    /** IPv4: header checksum does not verify. */
    BAD_IP_CHECKSUM,

    /** ICMP: checksum over the message does not verify. */
    BAD_ICMP_CHECKSUM,
    /** ICMP: an error message quotes less than an IPv4 header plus 8 bytes (RFC 792, RFC 1122 3.2.2). */
    BAD_ICMP_QUOTE,

    /** TCP: data offset below 5 or beyond the segment. */
    BAD_TCP_DATA_OFFSET,
    /** TCP: checksum with the IPv4 pseudo-header does not verify. */
    BAD_TCP_CHECKSUM,
    /** TCP: an option length of 0 or 1, one that overruns the option space, or a wrong length for a known kind. */
    BAD_OPTION_LENGTH;

    private static final DropReason[] VALUES = values();

    /** All reasons, in ordinal order, without the copy {@link #values()} makes. */
    static DropReason[] all() {
        return VALUES;
    }
}
