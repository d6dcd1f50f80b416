package io.usertcp.transport.management;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.usertcp.capture.PcapCapture;
import io.usertcp.capture.PcapWriterConfig;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.statistics.StackStatistics;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.info.TcpConnectionListing;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one running stack shows of itself: its counters ({@link #statistics()}), its connections
 * ({@link #connections(int)}) and pcap captures, read from any thread. The values live as plain fields on the
 * stack's event loop, so each read is a task there: the futures complete at once when called on the loop, and
 * the JMX attributes ({@link UserTcpStackMXBean}) wait for them at most {@value #JMX_WAIT_SECONDS} seconds.
 *
 * <p>{@code UserTcpStack} registers it with the platform MBean server as {@code io.usertcp:type=Stack,name=<device>}
 * when it starts and unregisters it when it closes. A failed registration (another stack on a device of the same
 * name in this JVM) is logged and does not stop the stack.
 */
public final class StackMonitor implements UserTcpStackMXBean {
    /** Most connections the JMX listing shows. */
    public static final int JMX_LISTING_LIMIT = 1000;
    static final long JMX_WAIT_SECONDS = 5;
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(StackMonitor.class);

    private final String device;
    private final Channel channel;
    private final StackPipeline stack;
    private final TcpEngine engine;
    private final ObjectName name;
    private final AtomicReference<PcapCapture> capture = new AtomicReference<>();
    private final AtomicBoolean registered = new AtomicBoolean();

    /** A monitor of the stack on {@code channel} (the device's), with its layers and TCP engine. */
    public StackMonitor(String device, Channel channel, StackPipeline stack, TcpEngine engine) {
        this.device = device;
        this.channel = channel;
        this.stack = stack;
        this.engine = engine;
        this.name = objectName(device);
    }

    /** {@code io.usertcp:type=Stack,name=<device>}, the device name quoted if JMX needs it. */
    public static ObjectName objectName(String device) {
        String value = device.matches("[A-Za-z0-9_.@+-]+") ? device : ObjectName.quote(device);
        try {
            return new ObjectName("io.usertcp:type=Stack,name=" + value);
        } catch (JMException e) {
            throw new IllegalArgumentException("no JMX name for device " + device, e);
        }
    }

    public ObjectName objectName() {
        return name;
    }

    /** The counters, copied on the stack's loop. */
    public Future<StackStatistics> statistics() {
        return onLoop(() -> StackStatistics.of(stack.counters(), engine));
    }

    /** At most {@code limit} connections with their tcp_info, taken on the stack's loop. */
    public Future<TcpConnectionListing> connections(int limit) {
        return onLoop(() -> TcpConnectionListing.of(engine, limit));
    }

    private <T> Future<T> onLoop(Callable<T> read) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            try {
                return loop.newSucceededFuture(read.call());
            } catch (Exception e) {
                return loop.newFailedFuture(e);
            }
        }
        return loop.submit(read);
    }

    /** Registers the MXBean; called by the stack as it starts. */
    public void register() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            registered.set(true);
        } catch (InstanceAlreadyExistsException e) {
            logger.warn("{} is already registered (another stack on a device of that name); this one has no MBean",
                    name);
        } catch (JMException e) {
            logger.warn("cannot register {}", name, e);
        }
    }

    /**
     * Stops a running capture and unregisters the MXBean; called by the stack as it closes, and again (doing
     * nothing) when its channel has closed. No lock is held while the loop is waited for, so the loop may call it.
     */
    public void unregister() {
        stopCapture();
        if (!registered.compareAndSet(true, false)) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // unregistered from outside: nothing left to do
        } catch (JMException e) {
            logger.warn("cannot unregister {}", name, e);
        }
    }

    /**
     * Starts a pcap capture of every frame the stack reads and writes; see {@link PcapCapture#start}.
     *
     * @throws IllegalStateException if a capture is already running on this stack
     */
    public PcapCapture startCapture(PcapWriterConfig config) throws IOException {
        // The pipeline admits one capture handler, so concurrent starts cannot both succeed
        PcapCapture started = PcapCapture.start(channel, config);
        capture.set(started);
        logger.debug("{}: capture to {} started", device, config.file());
        return started;
    }

    @Override
    public String getDevice() {
        return device;
    }

    @Override
    public String getAddress() {
        StackConfig config = stack.config();
        return Ipv4Address.format(config.localAddress()) + '/' + config.prefixLength();
    }

    @Override
    public Map<String, Long> getCounters() {
        return await(statistics()).counters();
    }

    @Override
    public Map<String, Long> getDrops() {
        Map<String, Long> seen = new TreeMap<>();
        await(statistics()).drops().forEach((DropReason reason, Long count) -> {
            if (count != 0) {
                seen.put(reason.name().toLowerCase(Locale.ROOT), count);
            }
        });
        return seen;
    }

    @Override
    public int getConnectionCount() {
        return await(statistics()).connections();
    }

    @Override
    public String getConnectionListing() {
        return await(connections(JMX_LISTING_LIMIT)).toString();
    }

    @Override
    public String startCapture(String file, long maxFileBytes, int keepFiles) throws IOException {
        Path path = Path.of(file).toAbsolutePath();
        startCapture(PcapWriterConfig.of(path).withRotation(maxFileBytes, keepFiles));
        return path.toString();
    }

    @Override
    public void stopCapture() {
        PcapCapture running = capture.getAndSet(null);
        if (running != null) {
            running.close();
            logger.debug("{}: capture to {} stopped", device, running.file());
        }
    }

    @Override
    public String getCaptureFile() {
        PcapCapture running = capture.get();
        return running != null && running.isCapturing() ? running.file().toString() : "";
    }

    private static <T> T await(Future<T> read) {
        try {
            return read.get(JMX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the stack", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the stack failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the stack's loop did not answer within " + JMX_WAIT_SECONDS + " s", e);
        }
    }

    @Override
    public String toString() {
        return "StackMonitor{" + name + '}';
    }
}
