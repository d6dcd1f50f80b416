package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.EthernetFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImpairmentHandlerTest {
    private final MockTicker ticker = Ticker.newMockTicker();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseChannels() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void lossDropsAboutTheConfiguredShare() {
        List<Integer> passed = passedFrames(ImpairmentConfig.NONE.withLoss(10), 42, 2000);
        assertTrue(passed.size() > 1700 && passed.size() < 1900, "about 90% of 2000 pass: " + passed.size());
    }

    @Test
    void sameSeedImpairsTheSameFrames() {
        ImpairmentConfig config = ImpairmentConfig.NONE.withLoss(20).withDuplication(5);
        assertEquals(passedFrames(config, 7, 500), passedFrames(config, 7, 500));
    }

    @Test
    void differentSeedsImpairDifferentFrames() {
        ImpairmentConfig config = ImpairmentConfig.NONE.withLoss(20);
        assertTrue(!passedFrames(config, 1, 500).equals(passedFrames(config, 2, 500)));
    }

    @Test
    void delayHoldsFramesUntilTheyAreDue() {
        ImpairmentHandler impairment = new ImpairmentHandler(
                ImpairmentConfig.NONE.withDelay(10, TimeUnit.MILLISECONDS), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeAndFlush(frame(0, 100));
        ticker.advance(9, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(0, drain(channel).size());
        ticker.advance(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(0), drain(channel));
    }

    @Test
    void rateLimitSpacesFramesByTheirSerialisationTime() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withRate(10_000, 100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        for (int i = 0; i < 3; i++) {
            channel.write(frame(i, 100));
        }
        channel.flush();
        List<Integer> arrivals = new ArrayList<>();
        for (int ms = 1; ms <= 30; ms++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            if (!drain(channel).isEmpty()) {
                arrivals.add(ms);
            }
        }
        assertEquals(List.of(10, 20, 30), arrivals, "100 bytes at 10,000 B/s take 10 ms each");
    }

    @Test
    void framesBeyondTheQueueLimitAreDropped() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withRate(1000, 2), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        for (int i = 0; i < 5; i++) {
            channel.write(frame(i, 100));
        }
        assertEquals(3, impairment.queueDropped());
        assertEquals(2, impairment.heldFrames());
    }

    @Test
    void duplicationSendsTwoIdenticalCopies() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withDuplication(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeAndFlush(frame(5, 80));
        channel.runScheduledPendingTasks();
        assertEquals(List.of(5, 5), drain(channel));
        assertEquals(1, impairment.duplicated());
    }

    @Test
    void corruptionFlipsExactlyOneBitAfterTheEthernetHeader() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withCorruption(100), 3, ticker);
        EmbeddedChannel channel = channel(impairment);
        ByteBuf original = frame(9, 200);
        byte[] before = ByteBufUtil.getBytes(original);
        channel.writeAndFlush(original);
        channel.runScheduledPendingTasks();
        ByteBuf corrupted = channel.readOutbound();
        try {
            byte[] after = ByteBufUtil.getBytes(corrupted);
            assertArrayEquals(Arrays.copyOf(before, EthernetFrame.HEADER_LENGTH),
                    Arrays.copyOf(after, EthernetFrame.HEADER_LENGTH), "Ethernet header untouched");
            assertEquals(1, flippedBits(before, after));
        } finally {
            corrupted.release();
        }
    }

    @Test
    void arpFramesAreNeverCorrupted() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withCorruption(100), 3, ticker);
        EmbeddedChannel channel = channel(impairment);
        ByteBuf arp = frame(1, 60);
        arp.setShort(arp.readerIndex() + 12, EthernetFrame.ETHERTYPE_ARP);
        byte[] before = ByteBufUtil.getBytes(arp);
        channel.writeAndFlush(arp);
        channel.runScheduledPendingTasks();
        ByteBuf sent = channel.readOutbound();
        try {
            assertArrayEquals(before, ByteBufUtil.getBytes(sent));
            assertEquals(0, impairment.corrupted());
        } finally {
            sent.release();
        }
    }

    @Test
    void reorderedFramesArePassedByLaterOnes() {
        ImpairmentHandler impairment = new ImpairmentHandler(
                ImpairmentConfig.NONE.withReordering(30, 5, TimeUnit.MILLISECONDS), 11, ticker);
        EmbeddedChannel channel = channel(impairment);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            channel.writeAndFlush(frame(i, 60));
            ticker.advance(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            order.addAll(drain(channel));
        }
        ticker.advance(10, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        order.addAll(drain(channel));
        assertEquals(50, order.size(), "reordering loses nothing");
        assertTrue(impairment.reordered() > 0);
        boolean outOfOrder = false;
        for (int i = 1; i < order.size(); i++) {
            outOfOrder |= order.get(i) < order.get(i - 1);
        }
        assertTrue(outOfOrder, "some frame arrived after a later one: " + order);
    }

    @Test
    void orderKeepingJitterVariesTheDelayWithoutReordering() {
        List<Integer> order = arrivalOrder(ImpairmentConfig.NONE
                .withJitter(5, TimeUnit.MILLISECONDS).withJitterKeepingOrder(), 13, 200);
        List<Integer> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(200, order.size());
        assertEquals(sorted, order, "jitter that keeps order never lets a frame pass an earlier one");
    }

    @Test
    void independentJitterReordersFrames() {
        List<Integer> order = arrivalOrder(ImpairmentConfig.NONE.withJitter(5, TimeUnit.MILLISECONDS), 13, 200);
        List<Integer> sorted = new ArrayList<>(order);
        sorted.sort(null);
        assertEquals(200, order.size());
        assertTrue(!sorted.equals(order), "netem-style jitter lets later frames pass earlier ones");
    }

    @Test
    void framesDueAtOncePassWithoutWaitingForTheLoop() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withDuplication(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeAndFlush(frame(3, 80));
        assertEquals(List.of(3, 3), drain(channel));
        assertEquals(0, impairment.heldFrames());
    }

    @Test
    void inboundDelayHoldsReceivedFramesUntilTheyAreDue() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND,
                ImpairmentConfig.NONE.withDelay(10, TimeUnit.MILLISECONDS), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeInbound(frame(0, 100), frame(1, 100));
        ticker.advance(9, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(0, drainInbound(channel).size());
        ticker.advance(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(0, 1), drainInbound(channel));
    }

    @Test
    void inboundReleaseEndsWithOneReadComplete() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND,
                ImpairmentConfig.NONE.withDelay(1, TimeUnit.MILLISECONDS), 1, ticker);
        ReadCompleteCounter readCompletes = new ReadCompleteCounter();
        EmbeddedChannel channel = channel(impairment, readCompletes);
        channel.pipeline().fireChannelRead(frame(0, 60)).fireChannelRead(frame(1, 60));
        ticker.advance(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(0, 1), drainInbound(channel));
        assertEquals(1, readCompletes.count);
    }

    @Test
    void inboundLossDropsReceivedFramesBeforeTheStack() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND,
                ImpairmentConfig.NONE.withLoss(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeInbound(frame(0, 60));
        channel.runScheduledPendingTasks();
        assertEquals(List.of(), drainInbound(channel));
        assertEquals(1, impairment.lost());
    }

    @Test
    void inboundCorruptionFlipsOneBitOfAReceivedFrame() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND,
                ImpairmentConfig.NONE.withCorruption(100), 5, ticker);
        EmbeddedChannel channel = channel(impairment);
        ByteBuf original = frame(4, 120);
        byte[] before = ByteBufUtil.getBytes(original);
        channel.writeInbound(original);
        ByteBuf received = channel.readInbound();
        try {
            assertEquals(1, flippedBits(before, ByteBufUtil.getBytes(received)));
            assertEquals(1, impairment.corrupted());
        } finally {
            received.release();
        }
    }

    @Test
    void inboundHandlerLeavesWrittenFramesAlone() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND,
                ImpairmentConfig.NONE.withLoss(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeAndFlush(frame(8, 60));
        assertEquals(List.of(8), drain(channel));
        assertEquals(0, impairment.framesIn());
    }

    @Test
    void outboundHandlerLeavesReceivedFramesAlone() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withLoss(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        channel.writeInbound(frame(6, 60));
        assertEquals(List.of(6), drainInbound(channel));
        assertEquals(0, impairment.framesIn());
    }

    @Test
    void removingTheHandlerReleasesHeldFrames() {
        ImpairmentHandler impairment = new ImpairmentHandler(
                ImpairmentConfig.NONE.withDelay(1, TimeUnit.SECONDS), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        ByteBuf frame = frame(2, 60);
        channel.writeAndFlush(frame);
        assertEquals(1, impairment.heldFrames());
        channel.pipeline().remove(impairment);
        assertEquals(0, frame.refCnt());
    }

    /** Sends {@code count} numbered frames through and returns the numbers of those that came out. */
    private List<Integer> passedFrames(ImpairmentConfig config, long seed, int count) {
        ImpairmentHandler impairment = new ImpairmentHandler(config, seed, ticker);
        EmbeddedChannel channel = channel(impairment);
        for (int i = 0; i < count; i++) {
            channel.writeAndFlush(frame(i, 64));
        }
        channel.runScheduledPendingTasks();
        return drain(channel);
    }

    /** A channel on the mock ticker, released after the test. */
    private EmbeddedChannel channel(ChannelHandler... handlers) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).handlers(handlers).build();
        channels.add(channel);
        return channel;
    }

    /** An IPv4-typed frame of {@code length} bytes whose first payload int is {@code number}. */
    private static ByteBuf frame(int number, int length) {
        ByteBuf frame = Unpooled.directBuffer(length);
        frame.writeZero(length);
        frame.setShort(12, EthernetFrame.ETHERTYPE_IPV4);
        frame.setInt(EthernetFrame.HEADER_LENGTH, number);
        return frame;
    }

    /**
     * Sends {@code count} numbered frames, four per millisecond, lets every delay run out and returns the numbers in
     * the order they came out.
     */
    private List<Integer> arrivalOrder(ImpairmentConfig config, long seed, int count) {
        EmbeddedChannel channel = channel(new ImpairmentHandler(config, seed, ticker));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channel.writeAndFlush(frame(i, 60));
            if (i % 4 == 0) {
                ticker.advance(1, TimeUnit.MILLISECONDS);
                channel.runScheduledPendingTasks();
                order.addAll(drain(channel));
            }
        }
        ticker.advance(10, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        order.addAll(drain(channel));
        return order;
    }

    private static int flippedBits(byte[] before, byte[] after) {
        int flipped = 0;
        for (int i = 0; i < before.length; i++) {
            flipped += Integer.bitCount((before[i] ^ after[i]) & 0xFF);
        }
        return flipped;
    }

    private static List<Integer> drainInbound(EmbeddedChannel channel) {
        return numbersOf(channel::readInbound);
    }

    private static List<Integer> drain(EmbeddedChannel channel) {
        return numbersOf(channel::readOutbound);
    }

    /** Reads frames until there are none left, releasing each, and returns their numbers. */
    private static List<Integer> numbersOf(Supplier<ByteBuf> reader) {
        List<Integer> numbers = new ArrayList<>();
        ByteBuf frame;
        while ((frame = reader.get()) != null) {
            numbers.add(frame.getInt(frame.readerIndex() + EthernetFrame.HEADER_LENGTH));
            frame.release();
        }
        return numbers;
    }

    /** Counts the {@code channelReadComplete} events that pass it. */
    private static final class ReadCompleteCounter extends ChannelInboundHandlerAdapter {
        int count;

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            count++;
            ctx.fireChannelReadComplete();
        }
    }
}
