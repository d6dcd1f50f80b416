package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.arp.ArpPacketWriter;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.neighbour.NeighbourOutput;
import io.usertcp.neighbour.NeighbourTable;

import java.util.concurrent.TimeUnit;

/**
 * The link layer, {@value StackPipeline#ETHERNET} in the stack pipeline, right after the device.
 *
 * <p>Inbound: wraps the one reusable {@link InboundPacket} of this handler around each frame, validates the
 * Ethernet header and passes on IPv4 and ARP frames addressed to our MAC or to broadcast. Everything else is
 * dropped and counted: other unicast and every multicast destination ({@link DropReason#NOT_FOR_US}: the
 * stack joins no group), VLAN tags, and other EtherTypes such as IPv6.
 *
 * <p>Outbound: an {@link OutboundFrame} from the network layer is resolved through the {@link NeighbourTable}
 * (which parks it while ARP resolves), gets its Ethernet header and goes to the device; a {@code ByteBuf} is
 * a finished frame (an ARP reply) and goes as it is. Written frames are flushed at the end of each read
 * batch and after each timer tick; writers outside those (TCP timers, applications) flush themselves.
 *
 * <p>This handler owns the stack's ARP cache, since resolving next hops is its job; the {@link ArpHandler}
 * feeds received ARP packets into the same table. On becoming active it announces our address with a
 * gratuitous ARP (RFC 5227 3) and starts the table's timer, which runs every
 * {@link StackConfig#housekeepingNanos()} on the channel's event loop. Owned by one event loop; not
 * sharable.
 */
public final class EthernetHandler extends ChannelDuplexHandler {
    private final StackConfig config;
    private final Ticker ticker;
    private final StackCounters counters;
    private final NeighbourTable neighbours;
    private final InboundPacket packet = new InboundPacket();
    private final Runnable tick = this::tick;
    private ChannelHandlerContext ctx;
    private FrameBuffers frameBuffers;
    private ScheduledFuture<?> timer;

    public EthernetHandler(StackConfig config, Ticker ticker, StackCounters counters) {
        this.config = config;
        this.ticker = ticker;
        this.counters = counters;
        neighbours = new NeighbourTable(config.neighbours(), config.localAddress(), config.mac(), new Output());
        counters.neighbourTable = neighbours;
    }

    /** The stack's ARP cache, shared with the {@link ArpHandler}. */
    public NeighbourTable neighbours() {
        return neighbours;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        frameBuffers = new FrameBuffers(ctx.alloc());
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void start() {
        if (timer != null) {
            return;
        }
        long period = config.housekeepingNanos();
        timer = ctx.executor().scheduleAtFixedRate(tick, period, period, TimeUnit.NANOSECONDS);
        // RFC 5227 3: announce the address, so neighbours holding a stale MAC for it update their caches
        sendArpRequest(config.localAddress(), MacAddress.BROADCAST);
        ctx.flush();
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        neighbours.clear();
    }

    private void tick() {
        neighbours.tick(ticker.nanoTime());
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        counters.framesIn++;
        packet.reset(frame);
        EthernetFrame ethernet = packet.ethernet();
        DropReason reason = ethernet.wrap(frame, frame.readerIndex(), frame.readableBytes());
        if (reason == null) {
            reason = check(ethernet);
        }
        if (reason != null) {
            counters.drops().increment(reason);
            packet.release();
            return;
        }
        ctx.fireChannelRead(packet);
    }

    private DropReason check(EthernetFrame ethernet) {
        long destination = ethernet.destination();
        if (destination != config.mac() && !MacAddress.isBroadcast(destination)) {
            return DropReason.NOT_FOR_US;
        }
        int etherType = ethernet.etherType();
        if (etherType != EthernetFrame.ETHERTYPE_IPV4 && etherType != EthernetFrame.ETHERTYPE_ARP) {
            return DropReason.UNSUPPORTED_ETHERTYPE;
        }
        return null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        // Replies and frames released by ARP replies during the batch leave together.
        ctx.flush();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof OutboundFrame) {
            OutboundFrame outbound = (OutboundFrame) msg;
            send(outbound.takeDatagram(), outbound.nextHop(), promise);
        } else if (msg instanceof ByteBuf) {
            counters.framesOut++;
            ctx.write(msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void send(ByteBuf datagram, int nextHop, ChannelPromise promise) {
        if (config.isBroadcast(nextHop)) {
            transmit(datagram, MacAddress.BROADCAST, promise);
            return;
        }
        long now = ticker.nanoTime();
        long mac = neighbours.lookup(nextHop, now);
        if (mac != NeighbourTable.NOT_RESOLVED) {
            transmit(datagram, mac, promise);
            return;
        }
        // IP is unreliable (RFC 791 1.2): a datagram the table parks or drops still counts as sent; the
        // table counts its drops.
        neighbours.enqueue(nextHop, datagram, now);
        promise.trySuccess();
    }

    private void transmit(ByteBuf datagram, long destinationMac, ChannelPromise promise) {
        EthernetHeaderWriter.prepend(datagram, destinationMac, config.mac(), EthernetFrame.ETHERTYPE_IPV4);
        counters.framesOut++;
        ctx.write(datagram, promise);
    }

    private void sendArpRequest(int targetIp, long destinationMac) {
        ByteBuf frame = frameBuffers.allocate(0);
        ArpPacketWriter.prepend(frame, ArpPacket.OPERATION_REQUEST, config.mac(), config.localAddress(), 0L,
                targetIp);
        EthernetHeaderWriter.prepend(frame, destinationMac, config.mac(), EthernetFrame.ETHERTYPE_ARP);
        counters.arpRequestsOut++;
        counters.framesOut++;
        ctx.write(frame, ctx.voidPromise());
    }

    /** The table's I/O: requests and released frames leave through this handler's context. */
    private final class Output implements NeighbourOutput {
        @Override
        public void sendArpRequest(int targetIp, long destinationMac) {
            EthernetHandler.this.sendArpRequest(targetIp, destinationMac);
        }

        @Override
        public void transmit(ByteBuf frame, long destinationMac) {
            EthernetHandler.this.transmit(frame, destinationMac, ctx.voidPromise());
        }

        @Override
        public void resolutionFailed(int ip) {
            // RFC 1122 4.2.3.9: host unreachable is a soft error for TCP, which keeps retransmitting until its
            // own timeouts; the table has counted the failure and dropped the waiting frames.
        }
    }
}
