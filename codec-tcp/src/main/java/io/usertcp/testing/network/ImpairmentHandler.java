package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.EthernetFrame;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test support: impairs the frames written through it (outbound only; inbound passes untouched), as a lossy,
 * slow, reordering link would, following an {@link ImpairmentConfig}. Place it between the device and the
 * stack's Ethernet layer. Every random choice comes from one generator seeded at construction, and time
 * from the given {@link Ticker}, so a run on a mock ticker is the same for the same seed.
 *
 * <p>Per frame, in this order: loss; duplication (the copy then goes through the rest independently);
 * corruption (one bit flipped after the Ethernet header of an IPv4 frame, in a copy, so the checksums of
 * IPv4, ICMP or TCP catch it: a flipped Ethernet header or ARP packet is what a real link's FCS would discard,
 * and a TAP has none); the link rate (the frame waits until the link is free, then occupies it for its
 * length) and queue limit; delay, jitter and reordering. Frames due later are held and written from a task
 * scheduled on the channel's event loop, then flushed. The write's promise succeeds when the frame is
 * accepted, whatever happens to it afterwards, as for a datagram sent on a real link.
 *
 * <p>Test support, not for the data path: held frames cost a small object each. Not sharable.
 */
public final class ImpairmentHandler extends ChannelDuplexHandler {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ImpairmentConfig config;
    private final Ticker ticker;
    private final SplittableRandom random;
    private final PriorityQueue<HeldFrame> held = new PriorityQueue<>();
    private final Runnable releaseDue = this::releaseDue;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> release;
    private long releaseAt;
    private long linkFreeAt;
    private long sequence;

    private long framesIn;
    private long lost;
    private long duplicated;
    private long corrupted;
    private long reordered;
    private long queueDropped;
    private long delivered;

    public ImpairmentHandler(ImpairmentConfig config, long seed, Ticker ticker) {
        this.config = config;
        this.ticker = ticker;
        this.random = new SplittableRandom(seed);
        linkFreeAt = ticker.nanoTime();
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
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        framesIn++;
        promise.trySuccess();
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
        if (held.size() >= config.queueLimit()) {
            queueDropped++;
            frame.release();
            return;
        }
        long now = ticker.nanoTime();
        long sent = now;
        if (config.bytesPerSecond() > 0) {
            long start = linkFreeAt - now > 0 ? linkFreeAt : now;
            sent = start + frame.readableBytes() * NANOS_PER_SECOND / config.bytesPerSecond();
            linkFreeAt = sent;
        }
        long arrival = sent + config.delayNanos();
        if (config.jitterNanos() > 0) {
            arrival += random.nextLong(config.jitterNanos() + 1);
        }
        if (chance(config.reorderPercent())) {
            reordered++;
            arrival += config.reorderHoldNanos();
        }
        held.add(new HeldFrame(arrival, sequence++, frame));
        schedule(now);
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
            ctx.write(next.frame, ctx.voidPromise());
        }
        ctx.flush();
        if (!held.isEmpty()) {
            schedule(now);
        }
    }

    /** Frames written to this handler. */
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

    /** Frames passed on to the device, duplicates included. */
    public long delivered() {
        return delivered;
    }

    /** Frames held now, waiting for the link or their delay. */
    public int heldFrames() {
        return held.size();
    }

    @Override
    public String toString() {
        return "ImpairmentHandler{framesIn=" + framesIn + ", lost=" + lost + ", duplicated=" + duplicated
                + ", corrupted=" + corrupted + ", reordered=" + reordered + ", queueDropped=" + queueDropped
                + ", delivered=" + delivered + ", held=" + held.size() + '}';
    }

    /** A frame waiting for its arrival time; ties keep the order frames were written in. */
    private static final class HeldFrame implements Comparable<HeldFrame> {
        final long arrivalNanos;
        final long sequence;
        final ByteBuf frame;

        HeldFrame(long arrivalNanos, long sequence, ByteBuf frame) {
            this.arrivalNanos = arrivalNanos;
            this.sequence = sequence;
            this.frame = frame;
        }

        @Override
        public int compareTo(HeldFrame other) {
            int byTime = Long.compare(arrivalNanos - other.arrivalNanos, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
