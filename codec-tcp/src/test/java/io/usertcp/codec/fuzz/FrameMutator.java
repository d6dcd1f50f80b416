package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpSegment;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns seed frames into hostile ones. Each input is a copy of a random seed with one to four stacked
 * mutations: bit flips; boundary values written at random offsets and, more often, into the header
 * fields the decoders and the stack branch on (EtherType, ARP lengths, IHL, total length, fragment flags
 * and offset, a spoofed source address, protocol, ports, data offset, TCP flags, TCP sequence and
 * acknowledgment numbers and SACK block edges moved across window edges, the window, TCP option kinds and
 * lengths, ICMP type and code, the quoted header); truncation at layer boundaries;
 * random bytes appended; chunks inserted, deleted or duplicated; and splices of two seeds. Half the
 * inputs then get their checksums (and half of those their IPv4 total length) repaired, so they reach
 * the parsing behind the checksums.
 *
 * <p>Everything is drawn from the {@link SplittableRandom} passed in, so an input is reproduced by its
 * seed alone. Not thread-safe; one per test.
 */
public final class FrameMutator implements AutoCloseable {
    public static final int MAX_LENGTH = 2048;

    private static final int[] BYTE_VALUES = {0, 1, 2, 3, 4, 5, 6, 8, 10, 16, 0x40, 0x45, 0x46, 0x4F, 0x50, 0x7F, 0x80,
            0xF0, 0xFF};
    private static final int[] SHORT_VALUES = {0, 1, 2, 8, 19, 20, 21, 27, 28, 40, 60, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};
    private static final int[] INT_VALUES = {0, 1, -1, 0x7FFF_FFFF, 0x8000_0000};
    private static final int[] ETHER_TYPES = {EthernetFrame.ETHERTYPE_IPV4, EthernetFrame.ETHERTYPE_ARP,
            EthernetFrame.ETHERTYPE_VLAN, EthernetFrame.ETHERTYPE_SERVICE_VLAN, 0x86DD, 0x0000, 0xFFFF};
    private static final int[] OPTION_KINDS = {0, 1, 2, 3, 4, 5, 8, 19, 30, 34, 254, 255};
    private static final int[] OPTION_LENGTHS = {0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 18, 26, 34, 40, 42, 255};
    private static final int[] ICMP_TYPES = {IcmpMessage.TYPE_ECHO_REPLY, IcmpMessage.TYPE_DESTINATION_UNREACHABLE,
            IcmpMessage.TYPE_ECHO_REQUEST, IcmpMessage.TYPE_TIME_EXCEEDED, 5, 12, 255};
    /** Flags and offset: MF alone, offsets 8 and 65,528 with and without MF, DF, DF with MF. */
    private static final int[] FRAGMENT_FIELDS = {0x2000, 0x2001, 0x0001, 0x1FFF, 0x3FFF, 0x4000, 0x6000, 0x2000 | 185};
    /**
     * Shifts for a sequence or acknowledgment number: next to a window edge when the seed is live traffic
     * (one byte, a segment, the common windows with and without scaling), and half the sequence space.
     */
    private static final int[] SEQUENCE_SHIFTS = {1, 2, 1448, 1460, 8192, 65535, 65536, 131072, 1 << 20, 1 << 30,
            0x7FFF_FFFF, 0x8000_0000};
    private static final int ABSENT_OPTION = -1;
    private static final int[] PROTOCOLS = {Ipv4Packet.PROTOCOL_ICMP, Ipv4Packet.PROTOCOL_TCP, Ipv4Packet.PROTOCOL_UDP,
            0, 255};

    /** Header fields the mutator aims at, by what they are. */
    private enum Field {
        ETHERTYPE, ARP_FIELD, IP_VERSION_AND_IHL, IP_TOTAL_LENGTH, IP_PROTOCOL, IP_FLAGS_AND_FRAGMENT, IP_SOURCE,
        TCP_PORT, TCP_DATA_OFFSET, TCP_FLAGS, TCP_SEQUENCE, TCP_ACKNOWLEDGMENT, TCP_WINDOW, TCP_OPTION_KIND_OR_LENGTH,
        TCP_OPTION_REWRITE, TCP_SACK_EDGE, ICMP_TYPE_AND_CODE,
        QUOTED_VERSION_AND_IHL, QUOTED_TOTAL_LENGTH
    }

