package io.usertcp.tcp;

/**
 * How loss detection hands congestion signals to the next stage: "tcp-retransmission" implements it with
 * {@code ctx.fireChannelRead}, so whichever handler is registered as "tcp-congestion" receives them.
 */
@FunctionalInterface
public interface CongestionEventPath {
    void congestionSignal(CongestionEvent event);
}
