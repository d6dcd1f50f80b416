package io.usertcp.transport;

import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import io.usertcp.neighbour.NeighbourTableConfig;
import io.usertcp.stack.StackConfig;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.network.LinkImpairment;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Everything one stack needs: the TAP device to attach to, the link and IP settings ({@link StackConfig}) and
 * the TCP settings ({@link TcpStackConfig}). Build it in code with {@link #builder}, or from {@code usertcp.*}
 * system properties with {@link #fromSystemProperties()}, which is how an unchanged application gets a stack:
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code usertcp.device}</td><td>TAP device to attach to (created if missing)</td><td>required</td></tr>
 *   <tr><td>{@code usertcp.address}</td><td>IPv4 address and prefix, e.g. {@code 198.18.0.2/24}</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code usertcp.gateway}</td><td>default router on the link</td><td>none</td></tr>
 *   <tr><td>{@code usertcp.mac}</td><td>the stack's MAC</td><td>{@code 02:00} followed by the address</td></tr>
 *   <tr><td>{@code usertcp.mtu}</td><td>link MTU</td><td>1500</td></tr>
 *   <tr><td>{@code usertcp.receiveBuffer}, {@code usertcp.sendBuffer}</td><td>per-connection buffer bytes</td>
 *       <td>262144</td></tr>
 *   <tr><td>{@code usertcp.congestionControl}</td><td>{@code cubic} or {@code newreno}</td><td>cubic</td></tr>
 *   <tr><td>{@code usertcp.nagle}</td><td>Nagle's algorithm (RFC 9293 3.7.4) for connections used through the
 *       engine directly; Netty channels follow {@code TCP_NODELAY}, on by default as in Netty's other
 *       transports</td><td>true</td></tr>
 *   <tr><td>{@code usertcp.maxConnections}, {@code usertcp.maxListeners}, {@code usertcp.synQueue}</td>
 *       <td>limits</td><td>65536, 1024, 256</td></tr>
 *   <tr><td>{@code usertcp.ephemeralPorts}</td><td>range for connects, {@code first-last}</td>
 *       <td>49152-65535</td></tr>
 *   <tr><td>{@code usertcp.keepAliveIdleSeconds}, {@code usertcp.keepAliveIntervalSeconds},
 *       {@code usertcp.keepAliveProbes}</td><td>keep-alive timing (RFC 1122 4.2.3.6)</td><td>7200, 75, 9</td></tr>
 *   <tr><td>{@code usertcp.userTimeoutMillis}</td><td>RFC 5482 user timeout, 0 for none</td><td>0</td></tr>
 *   <tr><td>{@code usertcp.outOfOrderMaxBytes}, {@code usertcp.outOfOrderMaxSegments}</td><td>out-of-order data
 *       one connection holds; beyond it segments are dropped</td><td>the receive buffer, 256</td></tr>
 *   <tr><td>{@code usertcp.finWait2TimeoutMillis}</td><td>how long a connection the application closed waits
 *       in FIN-WAIT-2 for the peer's FIN</td><td>60000</td></tr>
 *   <tr><td>{@code usertcp.challengeAcksPerSecond}</td><td>challenge and out-of-window ACKs per connection
 *       per second (RFC 5961 10); the rest are suppressed</td><td>10</td></tr>
 *   <tr><td>{@code usertcp.minSendMss}</td><td>send MSS floor, whatever the peer announces</td><td>536</td></tr>
 *   <tr><td>{@code usertcp.synCookies}</td><td>answer SYNs with stateless SYN cookies (RFC 4987) once a
 *       listener's SYN queue or the half-open limit is full; {@code false} drops them instead</td>
 *       <td>true</td></tr>
 *   <tr><td>{@code usertcp.maxHalfOpen}</td><td>handshakes in SYN-RECEIVED across all listeners</td>
 *       <td>4096</td></tr>
 *   <tr><td>{@code usertcp.maxTimeWaitConnections}</td><td>connections in TIME-WAIT; beyond it, or when the
 *       connection table is full, the oldest is reclaimed early</td><td>16384</td></tr>
 *   <tr><td>{@code usertcp.maxOrphanConnections}</td><td>connections the application closed that are still
 *       closing; beyond it the oldest is reset</td><td>16384</td></tr>
 *   <tr><td>{@code usertcp.neighbourCapacity}</td><td>ARP cache entries; a new one evicts the least recently
 *       used resolved entry</td><td>1024</td></tr>
 *   <tr><td>{@code usertcp.neighbourQueuedFramesPerEntry}, {@code usertcp.neighbourQueuedFramesTotal}</td>
 *       <td>frames waiting for ARP resolution, per address and in all; the oldest gives way</td>
 *       <td>3, 256</td></tr>
 *   <tr><td>{@code usertcp.reassemblyMemoryBytes}</td><td>buffer bytes fragments in reassembly may hold; the
 *       oldest datagrams are evicted beyond it</td><td>4194304</td></tr>
 *   <tr><td>{@code usertcp.reassemblyDatagrams}</td><td>datagrams in reassembly at once</td><td>1024</td></tr>
 *   <tr><td>{@code usertcp.reassemblyFragmentsPerDatagram}</td><td>fragments one datagram may have</td>
 *       <td>64</td></tr>
 *   <tr><td>{@code usertcp.reassemblyTimeoutMillis}</td><td>time a datagram has to complete after its first
 *       fragment arrives</td><td>30000</td></tr>
 *   <tr><td>{@code usertcp.icmpErrorsPerSecond}, {@code usertcp.icmpErrorBurst}</td><td>token bucket for the
 *       ICMP errors the stack sends (RFC 1812 4.3.2.8); the rest are not sent</td><td>1000, 50</td></tr>
 *   <tr><td>{@code usertcp.impairment}</td><td>testing aid, like netem: seeded delay, jitter, reordering,
 *       duplication, corruption, loss and rate for the frames between the device and the stack, e.g.
 *       {@code seed=42,delay=2ms,jitter=1ms,reorder=2%,duplicate=1%,in.corrupt=0.5%} (grammar in
 *       {@link LinkImpairment}); never for production traffic</td><td>none</td></tr>
 * </table>
 *
 * An unknown {@code usertcp.*} property is an error, so a misspelt setting cannot pass unnoticed.
 */
