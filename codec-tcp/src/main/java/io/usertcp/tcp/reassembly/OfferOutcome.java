package io.usertcp.tcp.reassembly;

/**
 * What {@link OutOfOrderQueue#offer} did with a segment. "New" bytes are bytes the queue neither held
 * nor had seen delivered (at or past RCV.NXT) before the offer.
 */
public enum OfferOutcome {
    /** Every byte of the segment was new and is now held. */
    STORED,
    /**
     * Some new bytes are now held; the others were already held or delivered, or were refused by a cap
     * (then {@link OutOfOrderQueue#refusedBytes()} grew).
     */
    PARTLY_STORED,
    /** Nothing new: every byte was already held or already delivered, or the segment was empty. */
    DUPLICATE,
    /** New bytes arrived but none was stored: a cap or the reach limit refused them. */
    REFUSED
}
