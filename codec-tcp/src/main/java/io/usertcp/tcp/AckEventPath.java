package io.usertcp.tcp;

/**
 * How segment arrival hands each acceptable ACK to the next stage: "tcp-state" implements it with
 * {@code ctx.fireChannelRead}, so whichever handler is registered as "tcp-retransmission" receives it.
 */
@FunctionalInterface
public interface AckEventPath {
    void ackArrived(AckEvent event);
}
