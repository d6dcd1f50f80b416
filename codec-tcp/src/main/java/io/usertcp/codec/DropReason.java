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
    BAD_OPTION_LENGTH,

    /**
     * IPv4 fragment: empty, or not the last and not a multiple of 8 bytes long (RFC 791 3.2); its datagram
     * is discarded.
     */
    FRAGMENT_MALFORMED,
    /** IPv4 fragment: repeats, byte for byte, a range already held for its datagram; the copy is ignored. */
    FRAGMENT_DUPLICATE,
    /**
     * IPv4 fragment: overlaps data held for its datagram or contradicts where it ends (RFC 5722's rule,
     * teardrop); the datagram is discarded.
     */
    FRAGMENT_OVERLAP,
    /** IPv4 fragment: its datagram would reassemble beyond 65,535 bytes (ping of death); it is discarded. */
    FRAGMENT_TOO_LARGE,
    /** IPv4 fragment: its datagram has more fragments than the per-datagram cap; it is discarded. */
    FRAGMENT_TOO_MANY,
    /** IPv4 fragment: its datagram was not complete within the reassembly timeout (RFC 1122 3.3.2). */
    FRAGMENT_TIMEOUT,
    /**
     * IPv4 fragment: reassembly memory or the cap on datagrams in progress ran out, so its datagram was
     * evicted or refused.
     */
    FRAGMENT_MEMORY_LIMIT,

    /** Ethernet: the destination is neither our MAC nor broadcast (the stack joins no multicast group). */
    NOT_FOR_US,
    /** IPv4: the destination is not our address (broadcast is accepted for ICMP only). */
    IP_NOT_FOR_US,
    /**
     * IPv4: a source no host can have (RFC 1122 3.2.1.3, RFC 1812 5.3.7): 0.0.0.0/8, loopback, multicast,
     * reserved, a broadcast address, or our own address (LAND).
     */
    MARTIAN_SOURCE,
    /**
     * IPv4: a datagram for our unicast address that came in a link-layer broadcast frame, so every host on the
     * link received it (RFC 1122 3.3.6).
     */
    UNICAST_IN_LINK_BROADCAST,
    /** IPv4: a protocol the stack does not speak (anything but ICMP and TCP). */
    UNSUPPORTED_PROTOCOL,
    /** ICMP: a type the stack ignores (source quench per RFC 6633, redirect, timestamp, ...). */
    ICMP_IGNORED_TYPE,
    /** ICMP: an echo request to a broadcast address, ignored as Linux does (icmp_echo_ignore_broadcasts). */
    ICMP_BROADCAST_ECHO,
    /** ICMP: an error quoting a datagram that is not a TCP segment we sent from its first byte. */
    ICMP_QUOTE_NOT_OURS;

    private static final DropReason[] VALUES = values();

    /** All reasons, in ordinal order, without the copy {@link #values()} makes. */
    static DropReason[] all() {
        return VALUES;
    }
}