    private final List<SeedFrame> seeds;
    private final byte[] bytes = new byte[MAX_LENGTH];
    private final ByteBuf frame = Unpooled.wrappedBuffer(bytes);
    private final FrameLayout layout = new FrameLayout();
    private final ChecksumRepair repair = new ChecksumRepair();
    private final int[] boundaries = new int[FrameLayout.MAX_BOUNDARIES];
    /** The fields present in the current frame; option kinds and lengths go in twice, to be hit more often. */
    private final Field[] fields = new Field[Field.values().length + 1];
    private final int[] optionStarts = new int[TcpSegment.MAX_HEADER_LENGTH];
    private final byte[] chunk = new byte[24];
    private final StringBuilder log = new StringBuilder();
    private SeedFrame seed;
    private int length;

    public FrameMutator(List<SeedFrame> seeds) {
        this.seeds = seeds;
    }

    /** The current input: its bytes are the first {@link #length()} of this buffer, at index 0. */
    public ByteBuf frame() {
        return frame;
    }

    public int length() {
        return length;
    }

    /** The seed and the mutations that made the current input, for failure messages. */
    public String describe() {
        return "seed frame '" + seed.name() + "', mutations [" + log + "]";
    }

    /** Builds the next input from {@code random}. */
    public void next(SplittableRandom random) {
        next(random, seeds.get(random.nextInt(seeds.size())));
    }

    /** Builds the next input from {@code seed}, the caller's choice; splices still draw from all seeds. */
    public void next(SplittableRandom random, SeedFrame seed) {
        this.seed = seed;
        length = Math.min(seed.bytes().length, MAX_LENGTH);
        System.arraycopy(seed.bytes(), 0, bytes, 0, length);
        log.setLength(0);
        int mutations = random.nextInt(4) == 0 ? 2 + random.nextInt(3) : 1;
        for (int i = 0; i < mutations; i++) {
            mutate(random);
        }
        if (random.nextBoolean()) {
            boolean fixTotalLength = random.nextBoolean();
            repair.repairFrame(frame, 0, length, fixTotalLength);
            log.append(fixTotalLength ? "repaired lengths and checksums" : "repaired checksums");
        }
    }

    private void mutate(SplittableRandom random) {
        layout.read(frame, 0, length);
        int choice = random.nextInt(16);
        if (choice < 6) {
            mutateField(random);
        } else if (choice == 6) {
            flipBits(random);
        } else if (choice == 7) {
            writeInterestingValue(random, position(random));
        } else if (choice == 8) {
            truncate(random);
        } else if (choice == 9) {
            extend(random);
        } else if (choice == 10) {
            insert(random);
        } else if (choice == 11) {
            delete(random);
        } else if (choice == 12) {
            duplicate(random);
        } else {
            splice(random);
        }
        log.append("; ");
    }

    private void flipBits(SplittableRandom random) {
        if (length == 0) {
            return;
        }
        int flips = 1 + random.nextInt(8);
        log.append("flip ").append(flips).append(" bits at");
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(length * 8);
            bytes[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
            log.append(' ').append(bit >>> 3).append('.').append(bit & 7);
        }
    }

    /** A boundary value of a random width at {@code at}, if it fits. */
    private void writeInterestingValue(SplittableRandom random, int at) {
        int width = 1 << random.nextInt(3);
        if (at < 0 || at + width > length) {
            return;
        }
        int value;
        if (width == 1) {
            value = pick(random, BYTE_VALUES);
            frame.setByte(at, value);
        } else if (width == 2) {
            value = pick(random, SHORT_VALUES);
            frame.setShort(at, value);
        } else {
            value = pick(random, INT_VALUES);
            frame.setInt(at, value);
        }
        log.append("set ").append(width).append(" bytes at ").append(at).append(" to 0x")
                .append(Integer.toHexString(value));
    }