public final class UserTcpConfig {
    public static final String PROPERTY_PREFIX = "usertcp.";
    static final String DEVICE = "usertcp.device";
    static final String ADDRESS = "usertcp.address";
    private static final String NEIGHBOUR_CAPACITY = "usertcp.neighbourCapacity";
    private static final String NEIGHBOUR_QUEUED_PER_ENTRY = "usertcp.neighbourQueuedFramesPerEntry";
    private static final String NEIGHBOUR_QUEUED_TOTAL = "usertcp.neighbourQueuedFramesTotal";
    private static final String REASSEMBLY_MEMORY = "usertcp.reassemblyMemoryBytes";
    private static final String REASSEMBLY_DATAGRAMS = "usertcp.reassemblyDatagrams";
    private static final String REASSEMBLY_FRAGMENTS = "usertcp.reassemblyFragmentsPerDatagram";
    private static final String REASSEMBLY_TIMEOUT = "usertcp.reassemblyTimeoutMillis";
    private static final String ICMP_ERRORS_PER_SECOND = "usertcp.icmpErrorsPerSecond";
    private static final String ICMP_ERROR_BURST = "usertcp.icmpErrorBurst";

    private static final Set<String> KNOWN = Set.of(DEVICE, ADDRESS, "usertcp.gateway", "usertcp.mac",
            "usertcp.mtu", "usertcp.receiveBuffer", "usertcp.sendBuffer", "usertcp.congestionControl",
            "usertcp.nagle", "usertcp.maxConnections", "usertcp.maxListeners", "usertcp.synQueue",
            "usertcp.ephemeralPorts", "usertcp.keepAliveIdleSeconds", "usertcp.keepAliveIntervalSeconds",
            "usertcp.keepAliveProbes", "usertcp.userTimeoutMillis", "usertcp.impairment",
            "usertcp.outOfOrderMaxBytes", "usertcp.outOfOrderMaxSegments", "usertcp.finWait2TimeoutMillis",
            "usertcp.challengeAcksPerSecond", "usertcp.minSendMss", "usertcp.maxTimeWaitConnections",
            "usertcp.maxOrphanConnections", "usertcp.synCookies", "usertcp.maxHalfOpen", NEIGHBOUR_CAPACITY,
            NEIGHBOUR_QUEUED_PER_ENTRY, NEIGHBOUR_QUEUED_TOTAL, REASSEMBLY_MEMORY, REASSEMBLY_DATAGRAMS,
            REASSEMBLY_FRAGMENTS, REASSEMBLY_TIMEOUT, ICMP_ERRORS_PER_SECOND, ICMP_ERROR_BURST);

