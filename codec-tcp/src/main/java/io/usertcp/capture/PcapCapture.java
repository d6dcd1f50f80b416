package io.usertcp.capture;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A capture running on a live channel, like tcpdump on an interface: {@link #start} puts a
 * {@link PcapCaptureHandler} first in the channel's pipeline, where the device's frames are whole, and
 * {@link #close()} takes it out again, which flushes and closes the file. Traffic keeps flowing throughout. One
 * capture per channel at a time (its handler is named {@value #HANDLER_NAME}); closing the channel ends it too.
 */
public final class PcapCapture implements AutoCloseable {
    /** The name of the capture handler in the pipeline. */
    public static final String HANDLER_NAME = "pcap-capture";
    private static final long LOOP_WAIT_SECONDS = 10;

    private final Channel channel;
    private final PcapCaptureHandler handler;
    private final Path file;

    private PcapCapture(Channel channel, PcapCaptureHandler handler, Path file) {
        this.channel = channel;
        this.handler = handler;
        this.file = file;
    }

    /**
     * Starts capturing every frame {@code channel} reads and writes to the file of {@code config}, rotated at
     * its size cap. Returns once the file is open; may be called from any thread, the channel's loop included.
     *
     * @throws IOException           if the file cannot be created (nothing is left in the pipeline then)
     * @throws IllegalStateException if the channel already has a capture running
     */
    public static PcapCapture start(Channel channel, PcapWriterConfig config) throws IOException {
        EventLoop loop = channel.eventLoop();
        PcapCaptureHandler handler = new PcapCaptureHandler(config, loop.ticker());
        try {
            // The handler opens the file in handlerAdded, which runs on the loop before the check below
            channel.pipeline().addFirst(HANDLER_NAME, handler);
        } catch (IllegalArgumentException duplicateName) {
            throw new IllegalStateException("a capture is already running on " + channel, duplicateName);
        }
        if (!onLoop(loop, handler::isCapturing)) {
            onLoop(loop, () -> removeIfPresent(channel, handler));
            throw new IOException("cannot capture to " + config.file() + "; the log says why");
        }
        return new PcapCapture(channel, handler, config.file());
    }

    /** The current capture file; rotated files carry {@code .1}, {@code .2}, ... after its name. */
    public Path file() {
        return file;
    }

    /** False once the capture was closed, its channel closed, or writing failed. */
    public boolean isCapturing() {
        return handler.isCapturing();
    }

    /** Takes the handler out of the pipeline and returns once the file is flushed and closed. Idempotent. */
    @Override
    public void close() {
        try {
            onLoop(channel.eventLoop(), () -> removeIfPresent(channel, handler));
        } catch (RejectedExecutionException loopGone) {
            // the loop has shut down, and closing its channels removed the handler already
        }
    }

    private static boolean removeIfPresent(Channel channel, PcapCaptureHandler handler) {
        if (channel.pipeline().context(handler) == null) {
            return false;
        }
        channel.pipeline().remove(handler);
        return true;
    }

    private static boolean onLoop(EventLoop loop, BooleanSupplier task) {
        if (loop.inEventLoop()) {
            return task.getAsBoolean();
        }
        try {
            return loop.submit(task::getAsBoolean).get(LOOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + loop, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the capture could not change on " + loop, e);
        }
    }

    @Override
    public String toString() {
        return "PcapCapture{" + file + " on " + channel + '}';
    }
}