    private void mutateField(SplittableRandom random) {
        int kinds = 0;
        if (layout.etherType != FrameLayout.ABSENT) {
            fields[kinds++] = Field.ETHERTYPE;
        }
        if (layout.etherType == EthernetFrame.ETHERTYPE_ARP && length >= FrameLayout.ARP + 8) {
            fields[kinds++] = Field.ARP_FIELD;
        }
        if (layout.ipHeaderLength != FrameLayout.ABSENT) {
            fields[kinds++] = Field.IP_VERSION_AND_IHL;
            fields[kinds++] = Field.IP_TOTAL_LENGTH;
            fields[kinds++] = Field.IP_PROTOCOL;
            fields[kinds++] = Field.IP_FLAGS_AND_FRAGMENT;
            fields[kinds++] = Field.IP_SOURCE;
        }
        if (layout.tcpHeaderLength != FrameLayout.ABSENT) {
            fields[kinds++] = Field.TCP_DATA_OFFSET;
            fields[kinds++] = Field.TCP_FLAGS;
            fields[kinds++] = Field.TCP_PORT;
            fields[kinds++] = Field.TCP_SEQUENCE;
            fields[kinds++] = Field.TCP_ACKNOWLEDGMENT;
            fields[kinds++] = Field.TCP_WINDOW;
        }
        if (layout.hasTcpOptions()) {
            fields[kinds++] = Field.TCP_OPTION_KIND_OR_LENGTH;
            fields[kinds++] = Field.TCP_OPTION_KIND_OR_LENGTH;
            fields[kinds++] = Field.TCP_OPTION_REWRITE;
            fields[kinds++] = Field.TCP_SACK_EDGE;
        }
        if (layout.icmpType != FrameLayout.ABSENT) {
            fields[kinds++] = Field.ICMP_TYPE_AND_CODE;
        }
        if (layout.quote != FrameLayout.ABSENT && layout.quote + 4 <= length) {
            fields[kinds++] = Field.QUOTED_VERSION_AND_IHL;
            fields[kinds++] = Field.QUOTED_TOTAL_LENGTH;
        }
        if (kinds == 0) {
            writeInterestingValue(random, position(random));
            return;
        }
        switch (fields[random.nextInt(kinds)]) {
            case ETHERTYPE -> setShort("EtherType", 12,
                    random.nextInt(4) == 0 ? random.nextInt(0x10000) : pick(random, ETHER_TYPES));
            case ARP_FIELD -> mutateArpField(random);
            case IP_VERSION_AND_IHL -> setVersionAndIhl("IPv4", FrameLayout.IP, random);
            case IP_TOTAL_LENGTH -> setShort("IPv4 total length", FrameLayout.IP + 2,
                    lengthValue(random, layout.ipHeaderLength, length - FrameLayout.IP));
            case IP_PROTOCOL -> setByte("IPv4 protocol", FrameLayout.IP + 9, pick(random, PROTOCOLS));
            case IP_FLAGS_AND_FRAGMENT -> setShort("IPv4 flags and fragment offset", FrameLayout.IP + 6,
                    random.nextBoolean() ? random.nextInt(0x10000) : pick(random, FRAGMENT_FIELDS));
            case TCP_DATA_OFFSET -> setByte("TCP data offset", layout.transport + 12,
                    random.nextInt(16) << 4 | (bytes[layout.transport + 12] & 0x0F));
            case TCP_FLAGS -> setByte("TCP flags", layout.transport + 13, random.nextInt(0x100));
            case IP_SOURCE -> setInt("IPv4 source", FrameLayout.IP + 12, sourceAddress(random));
            case TCP_PORT -> changePort(random);
            case TCP_SEQUENCE -> shiftInt("TCP sequence number", layout.transport + 4, random);
            case TCP_ACKNOWLEDGMENT -> shiftInt("TCP acknowledgment number", layout.transport + 8, random);
            case TCP_WINDOW -> setShort("TCP window", layout.transport + 14, pick(random, SHORT_VALUES));
            case TCP_OPTION_KIND_OR_LENGTH -> mutateOptionKindOrLength(random);
            case TCP_OPTION_REWRITE -> rewriteOption(random);
            case TCP_SACK_EDGE -> shiftSackEdge(random);
            case ICMP_TYPE_AND_CODE -> {
                if (random.nextBoolean()) {
                    setByte("ICMP type", layout.transport, pick(random, ICMP_TYPES));
                } else {
                    setByte("ICMP code", layout.transport + 1, random.nextInt(16));
                }
            }
            case QUOTED_VERSION_AND_IHL -> setVersionAndIhl("quoted IPv4", layout.quote, random);
            case QUOTED_TOTAL_LENGTH -> setShort("quoted IPv4 total length", layout.quote + 2,
                    lengthValue(random, layout.quotedHeaderLength, length - layout.quote));
        }
    }

