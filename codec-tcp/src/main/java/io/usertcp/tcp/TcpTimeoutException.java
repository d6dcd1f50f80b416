package io.usertcp.tcp;

import java.io.IOException;

/**
 * A connection gave up waiting: the connect timeout passed, or a segment was retransmitted until R2 (RFC 9293
 * 3.8.3). The message says which, as ETIMEDOUT does for kernel sockets.
 */
public final class TcpTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public TcpTimeoutException(String message) {
        super(message);
    }
}
