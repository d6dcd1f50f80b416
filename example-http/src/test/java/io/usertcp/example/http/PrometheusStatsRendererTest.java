package io.usertcp.example.http;

import io.usertcp.stack.StackCounters;
import io.usertcp.statistics.StackStatistics;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.info.TcpConnectionListing;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus text of {@code /stats} for stacks whose engines run under {@link TcpScript}. */
class PrometheusStatsRendererTest {
    private static final PrometheusStatsRenderer.ServerCounts SERVER =
            new PrometheusStatsRenderer.ServerCounts(1, 3, 7, 4096);

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), 1000);

    @AfterEach
    void close() {
        script.close();
    }

    private PrometheusStatsRenderer.StackSample establishedStack(String device) {
        script.listen();
        script.receive(tcp().syn().seq(5000).mss(1000).win(65535));
        script.expectSend(tcp().syn().ack(5001).seq(1000));
        script.receive(tcp().ack().seq(5001).ack(1001).win(65535));
        return sample(device);
    }

    private PrometheusStatsRenderer.StackSample sample(String device) {
        return new PrometheusStatsRenderer.StackSample(device, StackStatistics.of(new StackCounters(),
                script.engine()), TcpConnectionListing.of(script.engine(), 100));
    }

    private static int count(String text, String regex) {
        Matcher matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }

    @Test
    void serverCountsCarryTheTransportLabel() {
        String text = PrometheusStatsRenderer.render("nio", SERVER, List.of());

        assertTrue(text.contains("# TYPE usertcp_http_requests_total counter\n"
                + "usertcp_http_requests_total{transport=\"nio\"} 7\n"), text);
        assertTrue(text.contains("usertcp_http_connections_open{transport=\"nio\"} 1\n"), text);
        assertEquals(0, count(text, "^usertcp_tcp_"), text);
    }

    @Test
    void stackCountersAreCountersLabelledByDevice() {
        String text = PrometheusStatsRenderer.render("usertcp", SERVER, List.of(establishedStack("tap7")));

        assertTrue(text.contains("# TYPE usertcp_tcp_passive_opens_total counter\n"
                + "usertcp_tcp_passive_opens_total{device=\"tap7\"} 1\n"), text);
        assertTrue(text.contains("usertcp_drops_total{device=\"tap7\",reason=\"bad_tcp_checksum\"} 0\n"), text);
        assertTrue(text.contains("usertcp_tcp_connections{device=\"tap7\"} 1\n"), text);
        assertTrue(text.contains("usertcp_tcp_time_wait_connections{device=\"tap7\"} 0\n"), text);
        assertTrue(text.contains("usertcp_tcp_orphan_connections{device=\"tap7\"} 0\n"), text);
        assertTrue(text.contains("usertcp_tcp_half_open_connections{device=\"tap7\"} 0\n"), text);
    }

    @Test
    void eachConnectionGetsGaugesLabelledWithItsEndpointsAndState() {
        String text = PrometheusStatsRenderer.render("usertcp", SERVER, List.of(establishedStack("tap7")));

        assertTrue(text.contains("usertcp_tcp_connection_cwnd_bytes{device=\"tap7\",local=\"198.18.0.1:8080\","
                + "remote=\"198.18.0.2:40000\",state=\"established\"} 10000\n"), text);
        assertTrue(text.contains("# TYPE usertcp_tcp_connection_srtt_seconds gauge\n"), text);
    }

    @Test
    void everyFamilyIsDeclaredOnceWhateverTheNumberOfStacks() {
        PrometheusStatsRenderer.StackSample first = establishedStack("tap0");
        String text = PrometheusStatsRenderer.render("usertcp", SERVER, List.of(first, sample("tap1")));

        assertEquals(1, count(text, "^# TYPE usertcp_frames_in_total "), text);
        assertEquals(2, count(text, "^usertcp_frames_in_total\\{"), text);
        assertEquals(count(text, "^# HELP "), count(text, "^# TYPE "), text);
        // Every sample line is a name, optional labels and a number
        assertEquals(0, count(text, "^(?!#)(?![a-z][a-z0-9_]*(\\{[^}]*\\})? -?[0-9.E]+$).+$"), text);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewline() {
        assertEquals("a\\\\b\\\"c\\nd", PrometheusStatsRenderer.escape("a\\b\"c\nd"));
    }
}
