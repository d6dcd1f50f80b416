package io.usertcp.stack;

import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Ticker;
import io.usertcp.neighbour.NeighbourTable;

/**
 * The layers below TCP on a device channel's pipeline, in order: {@value #ETHERNET}, {@value #ARP},
 * {@value #IPV4}, {@value #ICMP}. The TCP layer adds its handlers after {@value #ICMP} ("tcp-demux",
 * "tcp-state", "tcp-retransmission", "tcp-congestion"), where {@link InboundPacket}s carrying TCP segments and
 * {@link IcmpErrorEvent}s arrive, and writes {@link OutboundDatagram}s toward {@value #IPV4}. The device
 * delivers and accepts {@code ByteBuf} frames whose readable bytes start at the Ethernet header.
 *
 * <p>One instance per device channel, hence per event loop: it owns the handlers, the {@link StackCounters}
 * they share, and through the {@link EthernetHandler} the ARP cache. Every handler takes time from the
 * {@link Ticker} given here, which must be the event loop's (a mock ticker in simulations).
 */
public final class StackPipeline {
    public static final String ETHERNET = "ethernet";
    public static final String ARP = "arp";
    public static final String IPV4 = "ipv4";
    public static final String ICMP = "icmp";

    private final StackConfig config;
    private final StackCounters counters = new StackCounters();
    private final EthernetHandler ethernet;
    private final ArpHandler arp;
    private final Ipv4Handler ipv4;
    private final IcmpHandler icmp;

    private StackPipeline(StackConfig config, Ticker ticker) {
        this.config = config;
        IcmpErrorReporter errors = new IcmpErrorReporter(config, counters,
                new IcmpRateLimiter(config.icmpErrorsPerSecond(), config.icmpErrorBurst(), ticker.nanoTime()));
        ethernet = new EthernetHandler(config, ticker, counters);
        arp = new ArpHandler(config, ticker, counters, ethernet.neighbours());
        ipv4 = new Ipv4Handler(config, ticker, counters, errors);
        icmp = new IcmpHandler(config, ticker, counters, errors);
    }

    /**
     * Adds the four handlers at the end of {@code pipeline} (after the device's own handlers, such as a pcap
     * capture) and returns the stack that owns them.
     */
    public static StackPipeline install(ChannelPipeline pipeline, StackConfig config, Ticker ticker) {
        StackPipeline stack = new StackPipeline(config, ticker);
        pipeline.addLast(ETHERNET, stack.ethernet);
        pipeline.addLast(ARP, stack.arp);
        pipeline.addLast(IPV4, stack.ipv4);
        pipeline.addLast(ICMP, stack.icmp);
        return stack;
    }

    public StackConfig config() {
        return config;
    }

    public StackCounters counters() {
        return counters;
    }

    public NeighbourTable neighbours() {
        return ethernet.neighbours();
    }

    public EthernetHandler ethernet() {
        return ethernet;
    }

    public Ipv4Handler ipv4() {
        return ipv4;
    }

    public IcmpHandler icmp() {
        return icmp;
    }
}
