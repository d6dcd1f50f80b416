package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;

/**
 * The ICMP layer, {@value StackPipeline#ICMP} in the stack pipeline (RFC 792, RFC 1122 3.2.2). TCP segments
 * pass through untouched to the TCP layer after it.
 *
 * <ul>
 *   <li>Echo request to our address: answered with the same identifier, sequence number and data (RFC 1122
 *       3.2.2.6), from the address it was sent to, with its TOS. Requests to a broadcast address are ignored,
 *       as Linux does by default (RFC 1122 3.2.2.6 allows it).</li>
 *   <li>Destination unreachable and time exceeded quoting a TCP segment we sent: an {@link IcmpErrorEvent}
 *       fired toward the TCP layer, which applies RFC 5927 and RFC 1122 4.2.3.9. Errors quoting anything else
 *       are dropped as {@link DropReason#ICMP_QUOTE_NOT_OURS}.</li>
 *   <li>Echo reply: an {@link IcmpEchoReplyEvent} fired toward later handlers, for {@link #sendEchoRequest}.</li>
 *   <li>Every other type is dropped as {@link DropReason#ICMP_IGNORED_TYPE}: source quench (RFC 6633: hosts
 *       MUST ignore it), redirect (the stack has one gateway and does not learn routes), timestamp and the
 *       obsolete information messages.</li>
 *   <li>Datagrams of a protocol the stack does not speak: dropped as {@link DropReason#UNSUPPORTED_PROTOCOL}
 *       and answered with protocol unreachable (RFC 1122 3.2.2.1), rate-limited.</li>
 * </ul>
 *
 * Echo replies and errors are written toward the network layer and leave at the end of the read batch.
 * Owned by one event loop; not sharable.
 */
public final class IcmpHandler extends ChannelInboundHandlerAdapter {
    private final StackConfig config;
    private final Ticker ticker;
    private final StackCounters counters;
    private final IcmpErrorReporter errors;
    private final IcmpMessage icmp = new IcmpMessage();
    private final OutboundDatagram outbound = new OutboundDatagram();
    private final IcmpErrorEvent errorEvent = new IcmpErrorEvent();
    private final IcmpEchoReplyEvent echoReply = new IcmpEchoReplyEvent();
    private ChannelHandlerContext ctx;
    private FrameBuffers frameBuffers;

    public IcmpHandler(StackConfig config, Ticker ticker, StackCounters counters, IcmpErrorReporter errors) {
        this.config = config;
        this.ticker = ticker;
        this.counters = counters;
        this.errors = errors;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        frameBuffers = new FrameBuffers(ctx.alloc());
    }

