package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * Decides whether the stack may send an ICMP error about a datagram it received, and builds it. Shared by
 * the layers that send errors ({@link IcmpHandler}: protocol unreachable; {@link Ipv4Handler}: reassembly
 * time exceeded) so that one {@link IcmpRateLimiter} bounds them all. One per event loop; the
 * {@link OutboundDatagram} it fills is reused, so write it before asking for the next error.
 */
public final class IcmpErrorReporter {
    /** RFC 792 types the codec names no constant for. */
    static final int TYPE_SOURCE_QUENCH = 4;
    static final int TYPE_REDIRECT = 5;
    static final int TYPE_PARAMETER_PROBLEM = 12;

    private final StackConfig config;
    private final StackCounters counters;
    private final IcmpRateLimiter limiter;
    private final OutboundDatagram datagram = new OutboundDatagram();

    public IcmpErrorReporter(StackConfig config, StackCounters counters, IcmpRateLimiter limiter) {
        this.config = config;
        this.counters = counters;
        this.limiter = limiter;
    }

    /**
     * An error of {@code type} and {@code code} about {@code offending}, quoting its header and as much of its
     * payload as fits in 576 bytes, addressed to its source; or null when no error may be sent.
     *
     * @param linkBroadcast whether the offending datagram arrived in a link-layer broadcast frame
     * @param restOfHeader  the error header's last four bytes (RFC 1191: the next-hop MTU), usually 0
     */
    public OutboundDatagram error(FrameBuffers frameBuffers, Ipv4Packet offending, boolean linkBroadcast, int type,
                                  int code, int restOfHeader, long nowNanos) {
        if (!mayReportOn(offending, linkBroadcast)) {
            return null;
        }
        if (!limiter.tryAcquire(nowNanos)) {
            counters.icmpErrorsRateLimited++;
            return null;
        }
        ByteBuf message = frameBuffers.allocate(IcmpMessageWriter.MAX_QUOTE_LENGTH);
        IcmpMessageWriter.appendQuote(message, offending);
        IcmpMessageWriter.prependError(message, type, code, restOfHeader);
        counters.icmpOut[type]++;
        return datagram.set(message, config.localAddress(), offending.sourceAddress(), Ipv4Packet.PROTOCOL_ICMP, 0,
                false);
    }

    /** RFC 1122 3.2.2: the datagrams an ICMP error MUST NOT be sent about. */
    private boolean mayReportOn(Ipv4Packet offending, boolean linkBroadcast) {
        int destination = offending.destinationAddress();
        int source = offending.sourceAddress();
        if (linkBroadcast || offending.fragmentOffset() != 0 || config.isBroadcast(destination)
                || Ipv4Address.isMulticast(destination)) {
            return false;
        }
        if (Ipv4Address.isThisNetwork(source) || Ipv4Address.isLoopback(source) || Ipv4Address.isMulticast(source)
                || Ipv4Address.isReserved(source) || config.isBroadcast(source)) {
            return false;
        }
        return !(offending.protocol() == Ipv4Packet.PROTOCOL_ICMP && (offending.payloadLength() < 1
                || isError(offending.buffer().getUnsignedByte(offending.payloadOffset()))));
    }

    /** Error types (RFC 792): unreachable, source quench, redirect, time exceeded, parameter problem. */
    private static boolean isError(int type) {
        return type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH
                || type == TYPE_REDIRECT || type == IcmpMessage.TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }
}
