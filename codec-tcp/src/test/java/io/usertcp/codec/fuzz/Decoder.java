package io.usertcp.codec.fuzz;

import io.usertcp.codec.DropReason;

import java.util.EnumSet;
import java.util.Set;

import static io.usertcp.codec.DropReason.ARP_BAD_OPERATION;
import static io.usertcp.codec.DropReason.ARP_UNSUPPORTED_HARDWARE;
import static io.usertcp.codec.DropReason.ARP_UNSUPPORTED_PROTOCOL;
import static io.usertcp.codec.DropReason.BAD_ICMP_CHECKSUM;
import static io.usertcp.codec.DropReason.BAD_ICMP_QUOTE;
import static io.usertcp.codec.DropReason.BAD_IP_CHECKSUM;
import static io.usertcp.codec.DropReason.BAD_IP_HEADER_LENGTH;
import static io.usertcp.codec.DropReason.BAD_IP_TOTAL_LENGTH;
import static io.usertcp.codec.DropReason.BAD_IP_VERSION;
import static io.usertcp.codec.DropReason.BAD_OPTION_LENGTH;
import static io.usertcp.codec.DropReason.BAD_TCP_CHECKSUM;
import static io.usertcp.codec.DropReason.BAD_TCP_DATA_OFFSET;
import static io.usertcp.codec.DropReason.TRUNCATED;
import static io.usertcp.codec.DropReason.VLAN_TAGGED;

/**
 * Each decoding entry point of the codec, with the drop reasons it may give. A reason outside its set
 * means a decoder judged input that is not its business (or mislabelled a drop), which the fuzz test
 * treats as a failure just like an exception.
 */
enum Decoder {
    ETHERNET(EnumSet.of(TRUNCATED, VLAN_TAGGED)),
    ARP(EnumSet.of(TRUNCATED, ARP_UNSUPPORTED_HARDWARE, ARP_UNSUPPORTED_PROTOCOL, ARP_BAD_OPERATION)),
    IPV4(EnumSet.of(TRUNCATED, BAD_IP_VERSION, BAD_IP_HEADER_LENGTH, BAD_IP_TOTAL_LENGTH, BAD_IP_CHECKSUM)),
    /** {@code Ipv4Packet.wrapQuoted}: the checksum is not its to judge. */
    IPV4_QUOTED(EnumSet.of(TRUNCATED, BAD_IP_VERSION, BAD_IP_HEADER_LENGTH, BAD_IP_TOTAL_LENGTH)),
    ICMP(EnumSet.of(TRUNCATED, BAD_ICMP_CHECKSUM, BAD_ICMP_QUOTE)),
    TCP(EnumSet.of(TRUNCATED, BAD_TCP_DATA_OFFSET, BAD_TCP_CHECKSUM, BAD_OPTION_LENGTH)),
    TCP_OPTIONS(EnumSet.of(BAD_OPTION_LENGTH));

    private static final Decoder[] VALUES = values();

    private final Set<DropReason> reasons;

    Decoder(Set<DropReason> reasons) {
        this.reasons = reasons;
    }

    /** The drop reasons this decoder may return. */
    Set<DropReason> reasons() {
        return reasons;
    }

    boolean mayReturn(DropReason reason) {
        return reason == null || reasons.contains(reason);
    }

    static Decoder[] all() {
        return VALUES;
    }
}
