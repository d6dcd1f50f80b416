package io.usertcp.tcp.allocation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.stack.InboundPacket;
import io.usertcp.stack.OutboundDatagram;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionEvents;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.congestion.CongestionControlAlgorithms;
import io.usertcp.tcp.handler.TcpHandlers;

import java.util.concurrent.TimeUnit;

/**
 * The TCP handlers on an {@link EmbeddedChannel} as the stack runs them, driven the way an event loop drives
 * them (one {@code fireChannelRead} per segment and a {@code fireChannelReadComplete}, no varargs), with a
 * sink that releases what the engine sends after reading its ACK number, and an application that releases
 * what it receives: nothing on the path under test allocates on the harness's behalf. Sequence numbers
 * start just below 2^32. Inbound frames come from a small ring that is rewritten in place ({@link #segment}),
 * so preparing them allocates nothing either.
 */
final class EngineHarness implements AutoCloseable {
    static final int LOCAL = Ipv4Address.parse("198.18.0.1");
    static final int REMOTE = Ipv4Address.parse("198.18.0.2");
    static final int LOCAL_PORT = 8080;
    static final int REMOTE_PORT = 40000;
    static final int OUR_ISS = 0xFFFF_FF00 - 1000;
    static final int PEER_ISS = 0xFFFF_FFFF - 2000;
    static final int MSS = 1000;
    private static final int RING = 64;
    /** RFC 9293 3.1: the acknowledgment number is the third 32-bit word of the header. */
    private static final int ACK_FIELD_OFFSET = 8;

    final MockTicker ticker = Ticker.newMockTicker();
    final TcpEngine engine;
    final EmbeddedChannel channel = new EmbeddedChannel();
    private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private final FrameBuffers frameBuffers = new FrameBuffers(allocator);
    private final InboundPacket packet = new InboundPacket();
    private final TcpOptions options = new TcpOptions();
    private final ByteBuf[] frames = new ByteBuf[RING];
    private int nextFrame;
    TcpConnection connection;
    /** Segments the engine sent, and the last one's ACK number. */
    long segmentsSent;
    int lastAckSent;
    long bytesReceived;
    int peerNext = PEER_ISS + 1;

    EngineHarness(TcpStackConfig config) {
        engine = new TcpEngine(config, ticker, allocator, (a, b, c, d) -> OUR_ISS, new CongestionControlAlgorithms());
        channel.pipeline().addLast("ipv4", new Sink());
        TcpHandlers.addLast(channel.pipeline(), engine);
        for (int i = 0; i < RING; i++) {
            frames[i] = frameBuffers.allocate(MSS);
            frames[i].writeZero(MSS);
        }
    }

    /** Passive open with MSS 1000 and no other options. */
    void establish() {
        engine.listen(LOCAL, LOCAL_PORT, 16, listener -> connection = listener.accept(new Application()));
        receive(segment(PEER_ISS, 0, TcpFlags.SYN, 0));
        receive(segment(peerNext, OUR_ISS + 1, TcpFlags.ACK, 0));
        if (connection == null || connection.state() != TcpState.ESTABLISHED) {
            throw new AssertionError("handshake failed: " + connection);
        }
    }

    /**
     * The next frame of the ring, rewritten as a segment from the peer with {@code payloadLength} bytes (at
     * most the MSS) of its payload area; the ring keeps a reference, so the engine's release never frees it.
     */
    ByteBuf segment(int seq, int ack, int flags, int payloadLength) {
        ByteBuf frame = frames[nextFrame];
        nextFrame = (nextFrame + 1) & (RING - 1);
        if (frame.refCnt() != 1) {
            throw new AssertionError("a frame of the ring is still held: " + frame.refCnt());
        }
        frame.readerIndex(FrameBuffers.HEADROOM);
        frame.writerIndex(FrameBuffers.HEADROOM + payloadLength);
        options.clear();
        if ((flags & TcpFlags.SYN) != 0) {
            options.setMss(MSS);
        }
        TcpSegmentWriter.prepend(frame, REMOTE, LOCAL, REMOTE_PORT, LOCAL_PORT, seq, ack, flags, 65535, 0, options);
        return frame.retain();
    }

    /** One inbound batch of one segment, as the event loop delivers it. */
    void receive(ByteBuf frame) {
        packet.reset(frame);
        packet.setTransport(REMOTE, LOCAL, Ipv4Packet.PROTOCOL_TCP, frame, frame.readerIndex(),
                frame.readableBytes(), null);
        channel.pipeline().fireChannelRead(packet);
        channel.pipeline().fireChannelReadComplete();
    }

    /** The next in-order data segment from the peer, acknowledging everything we sent. */
    void receiveData(int length) {
        receive(segment(peerNext, connection.controlBlock().sndNxt, TcpFlags.ACK, length));
        peerNext += length;
    }

    void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        engine.expireTimers();
    }

    @Override
    public void close() {
        engine.close();
        channel.finishAndReleaseAll();
        for (ByteBuf frame : frames) {
            frame.release();
        }
    }

    /** Stands in for "ipv4": notes the ACK number and releases each datagram. */
    private final class Sink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof OutboundDatagram) {
                ByteBuf payload = ((OutboundDatagram) msg).takePayload();
                lastAckSent = payload.getInt(payload.readerIndex() + ACK_FIELD_OFFSET);
                segmentsSent++;
                payload.release();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // Nothing reaches the channel: the sink consumed every write
        }
    }

    /** Counts and releases what it receives. */
    private final class Application implements TcpConnectionEvents {
        @Override
        public void onEstablished(TcpConnection connection) {
        }

        @Override
        public void onData(TcpConnection connection, ByteBuf data) {
            bytesReceived += data.readableBytes();
            data.release();
        }

        @Override
        public void onReadComplete(TcpConnection connection) {
        }

        @Override
        public void onPeerShutdown(TcpConnection connection) {
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        }

        @Override
        public void onClosed(TcpConnection connection, Throwable cause) {
        }
    }
}
