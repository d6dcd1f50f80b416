package io.usertcp.codec.fuzz;

/** How deep the decode chain got with a frame it did not drop. */
enum DecodedAs {
    ARP,
    /** An ICMP message that quotes nothing (echo, or a type the stack ignores). */
    ICMP,
    /** An ICMP error whose quoted datagram and the first 8 bytes of its payload were read. */
    ICMP_QUOTE,
    /** A TCP segment without options. */
    TCP,
    /** A TCP segment whose options were parsed. */
    TCP_OPTIONS,
    /** A valid IPv4 datagram of a protocol the stack does not decode further (UDP, ...). */
    OTHER_IP_PROTOCOL
}
