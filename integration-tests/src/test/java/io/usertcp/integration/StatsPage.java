package io.usertcp.integration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One reading of example-http's {@code GET /stats} (Prometheus text format 0.0.4), for tests that run a single
 * stack: samples by name and labels, so a test can compare counters before and after an attack.
 */
final class StatsPage {
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    private final String text;
    /** {@code name{labels}} to value; the labels as printed, the braces included when there are any. */
    private final Map<String, Double> samples;

    private StatsPage(String text, Map<String, Double> samples) {
        this.text = text;
        this.samples = samples;
    }

    static StatsPage parse(String text) {
        Matcher matcher = SAMPLE.matcher(text);
        Map<String, Double> samples = new HashMap<>();
        while (matcher.find()) {
            String labels = matcher.group(2) == null ? "" : matcher.group(2);
            samples.put(matcher.group(1) + labels, Double.parseDouble(matcher.group(3)));
        }
        return new StatsPage(text, Map.copyOf(samples));
    }

    /**
     * The stack's counter or gauge {@code name} (e.g. {@code usertcp_tcp_syn_queue_overflows_total}): the sum of
     * its samples, of which a single stack has one; fails the test when the page has none.
     */
    long value(String name) {
        List<Double> matching = samples.entrySet().stream()
                .filter(sample -> metricName(sample.getKey()).equals(name))
                .map(Map.Entry::getValue)
                .toList();
        if (matching.isEmpty()) {
            fail("no metric '" + name + "' in /stats:\n" + text);
        }
        return Math.round(matching.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** {@code usertcp_drops_total} for {@code reason} (a lower-case {@code DropReason} name). */
    long drops(String reason) {
        List<Double> matching = samples.entrySet().stream()
                .filter(sample -> metricName(sample.getKey()).equals("usertcp_drops_total")
                        && sample.getKey().contains("reason=\"" + reason + "\""))
                .map(Map.Entry::getValue)
                .toList();
        if (matching.isEmpty()) {
            fail("no drop reason '" + reason + "' in /stats:\n" + text);
        }
        return Math.round(matching.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** The page as the server sent it, for failure messages. */
    String text() {
        return text;
    }

    private static String metricName(String key) {
        int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }
}
