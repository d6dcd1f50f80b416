package io.usertcp.stack;

import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import io.usertcp.neighbour.NeighbourTableConfig;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the link, ARP, IPv4 and ICMP layers of one stack need to know: its address, link and limits. TCP
 * has its own configuration. Immutable and validated on construction; build with
 * {@code StackConfig.builder(Ipv4Address.parse("198.18.0.1"), 24, MacAddress.parse("02:00:00:00:00:01"))}.
 *
 * @param localAddress          our IPv4 address, a unicast address
 * @param prefixLength          on-link prefix length (0..32): addresses sharing it are reached directly
 * @param gateway               the default router, on-link, or {@link Ipv4Address#UNSPECIFIED} for none
 *                              (then off-link destinations are unreachable)
 * @param mac                   our Ethernet address, unicast
 * @param mtu                   largest IPv4 datagram on the link, 68 (RFC 791 3.2) to 65,535; default 1,500
 * @param ttl                   TTL of datagrams we send, 1..255; default 64 (RFC 1700, Linux)
 * @param neighbours            ARP cache limits and timers; default {@link NeighbourTableConfig#DEFAULT}
 * @param reassembly            fragment reassembly limits; default {@link FragmentReassemblerConfig#DEFAULT}
 * @param icmpErrorsPerSecond   ICMP errors we may send per second, steady state (token bucket refill);
 *                              default 1,000 (Linux icmp_msgs_per_sec)
 * @param icmpErrorBurst        ICMP errors we may send back to back (token bucket size); default 50
 *                              (Linux icmp_msgs_burst)
 * @param housekeepingNanos     period of the neighbour and reassembly timers; default 100 ms, which keeps
 *                              ARP retries within 10% of their 1 s interval
 */
public record StackConfig(int localAddress, int prefixLength, int gateway, long mac, int mtu, int ttl,
                          NeighbourTableConfig neighbours, FragmentReassemblerConfig reassembly,
                          int icmpErrorsPerSecond, int icmpErrorBurst, long housekeepingNanos) {
    public static final int DEFAULT_MTU = 1500;
    /** RFC 791 3.2: every internet module must be able to forward a datagram of 68 octets. */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 0xFFFF;
    public static final int DEFAULT_ICMP_ERRORS_PER_SECOND = 1000;
    public static final int DEFAULT_ICMP_ERROR_BURST = 50;
    public static final long DEFAULT_HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    public StackConfig {
        if (!isUnicast(localAddress)) {
            throw new IllegalArgumentException("localAddress must be a unicast address, got "
                    + Ipv4Address.format(localAddress));
        }
        Ipv4Address.netmask(prefixLength);
        if (gateway != Ipv4Address.UNSPECIFIED && (!isUnicast(gateway) || gateway == localAddress
                || !Ipv4Address.isInSubnet(gateway, localAddress, prefixLength))) {
            throw new IllegalArgumentException("gateway must be another unicast address on "
                    + Ipv4Address.format(localAddress) + "/" + prefixLength + ", got " + Ipv4Address.format(gateway));
        }
        if ((mac & ~MacAddress.BROADCAST) != 0 || mac == 0 || MacAddress.isMulticast(mac)) {
            throw new IllegalArgumentException("mac must be a 48-bit unicast address, got 0x" + Long.toHexString(mac));
        }
        requireRange("mtu", mtu, MIN_MTU, MAX_MTU);
        requireRange("ttl", ttl, 1, 255);
        Objects.requireNonNull(neighbours, "neighbours");
        Objects.requireNonNull(reassembly, "reassembly");
        requireRange("icmpErrorsPerSecond", icmpErrorsPerSecond, 0, Integer.MAX_VALUE);
        requireRange("icmpErrorBurst", icmpErrorBurst, 1, Integer.MAX_VALUE);
        if (housekeepingNanos <= 0) {
            throw new IllegalArgumentException("housekeepingNanos must be positive, got " + housekeepingNanos);
        }
    }

    /** A builder with every other setting at its default. */
    public static Builder builder(int localAddress, int prefixLength, long mac) {
        return new Builder(localAddress, prefixLength, mac);
    }

    /** True when {@code address} is on our link (same prefix), so it is its own next hop. */
    public boolean isOnLink(int address) {
        return Ipv4Address.isInSubnet(address, localAddress, prefixLength);
    }

    /** 255.255.255.255 or our subnet's broadcast address (RFC 1122 3.3.6). */
    public boolean isBroadcast(int address) {
        return Ipv4Address.isLimitedBroadcast(address)
                || Ipv4Address.isSubnetBroadcast(address, localAddress, prefixLength);
    }

    /** RFC 1122 3.2.1.3: addresses that may never name a single host. */
    private static boolean isUnicast(int address) {
        return !(Ipv4Address.isThisNetwork(address) || Ipv4Address.isLoopback(address)
                || Ipv4Address.isMulticast(address) || Ipv4Address.isReserved(address)
                || Ipv4Address.isLimitedBroadcast(address));
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
        }
    }

    /** Collects the settings of a {@link StackConfig}; {@link #build()} validates them. */
    public static final class Builder {
        private final int localAddress;
        private final int prefixLength;
        private final long mac;
        private int gateway = Ipv4Address.UNSPECIFIED;
        private int mtu = DEFAULT_MTU;
        private int ttl = Ipv4HeaderWriter.DEFAULT_TTL;
        private NeighbourTableConfig neighbours = NeighbourTableConfig.DEFAULT;
        private FragmentReassemblerConfig reassembly = FragmentReassemblerConfig.DEFAULT;
        private int icmpErrorsPerSecond = DEFAULT_ICMP_ERRORS_PER_SECOND;
        private int icmpErrorBurst = DEFAULT_ICMP_ERROR_BURST;
        private long housekeepingNanos = DEFAULT_HOUSEKEEPING_NANOS;

        private Builder(int localAddress, int prefixLength, long mac) {
            this.localAddress = localAddress;
            this.prefixLength = prefixLength;
            this.mac = mac;
        }

        public Builder gateway(int gateway) {
            this.gateway = gateway;
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder neighbours(NeighbourTableConfig neighbours) {
            this.neighbours = neighbours;
            return this;
        }

        public Builder reassembly(FragmentReassemblerConfig reassembly) {
            this.reassembly = reassembly;
            return this;
        }

        /** Token bucket for the ICMP errors we send: refill rate and size. */
        public Builder icmpErrorRateLimit(int perSecond, int burst) {
            this.icmpErrorsPerSecond = perSecond;
            this.icmpErrorBurst = burst;
            return this;
        }

        public Builder housekeepingInterval(long interval, TimeUnit unit) {
            this.housekeepingNanos = unit.toNanos(interval);
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public StackConfig build() {
            return new StackConfig(localAddress, prefixLength, gateway, mac, mtu, ttl, neighbours, reassembly,
                    icmpErrorsPerSecond, icmpErrorBurst, housekeepingNanos);
        }
    }
}
