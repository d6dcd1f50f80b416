package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.EthernetFrame;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test support: impairs the frames of one direction as a lossy, slow, reordering link would, following an
 * {@link ImpairmentConfig}: the frames written through it ({@link Direction#OUTBOUND}) or the frames read
 * through it ({@link Direction#INBOUND}); the other direction passes untouched. Place it between the device and
 * the stack's Ethernet layer, one handler per impaired direction. Every random choice comes from one generator
 * seeded at construction, and time from the given {@link Ticker} (the event loop's), so a run on a mock ticker
 * is the same for the same seed.
 *
 * <p>Per frame, in this order: loss; duplication (the copy then goes through the rest independently);
 * corruption (one bit flipped after the Ethernet header of an IPv4 frame, in a copy, so the checksums of
 * IPv4, ICMP or TCP catch it: a flipped Ethernet header or ARP packet is what a real link's FCS would discard,
 * and a TAP has none); the link rate (the frame waits until the link is free, then occupies it for its
 * length) and queue limit; delay, jitter (order-keeping if {@link ImpairmentConfig#jitterKeepsOrder()}) and
 * reordering. A frame due at once, with no held frame due before it,
 * passes straight on. Frames due later are held and passed on from a task scheduled on the channel's event
 * loop, followed by one flush (outbound) or one {@code channelReadComplete} (inbound) per release. A write's
 * promise succeeds when the frame is accepted, whatever happens to it afterwards, as for a datagram sent on a
 * real link.
 *
 * <p>Test support, not for the data path: a held frame costs a queue entry, recycled once the frame leaves;
 * the release task is scheduled anew whenever the earliest due time changes. Not sharable.
 */
public final class ImpairmentHandler extends ChannelDuplexHandler {
    /** Which frames a handler impairs. */
    public enum Direction {
        /** Frames read from the device, before the stack sees them. */
        INBOUND,
        /** Frames the stack writes, before the device sends them. */
        OUTBOUND
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Direction direction;
    private final ImpairmentConfig config;
    private final Ticker ticker;
    private final SplittableRandom random;
    private final PriorityQueue<HeldFrame> held = new PriorityQueue<>();
    private final ArrayDeque<HeldFrame> spare = new ArrayDeque<>();
    private final Runnable releaseDue = this::releaseDue;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> release;
    private long releaseAt;
    private long linkFreeAt;
    private long lastInOrderArrival;
    private long sequence;

    private long framesIn;
    private long lost;
    private long duplicated;
    private long corrupted;
    private long reordered;
    private long queueDropped;
    private long delivered;

    /** Impairs the frames written through it. */
    public ImpairmentHandler(ImpairmentConfig config, long seed, Ticker ticker) {
        this(Direction.OUTBOUND, config, seed, ticker);
    }

    public ImpairmentHandler(Direction direction, ImpairmentConfig config, long seed, Ticker ticker) {
        this.direction = direction;
        this.config = config;
        this.ticker = ticker;
        this.random = new SplittableRandom(seed);
        linkFreeAt = ticker.nanoTime();
        lastInOrderArrival = linkFreeAt;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (release != null) {
            release.cancel(false);
            release = null;
        }
        HeldFrame frame;
        while ((frame = held.poll()) != null) {
            frame.frame.release();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (direction == Direction.INBOUND && msg instanceof ByteBuf) {
            accept((ByteBuf) msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (direction == Direction.OUTBOUND && msg instanceof ByteBuf) {
            promise.trySuccess();
            accept((ByteBuf) msg);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void accept(ByteBuf frame) {
        framesIn++;
        if (chance(config.lossPercent())) {
            lost++;
            frame.release();
            return;
        }
        if (chance(config.duplicatePercent())) {
            duplicated++;
            ByteBuf copy = frame.retainedDuplicate();
            impair(frame);
            impair(copy);
        } else {
            impair(frame);
        }
    }

    private void impair(ByteBuf frame) {
        if (chance(config.corruptPercent()) && isIpv4(frame)) {
            corrupted++;
            frame = flipOneBit(frame);
        }
        long now = ticker.nanoTime();
        long sent = now;
        if (config.bytesPerSecond() > 0) {
            long start = linkFreeAt - now > 0 ? linkFreeAt : now;
            sent = start + frame.readableBytes() * NANOS_PER_SECOND / config.bytesPerSecond();
        }
        long arrival = sent + config.delayNanos();
        if (config.jitterNanos() > 0) {
            arrival += random.nextLong(config.jitterNanos() + 1);
        }
        boolean reorder = chance(config.reorderPercent());
        if (reorder) {
            reordered++;
            arrival += config.reorderHoldNanos();
        } else if (config.jitterKeepsOrder() && arrival - lastInOrderArrival < 0) {
            arrival = lastInOrderArrival;
        }
        if (arrival - now <= 0 && (held.isEmpty() || held.peek().arrivalNanos - now > 0)) {
            if (!reorder) {
                lastInOrderArrival = arrival;
            }
            delivered++;
            pass(frame);
            return;
        }
        if (held.size() >= config.queueLimit()) {
            queueDropped++;
            frame.release();
            return;
        }
        // A dropped frame never occupied the link, so only a held one moves the time it is free again.
        linkFreeAt = sent;
        if (!reorder) {
            lastInOrderArrival = arrival;
        }
        HeldFrame entry = spare.poll();
        held.add(entry == null ? new HeldFrame(arrival, sequence++, frame) : entry.reuse(arrival, sequence++, frame));
        schedule(now);
    }

    private void pass(ByteBuf frame) {
        if (direction == Direction.INBOUND) {
            ctx.fireChannelRead(frame);
        } else {
            ctx.write(frame, ctx.voidPromise());
        }
    }

    private boolean chance(double percent) {
        return percent > 0 && random.nextDouble() * 100 < percent;
    }

    private static boolean isIpv4(ByteBuf frame) {
        return frame.readableBytes() > EthernetFrame.HEADER_LENGTH
                && frame.getUnsignedShort(frame.readerIndex() + 12) == EthernetFrame.ETHERTYPE_IPV4;
    }

    private ByteBuf flipOneBit(ByteBuf frame) {
        ByteBuf copy = frame.copy();
        frame.release();
        int bytes = copy.readableBytes() - EthernetFrame.HEADER_LENGTH;
        int index = copy.readerIndex() + EthernetFrame.HEADER_LENGTH + random.nextInt(bytes);
        copy.setByte(index, copy.getByte(index) ^ (1 << random.nextInt(8)));
        return copy;
    }

    private void schedule(long now) {
        long due = held.peek().arrivalNanos;
        if (release != null) {
            if (due - releaseAt >= 0) {
                return;
            }
            release.cancel(false);
        }
        releaseAt = due;
        release = ctx.executor().schedule(releaseDue, Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    private void releaseDue() {
        release = null;
        long now = ticker.nanoTime();
        HeldFrame next;
        while ((next = held.peek()) != null && next.arrivalNanos - now <= 0) {
            held.poll();
            delivered++;
            ByteBuf frame = next.frame;
            spare.push(next.reuse(0, 0, null));
            pass(frame);
        }
        if (direction == Direction.INBOUND) {
            ctx.fireChannelReadComplete();
        } else {
            ctx.flush();
        }
        if (!held.isEmpty()) {
            schedule(now);
        }
    }

    public Direction direction() {
        return direction;
    }

    /** Frames of its direction that reached this handler. */
    public long framesIn() {
        return framesIn;
    }

    public long lost() {
        return lost;
    }

    public long duplicated() {
        return duplicated;
    }

    public long corrupted() {
        return corrupted;
    }

    public long reordered() {
        return reordered;
    }

    /** Frames dropped because {@link ImpairmentConfig#queueLimit()} frames were already held. */
    public long queueDropped() {
        return queueDropped;
    }

    /** Frames passed on (to the device, or to the stack for inbound), duplicates included. */
    public long delivered() {
        return delivered;
    }

    /** Frames held now, waiting for the link or their delay. */
    public int heldFrames() {
        return held.size();
    }

    @Override
    public String toString() {
        return "ImpairmentHandler{" + direction + ", framesIn=" + framesIn + ", lost=" + lost + ", duplicated=" + duplicated
                + ", corrupted=" + corrupted + ", reordered=" + reordered + ", queueDropped=" + queueDropped
                + ", delivered=" + delivered + ", held=" + held.size() + '}';
    }

    /** A frame waiting for its arrival time; ties keep the order frames came in. Reused once its frame leaves. */
    private static final class HeldFrame implements Comparable<HeldFrame> {
        long arrivalNanos;
        long sequence;
        ByteBuf frame;

        HeldFrame(long arrivalNanos, long sequence, ByteBuf frame) {
            reuse(arrivalNanos, sequence, frame);
        }

        HeldFrame reuse(long newArrivalNanos, long newSequence, ByteBuf newFrame) {
            arrivalNanos = newArrivalNanos;
            sequence = newSequence;
            frame = newFrame;
            return this;
        }

        @Override
        public int compareTo(HeldFrame other) {
            int byTime = Long.compare(arrivalNanos - other.arrivalNanos, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