    private final String deviceName;
    private final StackConfig stack;
    private final TcpStackConfig tcp;
    private final LinkImpairment impairment;

    private UserTcpConfig(String deviceName, StackConfig stack, TcpStackConfig tcp, LinkImpairment impairment) {
        this.deviceName = deviceName;
        this.stack = stack;
        this.tcp = tcp;
        this.impairment = impairment;
    }

    /**
     * A configuration for {@code deviceName} with the given link and TCP settings.
     *
     * @throws IllegalArgumentException if the TCP MTU exceeds the link's
     */
    public static UserTcpConfig of(String deviceName, StackConfig stack, TcpStackConfig tcp) {
        return of(deviceName, stack, tcp, LinkImpairment.NONE);
    }

    /** As {@link #of(String, StackConfig, TcpStackConfig)}, with the link impaired for tests. */
    public static UserTcpConfig of(String deviceName, StackConfig stack, TcpStackConfig tcp,
                                   LinkImpairment impairment) {
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(impairment, "impairment");
        if (tcp.mtu() > stack.mtu()) {
            throw new IllegalArgumentException("TCP MTU " + tcp.mtu() + " exceeds the link MTU " + stack.mtu());
        }
        return new UserTcpConfig(deviceName, stack, tcp, impairment);
    }

    /** Whether the system properties name a stack ({@value #DEVICE} or {@value #ADDRESS} is set). */
    public static boolean isConfiguredBySystemProperties() {
        return System.getProperty(DEVICE) != null || System.getProperty(ADDRESS) != null;
    }

    /** The configuration the {@code usertcp.*} system properties describe (see the class comment). */
    public static UserTcpConfig fromSystemProperties() {
        return fromProperties(System.getProperties());
    }