    /**
     * A spoofed source: another host on the seeds' /24 (which never answers ARP), a host beyond it (no route
     * back without a gateway), the seeds' own addresses next door, or any address at all.
     */
    private static int sourceAddress(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0xC612_0000 | 3 + random.nextInt(250);
            case 1 -> 0xC613_0000 | random.nextInt(0x10000);
            case 2 -> 0xC612_0001 + random.nextInt(3);
            default -> random.nextInt();
        };
    }

    /** A new source port (a new 4-tuple: a SYN flood from one host) or destination port, random or next door. */
    private void changePort(SplittableRandom random) {
        boolean source = random.nextInt(4) != 0;
        int at = layout.transport + (source ? 0 : 2);
        if (at + 2 > length) {
            return;
        }
        int port = random.nextBoolean() ? random.nextInt(0x10000) : frame.getUnsignedShort(at) + random.nextInt(3) - 1;
        setShort(source ? "TCP source port" : "TCP destination port", at, port);
    }

    private void setInt(String field, int at, int value) {
        if (at >= 0 && at + 4 <= length) {
            frame.setInt(at, value);
            log.append(field).append(" = 0x").append(Integer.toHexString(value));
        }
    }

    /** Moves a 32-bit field by a window-edge shift, up or down, give or take one. */
    private void shiftInt(String field, int at, SplittableRandom random) {
        if (at < 0 || at + 4 > length) {
            return;
        }
        int shift = pick(random, SEQUENCE_SHIFTS) + random.nextInt(3) - 1;
        int value = frame.getInt(at) + (random.nextBoolean() ? shift : -shift);
        frame.setInt(at, value);
        log.append(field).append(" = ").append(Integer.toUnsignedString(value));
    }

    private void mutateArpField(SplittableRandom random) {
        int arp = FrameLayout.ARP;
        switch (random.nextInt(5)) {
            case 0:
                setShort("ARP hardware type", arp, random.nextBoolean() ? 1 : pick(random, SHORT_VALUES));
                break;
            case 1:
                setShort("ARP protocol type", arp + 2, random.nextBoolean() ? EthernetFrame.ETHERTYPE_IPV4
                        : pick(random, ETHER_TYPES));
                break;
            case 2:
                setByte("ARP hardware length", arp + 4, pick(random, BYTE_VALUES));
                break;
            case 3:
                setByte("ARP protocol length", arp + 5, pick(random, BYTE_VALUES));
                break;
            default:
                setShort("ARP operation", arp + 6, random.nextInt(5));
                break;
        }
    }

    /** Version 4 with any IHL, or any version with the IHL kept. */
    private void setVersionAndIhl(String header, int at, SplittableRandom random) {
        int current = bytes[at] & 0xFF;
        int value = random.nextInt(4) == 0
                ? random.nextInt(16) << 4 | (current & 0x0F)
                : Ipv4Packet.VERSION << 4 | random.nextInt(16);
        setByte(header + " version and IHL", at, value);
    }

    /** A length field value near the edges the decoders check: the header length, the bytes present, the limits. */
    private static int lengthValue(SplittableRandom random, int headerLength, int present) {
        switch (random.nextInt(6)) {
            case 0:
                return headerLength + random.nextInt(3) - 1;
            case 1:
                return headerLength + 8 + random.nextInt(3) - 1;
            case 2:
                return Math.max(0, present + random.nextInt(3) - 1);
            case 3:
                return random.nextInt(0x10000);
            default:
                return pick(random, SHORT_VALUES);
        }
    }

    /** Finds where each option starts, walking the option space as a receiver would, leniently. */
    private int findOptionStarts() {
        int count = 0;
        int end = layout.tcpOptionsEnd();
        for (int i = layout.tcpOptions(); i < end && count < optionStarts.length; ) {
            int kind = bytes[i] & 0xFF;
            if (kind == 0) {
                break;
            }
            optionStarts[count++] = i;
            if (kind == 1) {
                i++;
                continue;
            }
            int optionLength = i + 1 < end ? bytes[i + 1] & 0xFF : 0;
            if (optionLength < 2) {
                break;
            }
            i += optionLength;
        }
        return count;
    }

    private void mutateOptionKindOrLength(SplittableRandom random) {
        int starts = findOptionStarts();
        int at = starts == 0
                ? layout.tcpOptions() + random.nextInt(layout.tcpOptionsEnd() - layout.tcpOptions())
                : optionStarts[random.nextInt(starts)];
        if (random.nextBoolean() || at + 1 >= layout.tcpOptionsEnd()) {
            setByte("TCP option kind", at, pick(random, OPTION_KINDS));
        } else {
            int spaceLeft = layout.tcpOptionsEnd() - at;
            int value = random.nextInt(3) == 0 ? spaceLeft + random.nextInt(3) - 1 : pick(random, OPTION_LENGTHS);
            setByte("TCP option length", at + 1, value);
        }
    }

    /**
     * Moves one edge of a SACK block (RFC 2018) by a window-edge shift: on live traffic, blocks that reach
     * below SND.UNA or beyond SND.NXT, turn around, or overlap their neighbours. Without a SACK option,
     * another option's bytes are shifted instead.
     */
    private void shiftSackEdge(SplittableRandom random) {
        int starts = findOptionStarts();
        int sack = ABSENT_OPTION;
        for (int i = 0; i < starts && sack == ABSENT_OPTION; i++) {
            if (bytes[optionStarts[i]] == 5) {
                sack = optionStarts[i];
            }
        }
        int end = layout.tcpOptionsEnd();
        if (sack == ABSENT_OPTION || sack + 1 >= end) {
            shiftInt("TCP option bytes", layout.tcpOptions() + random.nextInt(Math.max(1, end - layout.tcpOptions())),
                    random);
            return;
        }
        int edges = Math.max(1, ((bytes[sack + 1] & 0xFF) - 2) / 4);
        shiftInt("SACK block edge", sack + 2 + 4 * random.nextInt(edges), random);
    }

    /** Writes a whole option of a known kind with a plausible or a near-miss length over an existing one. */
    private void rewriteOption(SplittableRandom random) {
        int starts = findOptionStarts();
        int at = starts == 0 ? layout.tcpOptions() : optionStarts[random.nextInt(starts)];
        int kind = pick(random, OPTION_KINDS);
        int optionLength;
        switch (kind) {
            case 5:
                optionLength = 2 + 8 * random.nextInt(6);
                break;
            case 8:
                optionLength = 10;
                break;
            case 2:
                optionLength = 4;
                break;
            case 3:
                optionLength = 3;
                break;
            default:
                optionLength = 2 + random.nextInt(8);
                break;
        }
        if (random.nextInt(4) == 0) {
            optionLength += random.nextBoolean() ? 1 : -1;
        }
        int end = layout.tcpOptionsEnd();
        if (at + 1 >= end) {
            return;
        }
        bytes[at] = (byte) kind;
        bytes[at + 1] = (byte) optionLength;
        for (int i = at + 2; i < Math.min(at + optionLength, end); i++) {
            bytes[i] = (byte) random.nextInt(0x100);
        }
        log.append("write option kind ").append(kind).append(" length ").append(optionLength).append(" at ")
                .append(at);
    }

    private void truncate(SplittableRandom random) {
        int at = Math.min(position(random), length);
        log.append("truncate to ").append(at);
        length = at;
    }

    private void extend(SplittableRandom random) {
        int extra = Math.min(1 + random.nextInt(64), MAX_LENGTH - length);
        boolean zeros = random.nextBoolean();
        for (int i = length; i < length + extra; i++) {
            bytes[i] = zeros ? 0 : (byte) random.nextInt(0x100);
        }
        log.append("append ").append(extra).append(zeros ? " zeros" : " random bytes");
        length += extra;
    }

    private void insert(SplittableRandom random) {
        int at = position(random);
        int count = Math.min(1 + random.nextInt(16), MAX_LENGTH - length);
        System.arraycopy(bytes, at, bytes, at + count, length - at);
        for (int i = at; i < at + count; i++) {
            bytes[i] = (byte) random.nextInt(0x100);
        }
        log.append("insert ").append(count).append(" random bytes at ").append(at);
        length += count;
    }

    private void delete(SplittableRandom random) {
        int at = position(random);
        int count = Math.min(1 + random.nextInt(16), length - at);
        System.arraycopy(bytes, at + count, bytes, at, length - at - count);
        log.append("delete ").append(count).append(" bytes at ").append(at);
        length -= count;
    }

    private void duplicate(SplittableRandom random) {
        if (length == 0) {
            return;
        }
        int from = random.nextInt(length);
        int count = Math.min(Math.min(1 + random.nextInt(chunk.length), length - from), MAX_LENGTH - length);
        int at = position(random);
        System.arraycopy(bytes, from, chunk, 0, count);
        System.arraycopy(bytes, at, bytes, at + count, length - at);
        System.arraycopy(chunk, 0, bytes, at, count);
        log.append("duplicate ").append(count).append(" bytes from ").append(from).append(" at ").append(at);
        length += count;
    }

    /**
     * This frame up to a cut, then another seed from a cut; at the same offset, the other seed's upper
     * layers stack on this frame's lower ones.
     */
    private void splice(SplittableRandom random) {
        SeedFrame other = seeds.get(random.nextInt(seeds.size()));
        byte[] otherBytes = other.bytes();
        int cut = position(random);
        int otherCut = random.nextBoolean() ? Math.min(cut, otherBytes.length) : random.nextInt(otherBytes.length + 1);
        int tail = Math.min(otherBytes.length - otherCut, MAX_LENGTH - cut);
        System.arraycopy(otherBytes, otherCut, bytes, cut, tail);
        log.append("splice '").append(other.name()).append("' from ").append(otherCut).append(" at ").append(cut);
        length = cut + tail;
    }

    /** A position in 0..length: half the time a layer boundary give or take one byte, else anywhere. */
    private int position(SplittableRandom random) {
        if (random.nextBoolean()) {
            int count = layout.boundaries(boundaries);
            int at = boundaries[random.nextInt(count)] + random.nextInt(3) - 1;
            return Math.max(0, Math.min(at, length));
        }
        return random.nextInt(length + 1);
    }

    private void setByte(String field, int at, int value) {
        if (at >= 0 && at < length) {
            frame.setByte(at, value);
            log.append(field).append(" = ").append(value & 0xFF);
        }
    }

    private void setShort(String field, int at, int value) {
        if (at >= 0 && at + 2 <= length) {
            frame.setShort(at, value);
            log.append(field).append(" = ").append(value & 0xFFFF);
        }
    }

    private static int pick(SplittableRandom random, int[] values) {
        return values[random.nextInt(values.length)];
    }

    @Override
    public void close() {
        frame.release();
    }
}
