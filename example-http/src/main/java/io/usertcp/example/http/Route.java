package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpMethod;

/** The server's paths and the one method each accepts. */
enum Route {
    /** {@code GET /}: a short greeting naming the transport. */
    ROOT(HttpMethod.GET),
    /** {@code POST /echo}: the request body streamed back. */
    ECHO(HttpMethod.POST),
    /** {@code GET /bytes/N}: N bytes of {@link BytePattern}. */
    BYTES(HttpMethod.GET),
    /** {@code GET /stats}: the server's counters, and on usertcp the stack's ({@link StackCountersText}). */
    STATS(HttpMethod.GET);

    static final String BYTES_PREFIX = "/bytes/";

    private final HttpMethod method;

    Route(HttpMethod method) {
        this.method = method;
    }

    HttpMethod method() {
        return method;
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
