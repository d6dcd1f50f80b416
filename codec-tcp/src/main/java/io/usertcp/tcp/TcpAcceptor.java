package io.usertcp.tcp;

/** Told by a {@link TcpListener} that an established connection waits in its accept queue. */
@FunctionalInterface
public interface TcpAcceptor {
    /** Call {@link TcpListener#accept} (now or later, on the listener's loop) to take it. */
    void onAcceptable(TcpListener listener);
}
