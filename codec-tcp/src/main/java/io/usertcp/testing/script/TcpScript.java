package io.usertcp.testing.script;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegment;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.stack.InboundPacket;
import io.usertcp.stack.OutboundDatagram;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.congestion.CongestionControlAlgorithms;
import io.usertcp.tcp.handler.TcpHandlers;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A packetdrill-style harness for the TCP engine on virtual time: an {@link EmbeddedChannel} whose pipeline
 * holds the four TCP handlers behind a capture handler standing in for "ipv4". {@link #receive} injects a
 * segment from the peer as an {@link InboundPacket} in a read batch of its own, {@link #receiveBatch} several in
 * one batch (channelReadComplete after the last); everything the stack sends is decoded (checksum
 * verified) into {@link SentSegment}s, which {@link #expectSend} and {@link #expectNothing} check in order.
 * Time moves only by {@link #advanceMillis}, which runs every timer due on the way at its own time.
 *
 * <p>The stack is {@link #LOCAL_ADDRESS}; the scripted peer is {@link #REMOTE_ADDRESS}:{@link #REMOTE_PORT}.
 * Our ISS is fixed by the script (so traces can name sequence numbers near 2^32). Mismatches throw
 * {@link AssertionError} with the trace so far. Close the script to release everything.
 */
public final class TcpScript implements AutoCloseable {
    public static final int LOCAL_ADDRESS = Ipv4Address.parse("198.18.0.1");
    public static final int REMOTE_ADDRESS = Ipv4Address.parse("198.18.0.2");
    public static final int LOCAL_PORT = 8080;
    public static final int REMOTE_PORT = 40000;

    private final MockTicker ticker = Ticker.newMockTicker();
    private final TcpEngine engine;
    private final EmbeddedChannel channel;
    private final ArrayDeque<SentSegment> sent = new ArrayDeque<>();
    private final StringBuilder trace = new StringBuilder();
    private final InboundPacket packet = new InboundPacket();
    private final TcpOptions options = new TcpOptions();
    private final FrameBuffers frameBuffers = new FrameBuffers(ByteBufAllocator.DEFAULT);
    private final RecordingConnectionEvents application = new RecordingConnectionEvents();
    private TcpConnection connection;

    /** A script whose stack uses {@code config} and starts every connection at sequence number {@code iss}. */
    public TcpScript(TcpStackConfig config, int iss) {
        engine = new TcpEngine(config, ticker, ByteBufAllocator.DEFAULT,
                (localAddress, localPort, remoteAddress, remotePort) -> iss, new CongestionControlAlgorithms());
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("ipv4", new Capture());
        TcpHandlers.addLast(channel.pipeline(), engine);
    }

    public TcpEngine engine() {
        return engine;
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public MockTicker ticker() {
        return ticker;
    }

    /** The application of the connection the script accepted or opened. */
    public RecordingConnectionEvents application() {
        return application;
    }

    /** The connection accepted by {@link #listen()} or opened by {@link #connect()}; null before. */
    public TcpConnection connection() {
        return connection;
    }

    /** Listens on {@link #LOCAL_PORT}, accepting each connection at once into {@link #application()}. */
    public TcpListener listen() {
        return engine.listen(LOCAL_ADDRESS, LOCAL_PORT, 16, listener -> connection = listener.accept(application));
    }

    /** Listens on {@link #LOCAL_PORT} without accepting: connections wait in the accept queue. */
    public TcpListener listenWithoutAccepting(int backlog) {
        return engine.listen(LOCAL_ADDRESS, LOCAL_PORT, backlog, listener -> { });
    }

    /** Opens a connection to the peer; it sends its SYN at once. */
    public TcpConnection connect() {
        connection = engine.connect(LOCAL_ADDRESS, REMOTE_ADDRESS, REMOTE_PORT, application);
        return connection;
    }

    /**
     * Injects a segment from the peer, to the current connection's port (or {@link #LOCAL_PORT}), as a read batch
     * of its own: the channel reads it, then the read completes.
     */
    public void receive(TcpSegmentSpec spec) {
        inject(spec);
        completeRead();
    }

    /**
     * Injects several segments as one read batch, as a device read returning them together does: each is read,
     * and the read completes only after the last.
     */
    public void receiveBatch(TcpSegmentSpec... specs) {
        for (TcpSegmentSpec spec : specs) {
            inject(spec);
        }
        trace.append(String.format("%8.3f   (end of batch)%n", nowMillis()));
        completeRead();
    }

    private void completeRead() {
        channel.pipeline().fireChannelReadComplete();
        channel.runPendingTasks();
        channel.checkException();
    }

    private void inject(TcpSegmentSpec spec) {
        byte[] payload = spec.payloadBytes();
        ByteBuf frame = frameBuffers.allocate(payload.length);
        frame.writeBytes(payload);
        spec.fillOptions(options);
        int destinationPort = spec.destinationPortOr(connection == null ? LOCAL_PORT : connection.localPort());
        TcpSegmentWriter.prepend(frame, REMOTE_ADDRESS, LOCAL_ADDRESS, spec.sourcePortOr(REMOTE_PORT),
                destinationPort, spec.seqOr(0), spec.ackOr(0), spec.flags(), spec.windowOr(65535), 0, options);
        trace.append(String.format("%8.3f < %s%n", nowMillis(), spec));
        packet.reset(frame);
        packet.setTransport(REMOTE_ADDRESS, LOCAL_ADDRESS, Ipv4Packet.PROTOCOL_TCP, frame, frame.readerIndex(),
                frame.readableBytes(), null);
        channel.pipeline().fireChannelRead(packet);
        channel.checkException();
    }

    /** The next segment the stack sent must match {@code spec}; returns it. */
    public SentSegment expectSend(TcpSegmentSpec spec) {
        SentSegment segment = sent.poll();
        if (segment == null) {
            throw new AssertionError("expected " + spec + " but nothing was sent\n" + trace);
        }
        String mismatch = spec.mismatch(segment);
        if (mismatch != null) {
            throw new AssertionError("expected " + spec + " but sent " + segment + ": " + mismatch + "\n" + trace);
        }
        return segment;
    }

    /** The next segment the stack sent, whatever it is; fails when there is none. */
    public SentSegment nextSent() {
        SentSegment segment = sent.poll();
        if (segment == null) {
            throw new AssertionError("expected a segment but nothing was sent\n" + trace);
        }
        return segment;
    }

    /** Nothing sent that {@link #expectSend} has not consumed. */
    public void expectNothing() {
        if (!sent.isEmpty()) {
            throw new AssertionError("expected nothing but sent " + sent.peek() + "\n" + trace);
        }
    }

    /** Segments sent and not yet consumed. */
    public int pendingSent() {
        return sent.size();
    }

    /** Moves virtual time forward, running each timer at its own deadline on the way. */
    public void advanceMillis(long millis) {
        advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    public void advanceNanos(long nanos) {
        long target = ticker.nanoTime() + nanos;
        while (true) {
            long now = ticker.nanoTime();
            long delay = engine.timingWheel().nextExpiryDelayNanos(now);
            if (delay < 0 || now + delay > target) {
                break;
            }
            ticker.advance(delay, TimeUnit.NANOSECONDS);
            engine.expireTimers();
            channel.checkException();
        }
        ticker.advance(target - ticker.nanoTime(), TimeUnit.NANOSECONDS);
        engine.expireTimers();
        channel.checkException();
    }

    public double nowMillis() {
        return (ticker.nanoTime() - ticker.initialNanoTime()) / 1e6;
    }

    /**
     * Aborts whatever is still open and releases every buffer; fails if a timer outlives its connection, so
     * every scripted test ends with no live timers (the leak detector covers buffers).
     */
    @Override
    public void close() {
        engine.close();
        channel.finishAndReleaseAll();
        int liveTimers = engine.timingWheel().activeCount();
        if (liveTimers != 0) {
            throw new AssertionError(liveTimers + " timer(s) still armed after every connection was closed");
        }
    }

    /** Stands in for "ipv4": decodes each datagram TCP writes and releases it. */
    private final class Capture extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof OutboundDatagram)) {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("TCP wrote " + msg);
            }
            OutboundDatagram datagram = (OutboundDatagram) msg;
            ByteBuf payload = datagram.takePayload();
            try {
                TcpSegment view = new TcpSegment();
                DropReason drop = view.wrap(payload, payload.readerIndex(), payload.readableBytes(),
                        datagram.sourceAddress(), datagram.destinationAddress());
                if (drop != null) {
                    throw new AssertionError("TCP sent an invalid segment: " + drop);
                }
                SentSegment segment = new SentSegment(view, datagram.sourceAddress(), datagram.destinationAddress(),
                        ticker.nanoTime());
                sent.add(segment);
                trace.append(String.format("%8.3f > %s%n", nowMillis(), segment));
            } finally {
                payload.release();
            }
            promise.trySuccess();
        }
    }
}
