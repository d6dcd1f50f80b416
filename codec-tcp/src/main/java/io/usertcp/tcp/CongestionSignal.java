package io.usertcp.tcp;

/** The events of {@link io.usertcp.tcp.congestion.CongestionControl}, one constant per method. */
public enum CongestionSignal {
    /** {@code onAck}: new data acknowledged outside fast recovery. */
    ACK,
    /** {@code onCongestionEvent}: loss detected, fast recovery begins. */
    CONGESTION,
    /** {@code onRecoveryAck}: new data acknowledged during fast recovery. */
    RECOVERY_ACK,
    /** {@code onRecoveryExit}: the recovery point is acknowledged. */
    RECOVERY_EXIT,
    /** {@code onRetransmissionTimeout}. */
    RETRANSMISSION_TIMEOUT,
    /** {@code onIdleRestart}: sending again after an idle period. */
    IDLE_RESTART,
    /** {@code onMssChange}: the send MSS changed (path MTU); the new one is the control block's {@code sendMss}. */
    MSS_CHANGE
}
