package io.usertcp.tcp.rtt;

import java.util.Arrays;

/**
 * The minimum of recent values over a sliding time window, in constant space and time: the window is cut
 * into {@value #BUCKETS} buckets of equal span, each keeping the minimum of the values added during it, and
 * the oldest bucket is dropped as time moves into a new one. The reported minimum therefore covers the
 * values of the last 4/5 to 5/5 of the window, never anything older than the window. Buckets span at least
 * a nanosecond, so a window below 5 ns acts as 5 ns.
 *
 * <p>Time moves only when a value is added: with no new values the last minimum stands, however old.
 * Allocates its bucket array at construction and nothing afterwards. Owned by one thread.
 */
public final class WindowedMinimum {
    static final int BUCKETS = 5;
    private static final long EMPTY_BUCKET = Long.MAX_VALUE;

    private final long bucketSpanNanos;
    private final long[] bucketMinimum = new long[BUCKETS];
    private boolean empty = true;
    private long originNanos;
    /** Number of the newest bucket, counted from the one holding the first value. */
    private long newestBucket;
    private long minimum;

    public WindowedMinimum(long windowNanos) {
        this.bucketSpanNanos = Math.max(1, windowNanos / BUCKETS);
    }

    public void add(long value, long nowNanos) {
        if (empty) {
            empty = false;
            originNanos = nowNanos;
            newestBucket = 0;
            Arrays.fill(bucketMinimum, EMPTY_BUCKET);
        }
        long bucket = Math.floorDiv(nowNanos - originNanos, bucketSpanNanos);
        if (bucket > newestBucket) {
            // Clear the buckets time has moved into; after a gap of a whole window that is all of them
            long cleared = Math.min(bucket - newestBucket, BUCKETS);
            for (long i = 1; i <= cleared; i++) {
                bucketMinimum[slot(newestBucket + i)] = EMPTY_BUCKET;
            }
            newestBucket = bucket;
        }
        // A time before the newest bucket (a clock that stepped back) counts as the newest bucket
        int slot = slot(newestBucket);
        if (value < bucketMinimum[slot]) {
            bucketMinimum[slot] = value;
        }
        long least = EMPTY_BUCKET;
        for (long bucketMin : bucketMinimum) {
            least = Math.min(least, bucketMin);
        }
        minimum = least;
    }

    /** The minimum over the window as of the last {@link #add}; 0 before any value. */
    public long minimum() {
        return empty ? 0 : minimum;
    }

    private static int slot(long bucket) {
        return (int) (bucket % BUCKETS);
    }
}
