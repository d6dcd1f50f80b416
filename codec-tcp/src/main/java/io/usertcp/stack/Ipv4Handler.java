package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.ip.identification.DatagramIdentification;
import io.usertcp.ip.reassembly.FragmentReassembler;

import java.util.concurrent.TimeUnit;

/**
 * The network layer, {@value StackPipeline#IPV4} in the stack pipeline (RFC 791, RFC 1122 3.2.1).
 *
 * <p>Inbound: validates the datagram ({@link Ipv4Packet#wrap}: version, header length, total length, header
 * checksum); drops and counts datagrams not addressed to us (broadcast is accepted for ICMP only), those
 * from a martian source and those for our unicast address sent as link-layer broadcasts; reassembles
 * fragments; then sets the transport region on the {@link InboundPacket} and passes it on. Options are
 * skipped by the header length. TTL is not checked: only forwarding decrements and tests it (RFC 1122
 * 3.2.1.7), and this host does not forward. A reassembled datagram replaces the packet's IPv4 view, which
 * then describes the whole datagram (its first fragment's header).
 *
 * <p>Outbound: takes an {@link OutboundDatagram}, prepends a 20-byte header and hands the datagram with its
 * next hop (the destination when on-link, else the gateway) to the link layer as an {@link OutboundFrame}.
 * A datagram larger than the MTU is fragmented unless it has DF set (then dropped and counted); TCP never
 * sends one, since it sizes segments by the MSS. Identification comes from {@link DatagramIdentification}:
 * unique per source, destination and protocol for 65,536 datagrams, as RFC 6864 asks of fragmentable
 * datagrams, and no peer learns from it how much the stack sends to others (RFC 7739).
 *
 * <p>Every {@link StackConfig#housekeepingNanos()} it expires incomplete datagrams and, for those whose
 * first fragment arrived, sends ICMP time exceeded (RFC 1122 3.3.2, rate-limited). Owned by one event loop;
 * not sharable.
 */
public final class Ipv4Handler extends ChannelDuplexHandler {
    private final StackConfig config;
    private final Ticker ticker;
    private final StackCounters counters;
    private final IcmpErrorReporter errors;
    private final OutboundFrame frame = new OutboundFrame();
    private final Runnable expire = this::expire;
    private ChannelHandlerContext ctx;
    private FrameBuffers frameBuffers;
    private FragmentReassembler reassembler;
    private ScheduledFuture<?> timer;
    private final DatagramIdentification identifications = DatagramIdentification.withRandomKey();

    public Ipv4Handler(StackConfig config, Ticker ticker, StackCounters counters, IcmpErrorReporter errors) {
        this.config = config;
        this.ticker = ticker;
        this.counters = counters;
        this.errors = errors;
    }

