package io.usertcp.testing.network;

import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Ticker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test support: what a device's link does to the frames the stack receives ({@code inbound}) and sends
 * ({@code outbound}), as netem would on a kernel link, written as one spec such as
 * {@code seed=42,delay=2ms,jitter=1ms,reorder=2%,duplicate=1%,in.corrupt=0.5%}. {@link #install} puts an
 * {@link ImpairmentHandler} for each impaired direction next to the device.
 *
 * <p>The spec is a comma-separated list of {@code key=value} items. A key applies to both directions, or to one
 * with the prefix {@code in.} or {@code out.}, which then wins over the unprefixed item whatever their order:
 * <ul>
 *   <li>{@code seed=N}: the random seed (default 0); outbound draws from N, inbound from N + 1;</li>
 *   <li>{@code loss}, {@code duplicate}, {@code corrupt}, {@code reorder}: the chance per frame, a percentage
 *   with its sign, e.g. {@code 0.5%};</li>
 *   <li>{@code delay}, {@code jitter}, {@code reorder-hold}: a duration with its unit {@code ns}, {@code us},
 *   {@code ms} or {@code s}, e.g. {@code 2ms}; a reordered frame is held back {@code reorder-hold} longer
 *   (default {@value #DEFAULT_REORDER_HOLD_MILLIS} ms). Unlike netem's, this jitter keeps frames in order
 *   ({@link ImpairmentConfig#jitterKeepsOrder()}), as one path whose queues vary does: reordering is
 *   {@code reorder}'s alone, so each can be tested apart;</li>
 *   <li>{@code rate}: the link rate in {@code bit}, {@code kbit}, {@code mbit} or {@code gbit} per second;</li>
 *   <li>{@code limit}: most frames held at once per direction (default 10000), more are dropped.</li>
 * </ul>
 * {@code none} is the spec of a perfect link. Anything else (an unknown key, a key given twice, a number
 * without its unit, a value out of range) is an {@link IllegalArgumentException} naming the item.
 *
 * @param seed     the seed of the outbound handler's random choices; the inbound one's is {@code seed + 1}
 * @param inbound  what happens to frames read from the device before the stack sees them
 * @param outbound what happens to frames the stack writes before the device sends them
 */
public record LinkImpairment(long seed, ImpairmentConfig inbound, ImpairmentConfig outbound) {
    /** A perfect link: nothing is installed. */
    public static final LinkImpairment NONE = new LinkImpairment(0, ImpairmentConfig.NONE, ImpairmentConfig.NONE);
    /** Pipeline name of the handler impairing received frames. */
    public static final String INBOUND_HANDLER = "impairment-in";
    /** Pipeline name of the handler impairing sent frames. */
    public static final String OUTBOUND_HANDLER = "impairment-out";
    static final long DEFAULT_REORDER_HOLD_MILLIS = 1;

    private static final String INBOUND_PREFIX = "in.";
    private static final String OUTBOUND_PREFIX = "out.";
    private static final List<String> KEYS = List.of("loss", "duplicate", "corrupt", "reorder", "reorder-hold",
            "delay", "jitter", "rate", "limit");
    private static final List<String> DURATION_UNITS = List.of("ns", "us", "ms", "s");
    private static final long[] NANOS_PER_DURATION_UNIT = {1, 1_000, 1_000_000, 1_000_000_000};
    private static final List<String> RATE_UNITS = List.of("bit", "kbit", "mbit", "gbit");
    private static final long[] BITS_PER_RATE_UNIT = {1, 1_000, 1_000_000, 1_000_000_000};

    public LinkImpairment {
        if (inbound == null || outbound == null) {
            throw new IllegalArgumentException("inbound and outbound must be given; use ImpairmentConfig.NONE");
        }
    }

    /**
     * The impairment {@code spec} describes (see the class comment).
     *
     * @throws IllegalArgumentException naming the item that is malformed, unknown or repeated
     */
    public static LinkImpairment parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("an empty impairment spec; write none for a perfect link, or e.g."
                    + " seed=42,delay=2ms,jitter=1ms,reorder=2%,duplicate=1%,corrupt=0.5%");
        }
        if (spec.strip().equals("none")) {
            return NONE;
        }
        long seed = 0;
        boolean seedGiven = false;
        Map<String, String> both = new LinkedHashMap<>();
        Map<String, String> in = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (String rawItem : spec.split(",", -1)) {
            String item = rawItem.strip();
            int equals = item.indexOf('=');
            if (equals <= 0 || equals == item.length() - 1) {
                throw bad(item, "expected key=value");
            }
            String key = item.substring(0, equals).strip();
            String value = item.substring(equals + 1).strip();
            if (key.equals("seed")) {
                if (seedGiven) {
                    throw bad(item, "seed is given twice");
                }
                seedGiven = true;
                seed = parseSeed(item, value);
                continue;
            }
            Map<String, String> target = both;
            String name = key;
            if (key.startsWith(INBOUND_PREFIX)) {
                target = in;
                name = key.substring(INBOUND_PREFIX.length());
            } else if (key.startsWith(OUTBOUND_PREFIX)) {
                target = out;
                name = key.substring(OUTBOUND_PREFIX.length());
            }
            if (!KEYS.contains(name)) {
                throw bad(item, "unknown key '" + key + "'; known: seed, " + String.join(", ", KEYS)
                        + ", each but seed also with the prefix in. or out.");
            }
            if (target.put(name, value) != null) {
                throw bad(item, key + " is given twice");
            }
        }
        return new LinkImpairment(seed, direction(both, in), direction(both, out));
    }

    /** Whether frames pass unchanged both ways. */
    public boolean isNone() {
        return inbound.equals(ImpairmentConfig.NONE) && outbound.equals(ImpairmentConfig.NONE);
    }

    /**
     * Adds, first in {@code pipeline} (next to the device), an {@link ImpairmentHandler} named
     * {@value #INBOUND_HANDLER} for received frames and one named {@value #OUTBOUND_HANDLER} for sent frames, each
     * only if that direction is impaired.
     *
     * @param ticker the time of the event loop the pipeline's channel runs on
     */
    public void install(ChannelPipeline pipeline, Ticker ticker) {
        if (!outbound.equals(ImpairmentConfig.NONE)) {
            pipeline.addFirst(OUTBOUND_HANDLER,
                    new ImpairmentHandler(ImpairmentHandler.Direction.OUTBOUND, outbound, seed, ticker));
        }
        if (!inbound.equals(ImpairmentConfig.NONE)) {
            pipeline.addFirst(INBOUND_HANDLER,
                    new ImpairmentHandler(ImpairmentHandler.Direction.INBOUND, inbound, seed + 1, ticker));
        }
    }

    /** One direction's settings: the unprefixed items, overridden by that direction's own. */
    private static ImpairmentConfig direction(Map<String, String> both, Map<String, String> own) {
        Map<String, String> items = new LinkedHashMap<>(both);
        items.putAll(own);
        double loss = 0;
        double duplicate = 0;
        double corrupt = 0;
        double reorder = 0;
        long reorderHold = -1;
        long delay = 0;
        long jitter = 0;
        long bytesPerSecond = 0;
        int limit = ImpairmentConfig.NONE.queueLimit();
        for (Map.Entry<String, String> entry : items.entrySet()) {
            String item = entry.getKey() + '=' + entry.getValue();
            String value = entry.getValue();
            switch (entry.getKey()) {
                case "loss" -> loss = parsePercent(item, value);
                case "duplicate" -> duplicate = parsePercent(item, value);
                case "corrupt" -> corrupt = parsePercent(item, value);
                case "reorder" -> reorder = parsePercent(item, value);
                case "reorder-hold" -> reorderHold = parseDuration(item, value);
                case "delay" -> delay = parseDuration(item, value);
                case "jitter" -> jitter = parseDuration(item, value);
                case "rate" -> bytesPerSecond = parseRate(item, value);
                case "limit" -> limit = parseLimit(item, value);
            }
        }
        if (reorderHold >= 0 && reorder == 0) {
            throw new IllegalArgumentException("bad impairment: reorder-hold=" + items.get("reorder-hold")
                    + " without a reorder percentage for the same direction");
        }
        if (reorderHold < 0) {
            reorderHold = reorder > 0 ? TimeUnit.MILLISECONDS.toNanos(DEFAULT_REORDER_HOLD_MILLIS) : 0;
        }
        return new ImpairmentConfig(loss, duplicate, corrupt, reorder, reorderHold, delay, jitter, bytesPerSecond,
                limit, jitter > 0);
    }

    private static long parseSeed(String item, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(item, "the seed must be a whole number");
        }
    }

    private static double parsePercent(String item, String value) {
        if (!value.endsWith("%")) {
            throw bad(item, "a chance is a percentage with its sign, e.g. 1% or 0.5%");
        }
        double percent = parseNumber(item, value.substring(0, value.length() - 1));
        if (percent > 100) {
            throw bad(item, "a percentage is at most 100%");
        }
        return percent;
    }

    private static long parseDuration(String item, String value) {
        int unitStart = unitStart(value);
        int unit = DURATION_UNITS.indexOf(value.substring(unitStart));
        if (unit < 0) {
            throw bad(item, "a duration needs a unit: ns, us, ms or s, e.g. 2ms");
        }
        return Math.round(parseNumber(item, value.substring(0, unitStart)) * NANOS_PER_DURATION_UNIT[unit]);
    }

    private static long parseRate(String item, String value) {
        int unitStart = unitStart(value);
        int unit = RATE_UNITS.indexOf(value.substring(unitStart));
        if (unit < 0) {
            throw bad(item, "a rate needs a unit: bit, kbit, mbit or gbit (per second), e.g. 100mbit");
        }
        long bytesPerSecond = Math.round(parseNumber(item, value.substring(0, unitStart)) * BITS_PER_RATE_UNIT[unit]
                / Byte.SIZE);
        if (bytesPerSecond < 1) {
            throw bad(item, "a rate must be at least 8bit");
        }
        return bytesPerSecond;
    }

    private static int parseLimit(String item, String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1) {
                throw bad(item, "the limit must be at least 1 frame");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw bad(item, "the limit must be a whole number of frames");
        }
    }

    /** Where the letters (the unit) after the number in {@code value} start. */
    private static int unitStart(String value) {
        int i = value.length();
        while (i > 0 && Character.isLetter(value.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** A finite, non-negative decimal number. */
    private static double parseNumber(String item, String number) {
        double parsed;
        try {
            parsed = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw bad(item, "'" + number + "' is not a number");
        }
        if (!Double.isFinite(parsed) || parsed < 0 || number.chars().anyMatch(Character::isLetter)) {
            throw bad(item, "'" + number + "' is not a finite number of at least 0");
        }
        return parsed;
    }

    private static IllegalArgumentException bad(String item, String why) {
        return new IllegalArgumentException("bad impairment item '" + item + "': " + why);
    }
}
