package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.EthernetFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImpairmentHandlerTest {
    private final MockTicker ticker = Ticker.newMockTicker();

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
        try {
            channel.writeAndFlush(frame(0, 100));
            ticker.advance(9, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertEquals(0, drain(channel).size());
            ticker.advance(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertEquals(List.of(0), drain(channel));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void rateLimitSpacesFramesByTheirSerialisationTime() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withRate(10_000, 100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
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
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void framesBeyondTheQueueLimitAreDropped() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withRate(1000, 2), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
            for (int i = 0; i < 5; i++) {
                channel.write(frame(i, 100));
            }
            assertEquals(3, impairment.queueDropped());
            assertEquals(2, impairment.heldFrames());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void duplicationSendsTwoIdenticalCopies() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withDuplication(100), 1, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
            channel.writeAndFlush(frame(5, 80));
            channel.runScheduledPendingTasks();
            assertEquals(List.of(5, 5), drain(channel));
            assertEquals(1, impairment.duplicated());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void corruptionFlipsExactlyOneBitAfterTheEthernetHeader() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withCorruption(100), 3, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
            ByteBuf original = frame(9, 200);
            byte[] before = new byte[original.readableBytes()];
            original.getBytes(original.readerIndex(), before);
            channel.writeAndFlush(original);
            channel.runScheduledPendingTasks();
            ByteBuf corrupted = channel.readOutbound();
            try {
                byte[] after = new byte[corrupted.readableBytes()];
                corrupted.getBytes(corrupted.readerIndex(), after);
                int flippedBits = 0;
                for (int i = 0; i < before.length; i++) {
                    int bits = Integer.bitCount((before[i] ^ after[i]) & 0xFF);
                    assertTrue(bits == 0 || i >= EthernetFrame.HEADER_LENGTH, "Ethernet header untouched");
                    flippedBits += bits;
                }
                assertEquals(1, flippedBits);
            } finally {
                corrupted.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void arpFramesAreNeverCorrupted() {
        ImpairmentHandler impairment = new ImpairmentHandler(ImpairmentConfig.NONE.withCorruption(100), 3, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
            ByteBuf arp = frame(1, 60);
            arp.setShort(arp.readerIndex() + 12, EthernetFrame.ETHERTYPE_ARP);
            byte[] before = new byte[arp.readableBytes()];
            arp.getBytes(arp.readerIndex(), before);
            channel.writeAndFlush(arp);
            channel.runScheduledPendingTasks();
            ByteBuf sent = channel.readOutbound();
            try {
                byte[] after = new byte[sent.readableBytes()];
                sent.getBytes(sent.readerIndex(), after);
                assertArrayEquals(before, after);
                assertEquals(0, impairment.corrupted());
            } finally {
                sent.release();
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void reorderedFramesArePassedByLaterOnes() {
        ImpairmentHandler impairment = new ImpairmentHandler(
                ImpairmentConfig.NONE.withReordering(30, 5, TimeUnit.MILLISECONDS), 11, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
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
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Sends {@code count} numbered frames through and returns the numbers of those that came out. */
    private List<Integer> passedFrames(ImpairmentConfig config, long seed, int count) {
        ImpairmentHandler impairment = new ImpairmentHandler(config, seed, ticker);
        EmbeddedChannel channel = channel(impairment);
        try {
            for (int i = 0; i < count; i++) {
                channel.writeAndFlush(frame(i, 64));
            }
            channel.runScheduledPendingTasks();
            return drain(channel);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(ImpairmentHandler impairment) {
        return EmbeddedChannel.builder().ticker(ticker).handlers(impairment).build();
    }

    /** An IPv4-typed frame of {@code length} bytes whose first payload int is {@code number}. */
    private static ByteBuf frame(int number, int length) {
        ByteBuf frame = Unpooled.directBuffer(length);
        frame.writeZero(length);
        frame.setShort(12, EthernetFrame.ETHERTYPE_IPV4);
        frame.setInt(EthernetFrame.HEADER_LENGTH, number);
        return frame;
    }

    private static List<Integer> drain(EmbeddedChannel channel) {
        List<Integer> numbers = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readOutbound()) != null) {
            numbers.add(frame.getInt(frame.readerIndex() + EthernetFrame.HEADER_LENGTH));
            frame.release();
        }
        return numbers;
    }
}
