package io.usertcp.transport.loop;

/**
 * Something living on a usertcp loop that winds down with it, as a stack closes its connections with a FIN
 * before its device goes away. Both methods run on the loop thread.
 */
public interface ShutdownParticipant {
    /**
     * Called on every iteration while the loop shuts down gracefully: starts or continues closing. Returns true
     * while closing is still under way, which keeps the loop running as long as each iteration makes progress.
     */
    boolean closeGracefully();

    /** Called once as the loop is destroyed, before its handles close: ends whatever is left, now. */
    void closeNow();
}
