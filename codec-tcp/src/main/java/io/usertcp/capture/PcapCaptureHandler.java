package io.usertcp.capture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.time.Instant;

/**
 * Records every Ethernet frame passing through it, inbound ({@code channelRead}) and outbound
 * ({@code write}), to a pcap file, like tcpdump on an interface. Add it to a running pipeline where the
 * frames are whole (between the device and the Ethernet layer) and remove it to stop: the file opens in
 * {@code handlerAdded} and is flushed and closed in {@code handlerRemoved}.
 *
 * <p>Frames pass on as they came: the same instance, indexes, contents and reference count; the handler
 * only copies their readable bytes into the file's buffer. Messages that are not {@link ByteBuf}s pass
 * untouched and are not recorded. The file is flushed at the end of each read batch and on each outbound
 * flush. Capture must never hurt the data path: if the file cannot be opened or written, the failure is
 * logged once, capture stops, and frames keep flowing.
 *
 * <p>Timestamps are {@code start} plus the time elapsed on the {@link Ticker} since construction, so a
 * simulation on a mock ticker writes its virtual time. Not sharable: one file per pipeline position.
 */
public final class PcapCaptureHandler extends ChannelDuplexHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PcapCaptureHandler.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PcapWriterConfig config;
    private final Ticker ticker;
    private final long startEpochNanos;
    private final long startTicks;
    /** Null before the handler is added, after it is removed, and once a failure stopped capture. */
    private PcapWriter writer;

    /** Timestamps from the wall clock at construction, advanced by {@code ticker}. */
    public PcapCaptureHandler(PcapWriterConfig config, Ticker ticker) {
        this(config, ticker, Instant.now());
    }

    /** Timestamps from {@code start}, advanced by {@code ticker}: virtual time for simulated runs. */
    public PcapCaptureHandler(PcapWriterConfig config, Ticker ticker, Instant start) {
        this.config = config;
        this.ticker = ticker;
        startEpochNanos = start.getEpochSecond() * NANOS_PER_SECOND + start.getNano();
        startTicks = ticker.nanoTime();
    }

    /** True while frames are being written to the file. */
    public boolean isCapturing() {
        return writer != null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        try {
            writer = PcapWriter.open(config);
        } catch (IOException | RuntimeException e) {
            logger.warn("pcap capture to {} not started: cannot open the file", config.file(), e);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        PcapWriter open = writer;
        writer = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException | RuntimeException e) {
                logger.warn("pcap capture to {} ended with an error closing the file", config.file(), e);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        capture(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushFile();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        capture(msg);
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        flushFile();
        ctx.flush();
    }

    private void capture(Object msg) {
        if (writer == null || !(msg instanceof ByteBuf)) {
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            writer.write(frame, frame.readerIndex(), frame.readableBytes(),
                    startEpochNanos + (ticker.nanoTime() - startTicks));
        } catch (IOException | RuntimeException e) {
            stop("writing a frame", e);
        }
    }

    private void flushFile() {
        if (writer == null) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException | RuntimeException e) {
            stop("flushing the file", e);
        }
    }

    private void stop(String action, Exception cause) {
        PcapWriter failed = writer;
        writer = null;
        try {
            failed.close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        logger.warn("pcap capture to {} stopped: {} failed", config.file(), action, cause);
    }
}
