package io.usertcp.tcp;

/** One counter per {@link TcpCounter}, owned by one event loop: plain array stores, no atomics. */
public final class TcpCounters {
    private final long[] counts = new long[TcpCounter.all().length];

    public void increment(TcpCounter counter) {
        counts[counter.ordinal()]++;
    }

    /** Adds {@code amount} (0 or more) events at once. */
    public void add(TcpCounter counter, long amount) {
        counts[counter.ordinal()] += amount;
    }

    public long get(TcpCounter counter) {
        return counts[counter.ordinal()];
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TcpCounters{");
        boolean first = true;
        for (TcpCounter counter : TcpCounter.all()) {
            long count = counts[counter.ordinal()];
            if (count != 0) {
                text.append(first ? "" : ", ").append(counter).append('=').append(count);
                first = false;
            }
        }
        return text.append('}').toString();
    }
}
