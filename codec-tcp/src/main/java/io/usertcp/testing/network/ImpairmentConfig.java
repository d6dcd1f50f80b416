package io.usertcp.testing.network;

import java.util.concurrent.TimeUnit;

/**
 * What an {@link ImpairmentHandler} does to the frames it carries: a netem-like link model for tests. Start
 * from {@link #NONE} and add what the test needs:
 * {@code ImpairmentConfig.NONE.withLoss(5).withDelay(10, MILLISECONDS).withJitter(2, MILLISECONDS)}.
 * Percentages are 0 to 100; times are nanoseconds.
 *
 * @param lossPercent       chance a frame is dropped
 * @param duplicatePercent  chance a frame is sent twice
 * @param corruptPercent    chance one bit of an IPv4 frame, after its Ethernet header, is flipped
 * @param reorderPercent    chance a frame is held back {@code reorderHoldNanos} longer, so later frames pass it
 * @param reorderHoldNanos  how long a reordered frame is held back
 * @param delayNanos        one-way latency added to every frame
 * @param jitterNanos       extra latency, uniform in 0..jitter, drawn per frame (frames may reorder unless
 *                          {@code jitterKeepsOrder})
 * @param bytesPerSecond    link rate: each frame occupies the link for its length at this rate; 0 for
 *                          unlimited
 * @param queueLimit        most frames held at once (waiting for the link or their delay); more are dropped
 * @param jitterKeepsOrder  whether a frame waits for the frames before it, as on one path whose queueing delay
 *                          varies, so that jitter varies the latency and only {@code reorderPercent} reorders;
 *                          otherwise each frame's jitter is its own, as netem draws it
 */
public record ImpairmentConfig(double lossPercent, double duplicatePercent, double corruptPercent,
                               double reorderPercent, long reorderHoldNanos, long delayNanos, long jitterNanos,
                               long bytesPerSecond, int queueLimit, boolean jitterKeepsOrder) {
    /** A perfect link: every frame passes at once, unchanged. */
    public static final ImpairmentConfig NONE = new ImpairmentConfig(0, 0, 0, 0, 0, 0, 0, 0, 10_000, false);

    public ImpairmentConfig {
        requirePercent("lossPercent", lossPercent);
        requirePercent("duplicatePercent", duplicatePercent);
        requirePercent("corruptPercent", corruptPercent);
        requirePercent("reorderPercent", reorderPercent);
        requireNotNegative("reorderHoldNanos", reorderHoldNanos);
        requireNotNegative("delayNanos", delayNanos);
        requireNotNegative("jitterNanos", jitterNanos);
        requireNotNegative("bytesPerSecond", bytesPerSecond);
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queueLimit must be positive, got " + queueLimit);
        }
    }

    public ImpairmentConfig withLoss(double percent) {
        return new ImpairmentConfig(percent, duplicatePercent, corruptPercent, reorderPercent, reorderHoldNanos,
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withDuplication(double percent) {
        return new ImpairmentConfig(lossPercent, percent, corruptPercent, reorderPercent, reorderHoldNanos,
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withCorruption(double percent) {
        return new ImpairmentConfig(lossPercent, duplicatePercent, percent, reorderPercent, reorderHoldNanos,
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withReordering(double percent, long hold, TimeUnit unit) {
        return new ImpairmentConfig(lossPercent, duplicatePercent, corruptPercent, percent, unit.toNanos(hold),
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withDelay(long delay, TimeUnit unit) {
        return new ImpairmentConfig(lossPercent, duplicatePercent, corruptPercent, reorderPercent, reorderHoldNanos,
                unit.toNanos(delay), jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withJitter(long jitter, TimeUnit unit) {
        return new ImpairmentConfig(lossPercent, duplicatePercent, corruptPercent, reorderPercent, reorderHoldNanos,
                delayNanos, unit.toNanos(jitter), bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    public ImpairmentConfig withRate(long bytesPerSecond, int queueLimit) {
        return new ImpairmentConfig(lossPercent, duplicatePercent, corruptPercent, reorderPercent, reorderHoldNanos,
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, jitterKeepsOrder);
    }

    /** Jitter that varies the latency without reordering: each frame leaves no earlier than the one before. */
    public ImpairmentConfig withJitterKeepingOrder() {
        return new ImpairmentConfig(lossPercent, duplicatePercent, corruptPercent, reorderPercent, reorderHoldNanos,
                delayNanos, jitterNanos, bytesPerSecond, queueLimit, true);
    }

    private static void requirePercent(String name, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException(name + " must be 0..100, got " + percent);
        }
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
