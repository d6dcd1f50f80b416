package io.usertcp.example.http;

import io.netty.util.NetUtil;
import io.usertcp.transport.UserTcpConfig;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to run the server.
 *
 * @param transport    the I/O transport
 * @param address      the local address to listen on
 * @param port         the TCP port, 0 for any free one
 * @param threads      worker event-loop threads (one more thread accepts connections)
 * @param maxBodyBytes the largest request body accepted; the body is streamed, never held, so this
 *                     bounds how long one upload may run, not memory
 * @param stackProperties {@code usertcp.*} system properties to set before the usertcp stack starts (what
 *                     {@code --device} and {@code --stack-address} stand for); empty leaves the JVM's own
 */
public record ServerOptions(Transport transport, InetAddress address, int port, int threads, long maxBodyBytes,
                            Map<String, String> stackProperties) {
    /** 0.0.0.0: every local IPv4 address. */
    public static final InetAddress DEFAULT_ADDRESS = NetUtil.createInetAddressFromIpAddressString("0.0.0.0");
    public static final int DEFAULT_PORT = 8080;
    /** 1 GiB: large enough for transfer tests and benchmarks, small enough to stop an endless upload. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 30;

    public ServerOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535: " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative: " + maxBodyBytes);
        }
        stackProperties = Map.copyOf(stackProperties);
        for (String key : stackProperties.keySet()) {
            if (!key.startsWith(UserTcpConfig.PROPERTY_PREFIX)) {
                throw new IllegalArgumentException("not a usertcp property: " + key);
            }
        }
    }

    /**
     * epoll or NIO (see {@link Transport#defaultForThisHost()}), 0.0.0.0:8080, one worker per processor,
     * bodies up to 1 GiB, the usertcp stack as the system properties describe it.
     */
    public static ServerOptions defaults() {
        return new ServerOptions(Transport.defaultForThisHost(), DEFAULT_ADDRESS, DEFAULT_PORT,
                Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BODY_BYTES, Map.of());
    }

    public ServerOptions withTransport(Transport newTransport) {
        return new ServerOptions(newTransport, address, port, threads, maxBodyBytes, stackProperties);
    }

    public ServerOptions withAddress(InetAddress newAddress) {
        return new ServerOptions(transport, newAddress, port, threads, maxBodyBytes, stackProperties);
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(transport, address, newPort, threads, maxBodyBytes, stackProperties);
    }

    public ServerOptions withThreads(int newThreads) {
        return new ServerOptions(transport, address, port, newThreads, maxBodyBytes, stackProperties);
    }

    public ServerOptions withMaxBodyBytes(long newMaxBodyBytes) {
        return new ServerOptions(transport, address, port, threads, newMaxBodyBytes, stackProperties);
    }

    /** These options with the {@code usertcp.*} system property {@code key} set to {@code value} at start. */
    public ServerOptions withStackProperty(String key, String value) {
        Map<String, String> properties = new HashMap<>(stackProperties);
        properties.put(key, value);
        return new ServerOptions(transport, address, port, threads, maxBodyBytes, properties);
    }
}
