package io.usertcp.transport.management;

import java.io.IOException;
import java.util.Map;

/**
 * The JMX view of one running usertcp stack, registered as {@code io.usertcp:type=Stack,name=<device>} while the
 * stack runs: its counters ({@code nstat}), its connections ({@code ss -tin}) and a pcap capture that can be
 * started and stopped at run time. Every read is taken on the stack's event loop, waiting a few seconds at most.
 */
public interface UserTcpStackMXBean {
    /** The TAP device the stack runs on. */
    String getDevice();

    /** The stack's address and prefix, e.g. {@code 198.18.0.2/24}. */
    String getAddress();

    /** Every stack and TCP counter by name (see {@link io.usertcp.statistics.StackStatistics#counters()}). */
    Map<String, Long> getCounters();

    /** Frames dropped, by reason name, the reasons seen only. */
    Map<String, Long> getDrops();

    /** Connections in the TCP engine's table. */
    int getConnectionCount();

    /** The connections as {@code ss -tin} lists them, at most {@value StackMonitor#JMX_LISTING_LIMIT}. */
    String getConnectionListing();

    /**
     * Starts writing every frame to {@code file} (pcap), rotating at {@code maxFileBytes} and keeping
     * {@code keepFiles} files. Returns the file's absolute path.
     *
     * @throws IOException           if the file cannot be created
     * @throws IllegalStateException if a capture is already running
     */
    String startCapture(String file, long maxFileBytes, int keepFiles) throws IOException;

    /** Stops the capture started by {@link #startCapture}, if one runs; the files stay. */
    void stopCapture();

    /** The file of the capture running now, or an empty string. */
    String getCaptureFile();
}