    /**
     * The configuration {@code properties} describe; keys are as in the class comment.
     *
     * @throws IllegalArgumentException naming the property that is missing, unknown or malformed
     */
    public static UserTcpConfig fromProperties(Properties properties) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<Object, Object> entry : properties.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.startsWith(PROPERTY_PREFIX) && !KNOWN.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown usertcp properties " + unknown + "; known ones: "
                    + new TreeSet<>(KNOWN));
        }
        PropertyReader reader = new PropertyReader(properties);
        String device = reader.required(DEVICE);
        String address = reader.required(ADDRESS);
        Builder builder = builder(device, address);
        reader.ifPresent("usertcp.gateway", value -> builder.gateway(Ipv4Address.parse(value)));
        reader.ifPresent("usertcp.mac", value -> builder.mac(MacAddress.parse(value)));
        reader.ifPresent("usertcp.mtu", value -> builder.mtu(Integer.parseInt(value)));
        reader.ifPresent("usertcp.receiveBuffer", value -> builder.tcp().receiveBufferBytes(Integer.parseInt(value)));
        reader.ifPresent("usertcp.sendBuffer", value -> builder.tcp().sendBufferBytes(Integer.parseInt(value)));
        reader.ifPresent("usertcp.congestionControl", value -> builder.tcp().congestionControl(value));
        reader.ifPresent("usertcp.nagle", value -> builder.tcp().nagle(parseBoolean(value)));
        reader.ifPresent("usertcp.maxConnections", value -> builder.tcp().maxConnections(Integer.parseInt(value)));
        reader.ifPresent("usertcp.maxListeners", value -> builder.tcp().maxListeners(Integer.parseInt(value)));
        reader.ifPresent("usertcp.synQueue", value -> builder.tcp().synQueueLimit(Integer.parseInt(value)));
        reader.ifPresent("usertcp.ephemeralPorts", value -> {
            String[] range = value.split("-", 2);
            if (range.length != 2) {
                throw new IllegalArgumentException("expected first-last");
            }
            builder.tcp().ephemeralPorts(Integer.parseInt(range[0].strip()), Integer.parseInt(range[1].strip()));
        });
        String idle = properties.getProperty("usertcp.keepAliveIdleSeconds");
        String interval = properties.getProperty("usertcp.keepAliveIntervalSeconds");
        String probes = properties.getProperty("usertcp.keepAliveProbes");
        if (idle != null || interval != null || probes != null) {
            reader.parse("usertcp.keepAlive*", () -> builder.tcp().keepAliveTiming(
                    TimeUnit.SECONDS.toNanos(idle == null ? 7200 : Long.parseLong(idle)),
                    TimeUnit.SECONDS.toNanos(interval == null ? 75 : Long.parseLong(interval)),
                    probes == null ? 9 : Integer.parseInt(probes)));
        }
        reader.ifPresent("usertcp.userTimeoutMillis",
                value -> builder.tcp().userTimeoutNanos(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value))));
        reader.ifPresent("usertcp.outOfOrderMaxBytes",
                value -> builder.tcp().outOfOrderMaxBytes(Integer.parseInt(value)));
        reader.ifPresent("usertcp.outOfOrderMaxSegments",
                value -> builder.tcp().outOfOrderMaxSegments(Integer.parseInt(value)));
        reader.ifPresent("usertcp.finWait2TimeoutMillis",
                value -> builder.tcp().finWait2TimeoutNanos(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value))));
        reader.ifPresent("usertcp.challengeAcksPerSecond",
                value -> builder.tcp().challengeAcksPerSecond(Integer.parseInt(value)));
        reader.ifPresent("usertcp.minSendMss", value -> builder.tcp().minSendMss(Integer.parseInt(value)));
        reader.ifPresent("usertcp.synCookies", value -> builder.tcp().synCookies(parseBoolean(value)));
        reader.ifPresent("usertcp.maxHalfOpen",
                value -> builder.tcp().maxHalfOpenConnections(Integer.parseInt(value)));
        reader.ifPresent("usertcp.maxTimeWaitConnections",
                value -> builder.tcp().maxTimeWaitConnections(Integer.parseInt(value)));
        reader.ifPresent("usertcp.maxOrphanConnections",
                value -> builder.tcp().maxOrphanConnections(Integer.parseInt(value)));
        reader.ifPresent("usertcp.impairment", value -> builder.impairment(LinkImpairment.parse(value)));
        builder.neighbours(neighbourLimits(reader));
        builder.reassembly(reassemblyLimits(reader));
        String errorsPerSecond = properties.getProperty(ICMP_ERRORS_PER_SECOND);
        String errorBurst = properties.getProperty(ICMP_ERROR_BURST);
        if (errorsPerSecond != null || errorBurst != null) {
            reader.parse("usertcp.icmpError*", () -> builder.icmpErrorRateLimit(
                    errorsPerSecond == null ? StackConfig.DEFAULT_ICMP_ERRORS_PER_SECOND
                            : Integer.parseInt(errorsPerSecond.strip()),
                    errorBurst == null ? StackConfig.DEFAULT_ICMP_ERROR_BURST : Integer.parseInt(errorBurst.strip())));
        }
        return builder.build();
    }

    private static NeighbourTableConfig neighbourLimits(PropertyReader reader) {
        NeighbourTableConfig neighbours = NeighbourTableConfig.DEFAULT;
        neighbours = reader.change(NEIGHBOUR_CAPACITY, neighbours,
                (config, value) -> config.withCapacity(Integer.parseInt(value)));
        neighbours = reader.change(NEIGHBOUR_QUEUED_PER_ENTRY, neighbours,
                (config, value) -> config.withQueuedFrames(Integer.parseInt(value), config.queuedFramesTotal()));
        return reader.change(NEIGHBOUR_QUEUED_TOTAL, neighbours,
                (config, value) -> config.withQueuedFrames(config.queuedFramesPerEntry(), Integer.parseInt(value)));
    }

    private static FragmentReassemblerConfig reassemblyLimits(PropertyReader reader) {
        FragmentReassemblerConfig reassembly = FragmentReassemblerConfig.DEFAULT;
        reassembly = reader.change(REASSEMBLY_MEMORY, reassembly,
                (config, value) -> config.withMaxMemoryBytes(Long.parseLong(value)));
        reassembly = reader.change(REASSEMBLY_DATAGRAMS, reassembly,
                (config, value) -> config.withMaxDatagrams(Integer.parseInt(value)));
        reassembly = reader.change(REASSEMBLY_FRAGMENTS, reassembly,
                (config, value) -> config.withMaxFragmentsPerDatagram(Integer.parseInt(value)));
        return reader.change(REASSEMBLY_TIMEOUT, reassembly,
                (config, value) -> config.withTimeout(Long.parseLong(value), TimeUnit.MILLISECONDS));
    }

    private static boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("expected true or false");
    }

    /**
     * A builder for {@code deviceName} ("" lets the kernel name a new device) at {@code addressAndPrefix},
     * e.g. {@code "198.18.0.2/24"}; the MAC defaults to the locally administered {@code 02:00:a:b:c:d} for
     * address a.b.c.d.
     */
    public static Builder builder(String deviceName, String addressAndPrefix) {
        Objects.requireNonNull(deviceName, "deviceName");
        int slash = addressAndPrefix.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected address/prefix, e.g. 198.18.0.2/24: " + addressAndPrefix);
        }
        int address = Ipv4Address.parse(addressAndPrefix.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(addressAndPrefix.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + addressAndPrefix, e);
        }
        return new Builder(deviceName, address, prefix);
    }

    /** The locally administered MAC {@code 02:00} followed by the four bytes of {@code address}. */
    public static long macFor(int address) {
        return 0x0200_0000_0000L | (address & 0xFFFF_FFFFL);
    }

    public String deviceName() {
        return deviceName;
    }

    /** The link, ARP, IPv4 and ICMP settings. */
    public StackConfig stack() {
        return stack;
    }

    public TcpStackConfig tcp() {
        return tcp;
    }

    /** What the link does to frames on their way between the device and the stack; none unless testing. */
    public LinkImpairment impairment() {
        return impairment;
    }

    @Override
    public String toString() {
        return "UserTcpConfig{device " + (deviceName.isEmpty() ? "(kernel-named)" : deviceName) + ", "
                + Ipv4Address.format(stack.localAddress()) + '/' + stack.prefixLength() + ", mac "
                + MacAddress.format(stack.mac()) + ", mtu " + stack.mtu() + ", " + tcp
                + (impairment.isNone() ? "" : ", impaired " + impairment) + '}';
    }

    /** Collects the settings; the link MTU also sets the TCP MTU unless that was set on {@link #tcp()}. */
    public static final class Builder {
        private final String deviceName;
        private final int address;
        private final int prefixLength;
        private final TcpStackConfig.Builder tcp = TcpStackConfig.builder();
        private long mac;
        private int gateway = Ipv4Address.UNSPECIFIED;
        private int mtu = StackConfig.DEFAULT_MTU;
        private NeighbourTableConfig neighbours = NeighbourTableConfig.DEFAULT;
        private FragmentReassemblerConfig reassembly = FragmentReassemblerConfig.DEFAULT;
        private int icmpErrorsPerSecond = StackConfig.DEFAULT_ICMP_ERRORS_PER_SECOND;
        private int icmpErrorBurst = StackConfig.DEFAULT_ICMP_ERROR_BURST;
        private LinkImpairment impairment = LinkImpairment.NONE;

        private Builder(String deviceName, int address, int prefixLength) {
            this.deviceName = deviceName;
            this.address = address;
            this.prefixLength = prefixLength;
            this.mac = macFor(address);
        }

        public Builder gateway(int gateway) {
            this.gateway = gateway;
            return this;
        }

        public Builder mac(long mac) {
            this.mac = mac;
            return this;
        }

        /** The link MTU, for IPv4 and TCP alike. */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            tcp.mtu(mtu);
            return this;
        }

        /** ARP cache size, frames waiting on resolution and timers; {@link NeighbourTableConfig#DEFAULT} by default. */
        public Builder neighbours(NeighbourTableConfig neighbours) {
            this.neighbours = Objects.requireNonNull(neighbours, "neighbours");
            return this;
        }

        /**
         * IPv4 reassembly memory, datagram and fragment caps and timeout; {@link FragmentReassemblerConfig#DEFAULT}
         * by default.
         */
        public Builder reassembly(FragmentReassemblerConfig reassembly) {
            this.reassembly = Objects.requireNonNull(reassembly, "reassembly");
            return this;
        }

        /** Token bucket for the ICMP errors the stack sends: refill per second and size. */
        public Builder icmpErrorRateLimit(int perSecond, int burst) {
            this.icmpErrorsPerSecond = perSecond;
            this.icmpErrorBurst = burst;
            return this;
        }

        /** Testing aid: impairs the link as netem would (see {@link LinkImpairment}); none by default. */
        public Builder impairment(LinkImpairment linkImpairment) {
            this.impairment = Objects.requireNonNull(linkImpairment, "linkImpairment");
            return this;
        }

        /** The TCP settings being built, for buffers, congestion control, limits and timers. */
        public TcpStackConfig.Builder tcp() {
            return tcp;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public UserTcpConfig build() {
            StackConfig stack = StackConfig.builder(address, prefixLength, mac).gateway(gateway).mtu(mtu)
                    .neighbours(neighbours).reassembly(reassembly)
                    .icmpErrorRateLimit(icmpErrorsPerSecond, icmpErrorBurst).build();
            return of(deviceName, stack, tcp.build(), impairment);
        }
    }

    /** Reads properties, naming the property in the error when a value is malformed. */
    private static final class PropertyReader {
        private final Properties properties;

        PropertyReader(Properties properties) {
            this.properties = properties;
        }

        String required(String key) {
            String value = properties.getProperty(key);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("system property " + key + " is required for a usertcp stack"
                        + " (e.g. -Dusertcp.device=tap0 -Dusertcp.address=198.18.0.2/24)");
            }
            return value.strip();
        }

        void ifPresent(String key, Consumer<String> apply) {
            String value = properties.getProperty(key);
            if (value != null) {
                parse(key + "=" + value, () -> apply.accept(value.strip()));
            }
        }

        /** {@code config} changed by {@code change} applied to the property's value, or as it is when unset. */
        <T> T change(String key, T config, BiFunction<T, String, T> change) {
            String value = properties.getProperty(key);
            if (value == null) {
                return config;
            }
            try {
                return change.apply(config, value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad usertcp property " + key + "=" + value + ": " + e.getMessage(),
                        e);
            }
        }

        void parse(String what, Runnable apply) {
            try {
                apply.run();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad usertcp property " + what + ": " + e.getMessage(), e);
            }
        }
    }
}
