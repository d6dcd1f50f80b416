package io.usertcp.tcp;

/** The eleven connection states of RFC 9293 3.3.2. */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** RFC 9293 3.3.2: the states after the handshake, where both sequence spaces are known. */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** States in which segment text is delivered to the application (RFC 9293 3.10.7.4, seventh step). */
    public boolean acceptsText() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** States in which our FIN has been queued: the application may no longer send. */
    public boolean isOutputShutdown() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK
                || this == TIME_WAIT;
    }
}