    /** The reassembler, for its counters; null until the handler is added to a pipeline. */
    public FragmentReassembler reassembler() {
        return reassembler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        frameBuffers = new FrameBuffers(ctx.alloc());
        reassembler = new FragmentReassembler(config.reassembly(), ctx.alloc(), counters.drops(),
                this::reassemblyTimedOut);
        counters.reassembler = reassembler;
        long period = config.housekeepingNanos();
        timer = ctx.executor().scheduleAtFixedRate(expire, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
        reassembler.release();
    }

    private void expire() {
        if (reassembler.expire(ticker.nanoTime()) > 0) {
            ctx.flush();
        }
    }

    private void reassemblyTimedOut(Ipv4Packet firstFragment) {
        OutboundDatagram error = errors.error(frameBuffers, firstFragment, false, IcmpMessage.TYPE_TIME_EXCEEDED,
                IcmpMessage.CODE_REASSEMBLY_TIME_EXCEEDED, 0, ticker.nanoTime());
        if (error != null) {
            send(error, ctx.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundPacket)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InboundPacket packet = (InboundPacket) msg;
        EthernetFrame ethernet = packet.ethernet();
        Ipv4Packet ipv4 = packet.ipv4();
        DropReason reason = ethernet.etherType() != EthernetFrame.ETHERTYPE_IPV4 ? DropReason.UNSUPPORTED_ETHERTYPE
                : ipv4.wrap(ethernet.buffer(), ethernet.payloadOffset(), ethernet.payloadLength());
        if (reason == null) {
            reason = check(ethernet, ipv4);
        }
        if (reason != null) {
            drop(packet, reason);
            return;
        }
        // RFC 1122 3.2.1.7: TTL is not checked on local delivery; only forwarding decrements it.
        ByteBuf reassembled = null;
        if (ipv4.isFragment()) {
            counters.fragmentsIn++;
            reassembled = reassembler.offer(ipv4, ticker.nanoTime());
            if (reassembled == null) {
                // Held for reassembly (retained by the reassembler) or dropped and counted by it.
                packet.release();
                return;
            }
            counters.reassembled++;
            reason = ipv4.wrap(reassembled, 0, reassembled.readableBytes());
            if (reason != null) {
                reassembled.release();
                drop(packet, reason);
                return;
            }
        }
        counters.datagramsIn++;
        packet.setTransport(ipv4.sourceAddress(), ipv4.destinationAddress(), ipv4.protocol(), ipv4.buffer(),
                ipv4.payloadOffset(), ipv4.payloadLength(), reassembled);
        ctx.fireChannelRead(packet);
    }

    private DropReason check(EthernetFrame ethernet, Ipv4Packet ipv4) {
        int destination = ipv4.destinationAddress();
        if (destination != config.localAddress()
                && !(config.isBroadcast(destination) && ipv4.protocol() == Ipv4Packet.PROTOCOL_ICMP)) {
            return DropReason.IP_NOT_FOR_US;
        }
        if (isMartian(ipv4.sourceAddress())) {
            return DropReason.MARTIAN_SOURCE;
        }
        // RFC 1122 3.3.6: a unicast datagram in a link-layer broadcast is silently discarded, so one frame
        // cannot draw an answer (a RST, say) from every host on the link.
        return destination == config.localAddress() && MacAddress.isBroadcast(ethernet.destination())
                ? DropReason.UNICAST_IN_LINK_BROADCAST : null;
    }

    /** RFC 1122 3.2.1.3 and RFC 1812 5.3.7: sources no datagram can come from; our own is a LAND attack. */
    private boolean isMartian(int source) {
        return source == config.localAddress() || Ipv4Address.isThisNetwork(source)
                || Ipv4Address.isLoopback(source) || Ipv4Address.isMulticast(source)
                || Ipv4Address.isReserved(source) || config.isBroadcast(source);
    }

    private void drop(InboundPacket packet, DropReason reason) {
        counters.drops().increment(reason);
        packet.release();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof OutboundDatagram) {
            send((OutboundDatagram) msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void send(OutboundDatagram datagram, ChannelPromise promise) {
        ByteBuf payload = datagram.takePayload();
        int destination = datagram.destinationAddress();
        int nextHop = config.isOnLink(destination) || Ipv4Address.isLimitedBroadcast(destination) ? destination
                : config.gateway();
        if (nextHop == Ipv4Address.UNSPECIFIED) {
            counters.noRoute++;
            payload.release();
            promise.trySuccess();
            return;
        }
        int identification = identifications.next(datagram.sourceAddress(), destination, datagram.protocol());
        int totalLength = Ipv4Packet.MIN_HEADER_LENGTH + payload.readableBytes();
        if (totalLength <= config.mtu()) {
            Ipv4HeaderWriter.prepend(payload, datagram.typeOfService(), identification,
                    datagram.dontFragment() ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0, config.ttl(), datagram.protocol(),
                    datagram.sourceAddress(), destination);
            counters.datagramsOut++;
            ctx.write(frame.set(payload, nextHop), promise);
            return;
        }
        if (datagram.dontFragment() || totalLength > Ipv4Packet.MAX_TOTAL_LENGTH) {
            counters.fragmentationRefused++;
            payload.release();
            promise.trySuccess();
            return;
        }
        fragment(datagram, payload, identification, nextHop);
        promise.trySuccess();
    }

    /**
     * RFC 791 3.2: copies the payload into fragments of at most MTU bytes, each carrying a multiple of 8 payload
     * bytes but the last, with the same identification and MF on all but the last.
     */
    private void fragment(OutboundDatagram datagram, ByteBuf payload, int identification, int nextHop) {
        int maxPiece = (config.mtu() - Ipv4Packet.MIN_HEADER_LENGTH) & ~7;
        int start = payload.readerIndex();
        int length = payload.readableBytes();
        for (int offset = 0; offset < length; offset += maxPiece) {
            int piece = Math.min(maxPiece, length - offset);
            boolean last = offset + piece == length;
            ByteBuf fragment = frameBuffers.allocate(piece);
            fragment.writeBytes(payload, start + offset, piece);
            Ipv4HeaderWriter.prepend(fragment, datagram.typeOfService(), identification,
                    (last ? 0 : Ipv4Packet.FLAG_MORE_FRAGMENTS) | offset >>> 3, config.ttl(), datagram.protocol(),
                    datagram.sourceAddress(), datagram.destinationAddress());
            counters.fragmentsOut++;
            counters.datagramsOut++;
            ctx.write(frame.set(fragment, nextHop), ctx.voidPromise());
        }
        payload.release();
    }
}
