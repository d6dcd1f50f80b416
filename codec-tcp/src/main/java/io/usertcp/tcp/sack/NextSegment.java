package io.usertcp.tcp.sack;

/**
 * What {@link SackScoreboard#nextSeg} chose to send, named after the rule of RFC 6675 section 4 NextSeg()
 * that chose it. Every choice but {@link #NONE} comes with a range in {@link SackScoreboard#segmentStart()}
 * and {@link SackScoreboard#segmentLength()}.
 */
public enum NextSegment {
    /** No rule applies: nothing is to be sent. */
    NONE,
    /** Rule (1): a retransmission of data above HighRxt and below SACKed data that IsLost() declares lost. */
    LOST_DATA,
    /** Rule (2): previously unsent data, starting at HighData. */
    NEW_DATA,
    /** Rule (3): a retransmission of unSACKed data above HighRxt and below SACKed data, not yet deemed lost. */
    UNSACKED_DATA,
    /** Rule (4): the once-per-recovery rescue retransmission of the highest unSACKed data. */
    RESCUE
}
