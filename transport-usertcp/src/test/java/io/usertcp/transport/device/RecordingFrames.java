package io.usertcp.transport.device;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what a device channel delivers: every frame's length and whether it is a UDP datagram to port 9,
 * the number of frames between two channelReadComplete events, and exceptions. Releases every frame.
 */
final class RecordingFrames extends ChannelInboundHandlerAdapter {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int UDP = 17;

    final AtomicInteger datagrams = new AtomicInteger();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();
    private int currentBatch;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            currentBatch++;
            if (isDatagramToDiscardPort(frame)) {
                datagrams.incrementAndGet();
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batches.add(currentBatch);
        currentBatch = 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    /** Waits until {@code count} datagrams arrived, failing after {@code bound}. */
    void awaitDatagrams(int count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (datagrams.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(datagrams.get() + " of " + count + " datagrams within " + bound
                        + "; batches " + batches);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static boolean isDatagramToDiscardPort(ByteBuf frame) {
        int start = frame.readerIndex();
        if (frame.readableBytes() < 14 + 20 + 8 || frame.getUnsignedShort(start + 12) != ETHERTYPE_IPV4
                || frame.getUnsignedByte(start + 14 + 9) != UDP) {
            return false;
        }
        int headerLength = (frame.getUnsignedByte(start + 14) & 0x0f) * 4;
        return frame.getUnsignedShort(start + 14 + headerLength + 2) == 9;
    }
}
