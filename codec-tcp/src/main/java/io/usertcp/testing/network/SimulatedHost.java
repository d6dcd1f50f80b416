package io.usertcp.testing.network;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.timer.DrivenTimers;

import java.util.ArrayList;
import java.util.List;

/**
 * One stack in a {@link SimulatedNetwork}: an {@link EmbeddedChannel} on the network's mock ticker standing in
 * for the device, whose pipeline holds an {@link ImpairmentHandler} for the frames the host sends (named
 * {@value #IMPAIRMENT}) and then the {@link StackPipeline}. Add the TCP layer (or any test handler) with
 * {@code pipeline().addLast(...)}. Test support.
 */
public final class SimulatedHost {
    /** Name of the egress impairment handler, first in the pipeline. */
    public static final String IMPAIRMENT = "impairment";

    private final String name;
    private final EmbeddedChannel channel;
    private final ImpairmentHandler egress;
    private final StackPipeline stack;
    private final List<DrivenTimers> timers = new ArrayList<>();
    private long unclaimedPackets;

    SimulatedHost(String name, EmbeddedChannel channel, ImpairmentHandler egress, StackPipeline stack) {
        this.name = name;
        this.channel = channel;
        this.egress = egress;
        this.stack = stack;
    }

    public String name() {
        return name;
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public ChannelPipeline pipeline() {
        return channel.pipeline();
    }

    public StackPipeline stack() {
        return stack;
    }

    public StackConfig config() {
        return stack.config();
    }

    /** What the link did to the frames this host sent. */
    public ImpairmentHandler egress() {
        return egress;
    }

    /** Registers timers the network must drive, such as the TCP engine's timing wheel. */
    public void addTimers(DrivenTimers hostTimers) {
        timers.add(hostTimers);
    }

    /** Inbound messages that reached the end of the pipeline unconsumed (no layer took them); released. */
    public long unclaimedPackets() {
        return unclaimedPackets;
    }

    List<DrivenTimers> timers() {
        return timers;
    }

    void countUnclaimed() {
        unclaimedPackets++;
    }

    @Override
    public String toString() {
        return name;
    }
}
