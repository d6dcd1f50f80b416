package io.usertcp.codec.fuzz;

import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;

/**
 * What the decoders made of the fuzz inputs: through the chain, a drop reason (counted in the codec's own
 * {@link DropCounters}) or how deep the frame was decoded; fed directly, per decoder, accepted or which
 * reason. The fuzz test asserts on it that the mutator reached every layer and every reason.
 */
final class OutcomeTally {
    private static final DropReason[] REASONS = DropReason.values();
    private static final DecodedAs[] DEPTHS = DecodedAs.values();
    /** Index in a direct-feed row for "accepted"; the drop reasons come before it by ordinal. */
    private static final int ACCEPTED = REASONS.length;

    private final DropCounters chainDrops = new DropCounters();
    private final long[] chainDecoded = new long[DEPTHS.length];
    private final long[][] direct = new long[Decoder.all().length][REASONS.length + 1];

    void countChainDrop(DropReason reason) {
        chainDrops.increment(reason);
    }

    void countChainDecoded(DecodedAs depth) {
        chainDecoded[depth.ordinal()]++;
    }

    void countDirect(Decoder decoder, DropReason reason) {
        direct[decoder.ordinal()][reason == null ? ACCEPTED : reason.ordinal()]++;
    }

    long chainDrops(DropReason reason) {
        return chainDrops.get(reason);
    }

    long chainDecoded(DecodedAs depth) {
        return chainDecoded[depth.ordinal()];
    }

    long chainInputs() {
        long total = chainDrops.total();
        for (long count : chainDecoded) {
            total += count;
        }
        return total;
    }

    long directAccepted(Decoder decoder) {
        return direct[decoder.ordinal()][ACCEPTED];
    }

    long directDropped(Decoder decoder, DropReason reason) {
        return direct[decoder.ordinal()][reason.ordinal()];
    }

    /** A table for the test log: the chain's outcomes, then each decoder's when fed directly. */
    String report() {
        long inputs = chainInputs();
        StringBuilder text = new StringBuilder();
        text.append(String.format("decode chain, %d frames:%n", inputs));
        for (DecodedAs depth : DEPTHS) {
            row(text, "decoded " + depth, chainDecoded(depth), inputs);
        }
        for (DropReason reason : REASONS) {
            row(text, "dropped " + reason, chainDrops(reason), inputs);
        }
        for (Decoder decoder : Decoder.all()) {
            long[] counts = direct[decoder.ordinal()];
            long fed = 0;
            for (long count : counts) {
                fed += count;
            }
            text.append(String.format("%s fed directly, %d regions:%n", decoder, fed));
            row(text, "accepted", counts[ACCEPTED], fed);
            for (DropReason reason : decoder.reasons()) {
                row(text, "dropped " + reason, counts[reason.ordinal()], fed);
            }
        }
        return text.toString();
    }

    private static void row(StringBuilder text, String label, long count, long of) {
        text.append(String.format("  %-34s %10d  %6.2f%%%n", label, count, of == 0 ? 0.0 : 100.0 * count / of));
    }
}
