package io.usertcp.testing.network;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkImpairmentTest {
    @Test
    void unprefixedItemsImpairBothDirections() {
        LinkImpairment impairment = LinkImpairment.parse(
                "seed=42,delay=2ms,jitter=1ms,reorder=2%,duplicate=1%,corrupt=0.5%");
        ImpairmentConfig expected = ImpairmentConfig.NONE.withDelay(2, TimeUnit.MILLISECONDS)
                .withJitter(1, TimeUnit.MILLISECONDS).withReordering(2, 1, TimeUnit.MILLISECONDS)
                .withDuplication(1).withCorruption(0.5).withJitterKeepingOrder();
        assertEquals(new LinkImpairment(42, expected, expected), impairment);
    }

    @Test
    void prefixedItemsImpairOneDirection() {
        LinkImpairment impairment = LinkImpairment.parse("in.corrupt=1%, out.loss=3%");
        assertEquals(ImpairmentConfig.NONE.withCorruption(1), impairment.inbound());
        assertEquals(ImpairmentConfig.NONE.withLoss(3), impairment.outbound());
    }

    @Test
    void prefixedItemWinsOverTheUnprefixedOneWhateverTheOrder() {
        LinkImpairment impairment = LinkImpairment.parse("in.delay=5ms,delay=2ms");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(5), impairment.inbound().delayNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2), impairment.outbound().delayNanos());
    }

    @Test
    void durationsTakeEveryUnit() {
        assertEquals(List.of(7L, 7_000L, 1_500_000L, 2_000_000_000L), List.of(
                LinkImpairment.parse("delay=7ns").outbound().delayNanos(),
                LinkImpairment.parse("delay=7us").outbound().delayNanos(),
                LinkImpairment.parse("delay=1.5ms").outbound().delayNanos(),
                LinkImpairment.parse("delay=2s").outbound().delayNanos()));
    }

    @Test
    void reorderingHoldsFramesOneMillisecondUnlessToldOtherwise() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), LinkImpairment.parse("reorder=5%").inbound().reorderHoldNanos());
        assertEquals(TimeUnit.MICROSECONDS.toNanos(300),
                LinkImpairment.parse("reorder=5%,reorder-hold=300us").inbound().reorderHoldNanos());
    }

    @Test
    void rateIsInBitsPerSecondAndLimitInFrames() {
        LinkImpairment impairment = LinkImpairment.parse("rate=100mbit,limit=500");
        assertEquals(12_500_000, impairment.outbound().bytesPerSecond());
        assertEquals(500, impairment.outbound().queueLimit());
    }

    @Test
    void seedDefaultsToZero() {
        assertEquals(0, LinkImpairment.parse("loss=1%").seed());
    }

    @Test
    void noneIsAPerfectLink() {
        assertSame(LinkImpairment.NONE, LinkImpairment.parse(" none "));
        assertTrue(LinkImpairment.NONE.isNone());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                          | empty impairment spec",
            "delay                       | expected key=value",
            "delay=                      | expected key=value",
            "delay=2                     | a duration needs a unit",
            "delay=2min                  | a duration needs a unit",
            "delay=-1ms                  | not a finite number of at least 0",
            "loss=5                      | a percentage with its sign",
            "loss=101%                   | at most 100%",
            "loss=x%                     | 'x' is not a number",
            "loss=NaN%                   | 'NaN' is not a finite number",
            "rate=100                    | a rate needs a unit",
            "limit=0                     | at least 1 frame",
            "limit=many                  | whole number of frames",
            "seed=forty-two              | the seed must be a whole number",
            "seed=1,seed=2               | seed is given twice",
            "delay=1ms,delay=2ms         | delay is given twice",
            "in.loss=1%,in.loss=2%       | in.loss is given twice",
            "latency=2ms                 | unknown key 'latency'",
            "in.seed=3                   | unknown key 'in.seed'",
            "reorder-hold=2ms            | reorder-hold=2ms without a reorder percentage",
            "loss=1%,,delay=1ms          | expected key=value"})
    void malformedSpecsAreRejectedNamingTheItem(String spec, String expectedMessagePart) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LinkImpairment.parse(spec));
        assertTrue(error.getMessage().contains(expectedMessagePart), error.getMessage());
    }

    @Test
    void installPutsAHandlerNextToTheDeviceForEachImpairedDirectionOnly() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelHandler[0]);
        try {
            channel.pipeline().addLast("stack", new ChannelInboundHandlerAdapter());
            LinkImpairment.parse("in.loss=1%").install(channel.pipeline(), Ticker.systemTicker());
            assertEquals(List.of(LinkImpairment.INBOUND_HANDLER, "stack"), channel.pipeline().names().subList(0, 2));
            assertEquals(ImpairmentHandler.Direction.INBOUND,
                    ((ImpairmentHandler) channel.pipeline().get(LinkImpairment.INBOUND_HANDLER)).direction());
            assertNull(channel.pipeline().get(LinkImpairment.OUTBOUND_HANDLER));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void installBothDirectionsWhenBothAreImpaired() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelHandler[0]);
        try {
            LinkImpairment.parse("duplicate=1%").install(channel.pipeline(), Ticker.systemTicker());
            assertEquals(List.of(LinkImpairment.INBOUND_HANDLER, LinkImpairment.OUTBOUND_HANDLER),
                    channel.pipeline().names().subList(0, 2));
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
