package io.usertcp.example.http;

import io.netty.util.NetUtil;

import java.net.InetAddress;
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
 */
public record ServerOptions(Transport transport, InetAddress address, int port, int threads, long maxBodyBytes) {
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
    }

    /**
     * epoll or NIO (see {@link Transport#defaultForThisHost()}), 0.0.0.0:8080, one worker per processor,
     * bodies up to 1 GiB.
     */
    public static ServerOptions defaults() {
        return new ServerOptions(Transport.defaultForThisHost(), DEFAULT_ADDRESS, DEFAULT_PORT,
                Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BODY_BYTES);
    }

    public ServerOptions withTransport(Transport newTransport) {
        return new ServerOptions(newTransport, address, port, threads, maxBodyBytes);
    }

    public ServerOptions withAddress(InetAddress newAddress) {
        return new ServerOptions(transport, newAddress, port, threads, maxBodyBytes);
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(transport, address, newPort, threads, maxBodyBytes);
    }

    public ServerOptions withThreads(int newThreads) {
        return new ServerOptions(transport, address, port, newThreads, maxBodyBytes);
    }

    public ServerOptions withMaxBodyBytes(long newMaxBodyBytes) {
        return new ServerOptions(transport, address, port, threads, newMaxBodyBytes);
    }
}
