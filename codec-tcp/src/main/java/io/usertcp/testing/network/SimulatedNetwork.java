package io.usertcp.testing.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.usertcp.capture.PcapWriter;
import io.usertcp.capture.PcapWriterConfig;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.timer.DrivenTimers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test support: stacks joined by one in-memory Ethernet segment on virtual time. Each {@link SimulatedHost} is
 * an {@link EmbeddedChannel} on the network's {@link MockTicker} carrying a {@link StackPipeline}; the frames
 * a host flushes pass its egress {@link ImpairmentHandler} and are then delivered, like a switch would, to the
 * host owning the destination MAC, or to every other host for broadcast, multicast and unknown destinations.
 *
 * <p>{@link #runUntil} drives everything from the test thread with no wall-clock sleep: it runs whatever is
 * due now (each channel's tasks and scheduled tasks, which include the stack's timers and the impairment
 * layer's releases, and each host's {@link DrivenTimers}), delivers the frames that produced, repeats
 * until nothing moves, and then advances the ticker straight to the next event. Runs are deterministic for
 * given seeds.
 *
 * <p>With {@link #captureOnFailure} every delivered frame is written to a pcap file with its virtual
 * timestamp; the file is kept and named in the message of any failure {@link #runUntil} or {@link #failure}
 * produces, and deleted on {@link #close} otherwise.
 */
public final class SimulatedNetwork implements AutoCloseable {
    /** The epoch instant virtual time 0 is written as in captures. */
    private static final Instant CAPTURE_EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    /** Rounds of delivery at one instant before the network is declared to be in a frame storm. */
    private static final int MAX_ROUNDS_PER_INSTANT = 100_000;

    private final MockTicker ticker;
    private final long startNanos;
    private final List<SimulatedHost> hosts = new ArrayList<>();
    private PcapWriter capture;
    private boolean keepCapture;
    private long framesDelivered;

    public SimulatedNetwork(MockTicker ticker) {
        this.ticker = ticker;
        startNanos = ticker.nanoTime();
    }

    public MockTicker ticker() {
        return ticker;
    }

    /** Records every frame put on the segment to {@code file}, kept only if the run fails. */
    public SimulatedNetwork captureOnFailure(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            capture = PcapWriter.open(PcapWriterConfig.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the capture " + file, e);
        }
        return this;
    }

    /**
     * Attaches a new host running {@code config}, its sent frames impaired by {@code egress} with random
     * choices seeded by {@code seed}. The host announces itself with a gratuitous ARP at once.
     */
    public SimulatedHost addHost(String name, StackConfig config, ImpairmentConfig egress, long seed) {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
        ImpairmentHandler impairment = new ImpairmentHandler(egress, seed, ticker);
        channel.pipeline().addLast(SimulatedHost.IMPAIRMENT, impairment);
        StackPipeline stack = StackPipeline.install(channel.pipeline(), config, ticker);
        SimulatedHost host = new SimulatedHost(name, channel, impairment, stack);
        hosts.add(host);
        return host;
    }

    /** Frames handed from one host to another (each copy to each receiver counted). */
    public long framesDelivered() {
        return framesDelivered;
    }

    /** Virtual nanoseconds since the network was made. */
    public long elapsedNanos() {
        return ticker.nanoTime() - startNanos;
    }

    /**
     * Runs the network until {@code condition} holds, checking it whenever nothing more is due at the current
     * instant.
     *
     * @throws AssertionError if {@code maxVirtualNanos} of virtual time pass first, naming the capture if any
     */
    public void runUntil(BooleanSupplier condition, long maxVirtualNanos) {
        long deadline = ticker.nanoTime() + maxVirtualNanos;
        while (true) {
            settle();
            if (condition.getAsBoolean()) {
                return;
            }
            long delay = nextEventDelay();
            long now = ticker.nanoTime();
            if (delay < 0 || deadline - (now + delay) < 0) {
                throw failure("condition not met within " + TimeUnit.NANOSECONDS.toMillis(maxVirtualNanos)
                        + " ms of virtual time" + (delay < 0 ? " (nothing left to happen)" : ""));
            }
            ticker.advance(Math.max(delay, 1), TimeUnit.NANOSECONDS);
        }
    }

    /** Runs the network for exactly {@code virtualNanos} of virtual time, handling every event on the way. */
    public void runFor(long virtualNanos) {
        long deadline = ticker.nanoTime() + virtualNanos;
        while (true) {
            settle();
            long now = ticker.nanoTime();
            long remaining = deadline - now;
            if (remaining <= 0) {
                return;
            }
            long delay = nextEventDelay();
            ticker.advance(delay < 0 ? remaining : Math.min(Math.max(delay, 1), remaining), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * An {@link AssertionError} for a test failing on its own check, with the capture flushed, kept and named.
     */
    public AssertionError failure(String message) {
        if (capture == null) {
            return new AssertionError(message + " (no capture: call captureOnFailure to get one)");
        }
        keepCapture = true;
        try {
            capture.flush();
        } catch (IOException e) {
            return new AssertionError(message + " (capture " + capture.file() + " could not be written: " + e + ")");
        }
        return new AssertionError(message + "; link capture: " + capture.file().toAbsolutePath());
    }

    /** Runs everything due at the current instant and delivers the frames that produces, until all is quiet. */
    private void settle() {
        for (int round = 0; round < MAX_ROUNDS_PER_INSTANT; round++) {
            long now = ticker.nanoTime();
            for (SimulatedHost host : hosts) {
                host.channel().runPendingTasks();
                host.channel().runScheduledPendingTasks();
                for (DrivenTimers timers : host.timers()) {
                    timers.expire(now);
                }
                host.channel().checkException();
            }
            boolean moved = false;
            for (SimulatedHost host : hosts) {
                Object frame;
                while ((frame = host.channel().readOutbound()) != null) {
                    deliver(host, (ByteBuf) frame, now);
                    moved = true;
                }
            }
            if (!moved) {
                return;
            }
        }
        throw failure("frames kept flowing after " + MAX_ROUNDS_PER_INSTANT + " rounds at one instant");
    }

    private void deliver(SimulatedHost sender, ByteBuf frame, long now) {
        try {
            record(frame, now);
            long destination = frame.readableBytes() >= 6 ? MacAddress.read(frame, frame.readerIndex()) : 0;
            SimulatedHost owner = null;
            if (!MacAddress.isMulticast(destination)) {
                for (SimulatedHost host : hosts) {
                    if (host != sender && host.config().mac() == destination) {
                        owner = host;
                    }
                }
            }
            for (SimulatedHost host : hosts) {
                if (host != sender && (owner == null || host == owner)) {
                    receive(host, frame.retainedDuplicate());
                }
            }
        } finally {
            frame.release();
        }
    }

    private void receive(SimulatedHost host, ByteBuf frame) {
        framesDelivered++;
        host.channel().writeInbound(frame);
        Object unclaimed;
        while ((unclaimed = host.channel().readInbound()) != null) {
            ReferenceCountUtil.release(unclaimed);
            host.countUnclaimed();
        }
    }

    private void record(ByteBuf frame, long now) {
        if (capture == null) {
            return;
        }
        long epochNanos = CAPTURE_EPOCH.getEpochSecond() * 1_000_000_000L + (now - startNanos);
        try {
            capture.write(frame, frame.readerIndex(), frame.readableBytes(), epochNanos);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the capture " + capture.file(), e);
        }
    }

    /** Delay to the earliest scheduled task or timer of any host; -1 when nothing is pending anywhere. */
    private long nextEventDelay() {
        long now = ticker.nanoTime();
        long earliest = -1;
        for (SimulatedHost host : hosts) {
            earliest = earlier(earliest, host.channel().runScheduledPendingTasks());
            for (DrivenTimers timers : host.timers()) {
                earliest = earlier(earliest, timers.nextExpiryDelayNanos(now));
            }
        }
        return earliest;
    }

    private static long earlier(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /** Closes every host (releasing what their stacks hold) and the capture, deleting it unless a run failed. */
    @Override
    public void close() {
        for (SimulatedHost host : hosts) {
            host.channel().finishAndReleaseAll();
        }
        hosts.clear();
        if (capture != null) {
            Path file = capture.file();
            try {
                capture.close();
                if (!keepCapture) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the capture " + file, e);
            }
            capture = null;
        }
    }
}
