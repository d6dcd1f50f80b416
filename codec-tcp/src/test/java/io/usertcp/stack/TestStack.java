package io.usertcp.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.usertcp.codec.DropReason;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack on an EmbeddedChannel with a mock ticker, plus a recording handler after "icmp" standing in for the
 * TCP layer: it keeps a copy of what each delivered packet said, and the events fired to it.
 */
final class TestStack implements AutoCloseable {
    final MockTicker ticker;
    final EmbeddedChannel channel;
    final StackPipeline stack;
    final List<Delivered> delivered = new ArrayList<>();
    final List<ErrorSeen> errorEvents = new ArrayList<>();

    /** What the transport layer saw of one packet. */
    record Delivered(int source, int destination, int protocol, byte[] transport) {
    }

    /** The fields of one IcmpErrorEvent, copied during the event. */
    record ErrorSeen(int type, int code, int nextHopMtu, int reporter, int quotedSource, int quotedDestination,
                     int quotedSourcePort, int quotedDestinationPort, int quotedSequenceNumber) {
    }

    TestStack(StackConfig config) {
        ticker = StackFrames.ticker();
        channel = EmbeddedChannel.builder().ticker(ticker).build();
        stack = StackPipeline.install(channel.pipeline(), config, ticker);
        channel.pipeline().addLast("transport", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                InboundPacket packet = (InboundPacket) msg;
                byte[] transport = new byte[packet.transportLength()];
                packet.transportBuffer().getBytes(packet.transportOffset(), transport);
                delivered.add(new Delivered(packet.sourceAddress(), packet.destinationAddress(), packet.protocol(),
                        transport));
                packet.release();
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IcmpErrorEvent) {
                    IcmpErrorEvent e = (IcmpErrorEvent) evt;
                    errorEvents.add(new ErrorSeen(e.type(), e.code(), e.nextHopMtu(), e.reporter(), e.quotedSource(),
                            e.quotedDestination(), e.quotedSourcePort(), e.quotedDestinationPort(),
                            e.quotedSequenceNumber()));
                }
            }
        });
    }

    /** Starts with the default test configuration and drops the start-up gratuitous ARP. */
    static TestStack started() {
        return started(StackFrames.config().build());
    }

    static TestStack started(StackConfig config) {
        TestStack stack = new TestStack(config);
        StackFrames.releaseAll(stack.sent());
        return stack;
    }

    void receive(ByteBuf frame) {
        channel.writeInbound(frame);
    }

    /** Frames the stack wrote and flushed to the device since the last call; the caller releases them. */
    List<ByteBuf> sent() {
        return StackFrames.readFrames(channel);
    }

    long drops(DropReason reason) {
        return stack.counters().drops().get(reason);
    }

    StackCounters counters() {
        return stack.counters();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
