package io.usertcp.codec;

/**
 * One counter per {@link DropReason}. Owned by one event loop and touched only there, so the
 * per-packet increment is a plain array store with no atomics. Readers on other threads see values
 * that may lag; aggregation across loops sums snapshots.
 */
public final class DropCounters {
    private final long[] counts = new long[DropReason.all().length];

    public void increment(DropReason reason) {
        counts[reason.ordinal()]++;
    }

    public long get(DropReason reason) {
        return counts[reason.ordinal()];
    }

    /** Sum over every reason. */
    public long total() {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("DropCounters{");
        boolean first = true;
        for (DropReason reason : DropReason.all()) {
            long count = counts[reason.ordinal()];
            if (count != 0) {
                text.append(first ? "" : ", ").append(reason).append('=').append(count);
                first = false;
            }
        }
        return text.append('}').toString();
    }
}