    /**
     * Sends an echo request carrying a copy of {@code data}'s readable bytes (the caller keeps {@code data}) and
     * flushes it. Call on the channel's event loop, once the handler is in a pipeline; replies arrive as
     * {@link IcmpEchoReplyEvent}s. Large requests are fragmented by the network layer.
     */
    public void sendEchoRequest(int destination, int identifier, int sequenceNumber, ByteBuf data) {
        ByteBuf message = frameBuffers.allocate(data.readableBytes());
        message.writeBytes(data, data.readerIndex(), data.readableBytes());
        IcmpMessageWriter.prependEcho(message, IcmpMessage.TYPE_ECHO_REQUEST, identifier, sequenceNumber);
        counters.icmpOut[IcmpMessage.TYPE_ECHO_REQUEST]++;
        ctx.write(outbound.set(message, config.localAddress(), destination, Ipv4Packet.PROTOCOL_ICMP, 0, false),
                ctx.voidPromise());
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundPacket) || ((InboundPacket) msg).protocol() == Ipv4Packet.PROTOCOL_TCP) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundPacket packet = (InboundPacket) msg;
        if (packet.protocol() == Ipv4Packet.PROTOCOL_ICMP) {
            receive(ctx, packet);
        } else {
            refuseProtocol(ctx, packet);
        }
    }

    private void receive(ChannelHandlerContext ctx, InboundPacket packet) {
        DropReason reason = icmp.wrap(packet.transportBuffer(), packet.transportOffset(), packet.transportLength());
        if (reason != null) {
            drop(packet, reason);
            return;
        }
        int type = icmp.type();
        counters.icmpIn[type]++;
        switch (type) {
            case IcmpMessage.TYPE_ECHO_REQUEST:
                if (packet.destinationAddress() != config.localAddress()) {
                    drop(packet, DropReason.ICMP_BROADCAST_ECHO);
                    return;
                }
                reply(ctx, packet);
                break;
            case IcmpMessage.TYPE_ECHO_REPLY:
                ctx.fireUserEventTriggered(echoReply.set(packet.sourceAddress(), icmp.identifier(),
                        icmp.sequenceNumber(), icmp.buffer(), icmp.payloadOffset(), icmp.payloadLength()));
                break;
            case IcmpMessage.TYPE_DESTINATION_UNREACHABLE:
            case IcmpMessage.TYPE_TIME_EXCEEDED:
                if (!reportToTcp(ctx, packet)) {
                    drop(packet, DropReason.ICMP_QUOTE_NOT_OURS);
                    return;
                }
                break;
            default:
                drop(packet, DropReason.ICMP_IGNORED_TYPE);
                return;
        }
        packet.release();
    }

    /** RFC 1122 3.2.2.6: the reply carries the request's identifier, sequence number and data unchanged. */
    private void reply(ChannelHandlerContext ctx, InboundPacket packet) {
        int dataLength = icmp.payloadLength();
        ByteBuf message = frameBuffers.allocate(dataLength);
        message.writeBytes(icmp.buffer(), icmp.payloadOffset(), dataLength);
        IcmpMessageWriter.prependEcho(message, IcmpMessage.TYPE_ECHO_REPLY, icmp.identifier(), icmp.sequenceNumber());
        counters.icmpOut[IcmpMessage.TYPE_ECHO_REPLY]++;
        ctx.write(outbound.set(message, packet.destinationAddress(), packet.sourceAddress(), Ipv4Packet.PROTOCOL_ICMP,
                packet.ipv4().typeOfService(), false), ctx.voidPromise());
    }

    /**
     * RFC 5927 4 and RFC 1122 3.2.2: an error is only worth passing on when its quote holds the first 8 bytes
     * of a TCP segment we sent, from which the connection and the segment's sequence number are read.
     */
    private boolean reportToTcp(ChannelHandlerContext ctx, InboundPacket packet) {
        Ipv4Packet quote = icmp.quotedDatagram();
        if (quote.protocol() != Ipv4Packet.PROTOCOL_TCP || quote.sourceAddress() != config.localAddress()
                || quote.fragmentOffset() != 0) {
            return false;
        }
        ByteBuf buf = quote.buffer();
        int tcp = quote.payloadOffset();
        ctx.fireUserEventTriggered(errorEvent.set(icmp.type(), icmp.code(), icmp.nextHopMtu(), packet.sourceAddress(),
                quote.sourceAddress(), quote.destinationAddress(), buf.getUnsignedShort(tcp),
                buf.getUnsignedShort(tcp + 2), buf.getInt(tcp + 4)));
        return true;
    }

    private void refuseProtocol(ChannelHandlerContext ctx, InboundPacket packet) {
        boolean linkBroadcast = MacAddress.isBroadcast(packet.ethernet().destination());
        OutboundDatagram error = errors.error(frameBuffers, packet.ipv4(), linkBroadcast,
                IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_PROTOCOL_UNREACHABLE, 0, ticker.nanoTime());
        if (error != null) {
            ctx.write(error, ctx.voidPromise());
        }
        drop(packet, DropReason.UNSUPPORTED_PROTOCOL);
    }

    private void drop(InboundPacket packet, DropReason reason) {
        counters.drops().increment(reason);
        packet.release();
    }
}
