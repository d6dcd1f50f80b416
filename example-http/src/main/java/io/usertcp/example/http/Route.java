package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.stream.Collectors;

/** The server's paths and the methods each accepts. */
enum Route {
    /** {@code GET /}: a short greeting naming the transport. */
    ROOT(HttpMethod.GET),
    /** {@code POST /echo}: the request body streamed back. */
    ECHO(HttpMethod.POST),
    /** {@code GET /bytes/N}: N bytes of {@link BytePattern}. */
    BYTES(HttpMethod.GET),
    /** {@code GET /stats}: the server's counters, on usertcp the stack's too, for Prometheus. */
    STATS(HttpMethod.GET),
    /** {@code GET /connections}: on usertcp, each stack's connections as {@code ss -tin} lists them. */
    CONNECTIONS(HttpMethod.GET),
    /**
     * {@code POST /digest} or {@code PUT /digest} (curl -T): the body's length and SHA-256, computed as it
     * streams in, so an upload of any size is verified without sending it back.
     */
    DIGEST(HttpMethod.POST, HttpMethod.PUT);

    static final String BYTES_PREFIX = "/bytes/";

    private final List<HttpMethod> methods;

    Route(HttpMethod... methods) {
        this.methods = List.of(methods);
    }

    boolean accepts(HttpMethod method) {
        return methods.contains(method);
    }

    /** The accepted methods as an {@code Allow} header value (RFC 9110 10.2.1), e.g. {@code POST, PUT}. */
    String allowHeader() {
        return methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    }

    /** The route serving {@code path} (no query), or null when none does. */
    static Route forPath(String path) {
        switch (path) {
            case "/":
                return ROOT;
            case "/echo":
                return ECHO;
            case "/stats":
                return STATS;
            case "/connections":
                return CONNECTIONS;
            case "/digest":
                return DIGEST;
            default:
                return path.startsWith(BYTES_PREFIX) ? BYTES : null;
        }
    }

    /** The N of a {@code /bytes/N} path: decimal digits up to {@link Long#MAX_VALUE}, or -1 when it is not one. */
    static long byteCount(String path) {
        if (path.length() == BYTES_PREFIX.length()) {
            return -1;
        }
        long count = 0;
        for (int i = BYTES_PREFIX.length(); i < path.length(); i++) {
            int digit = path.charAt(i) - '0';
            if (digit < 0 || digit > 9 || count > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            count = count * 10 + digit;
        }
        return count;
    }
}
