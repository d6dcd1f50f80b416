package io.usertcp.example.http;

import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackCounters;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpCounters;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.transport.device.UserTcpStack;

import java.util.List;
import java.util.Locale;

/**
 * The counters a usertcp stack keeps, as the text of {@code GET /stats}: link, ARP, IPv4 and ICMP
 * ({@link StackCounters}), TCP ({@link TcpCounters}), and the drops of both by reason ({@link DropCounters}).
 * They are read from the server's thread while the stack updates them on its own loop, which the counter
 * classes allow: a value may lag a few packets behind. Per-type and per-reason counts are listed when not
 * zero, everything else always.
 */
final class StackCountersText {
    private StackCountersText() {
    }

    static String render(List<UserTcpStack> stacks) {
        StringBuilder text = new StringBuilder();
        for (UserTcpStack stack : stacks) {
            render(stack, text);
        }
        return text.toString();
    }

    private static void render(UserTcpStack stack, StringBuilder text) {
        StackConfig config = stack.stack().config();
        StackCounters counters = stack.stack().counters();
        TcpEngine engine = stack.engine();
        text.append("usertcp stack ").append(Ipv4Address.format(config.localAddress())).append('/')
                .append(config.prefixLength()).append(" on ").append(stack.channel().device().name()).append('\n');
        line(text, "frames in", counters.framesIn());
        line(text, "frames out", counters.framesOut());
        line(text, "arp requests in", counters.arpRequestsIn());
        line(text, "arp replies in", counters.arpRepliesIn());
        line(text, "arp requests out", counters.arpRequestsOut());
        line(text, "arp replies out", counters.arpRepliesOut());
        line(text, "ip datagrams in", counters.datagramsIn());
        line(text, "ip datagrams out", counters.datagramsOut());
        line(text, "ip fragments in", counters.fragmentsIn());
        line(text, "ip fragments out", counters.fragmentsOut());
        line(text, "ip reassembled", counters.reassembled());
        line(text, "ip no route", counters.noRoute());
        line(text, "ip fragmentation refused", counters.fragmentationRefused());
        line(text, "icmp errors rate limited", counters.icmpErrorsRateLimited());
        for (int type = 0; type < 256; type++) {
            nonZeroLine(text, "icmp in type " + type, counters.icmpIn(type));
            nonZeroLine(text, "icmp out type " + type, counters.icmpOut(type));
        }
        drops(text, "link and ip drops", counters.drops());
        line(text, "tcp connections", engine.connectionCount());
        TcpCounters tcp = engine.counters();
        for (TcpCounter counter : TcpCounter.values()) {
            line(text, "tcp " + words(counter.name()), tcp.get(counter));
        }
        drops(text, "tcp drops", engine.dropCounters());
    }

    private static void drops(StringBuilder text, String what, DropCounters drops) {
        line(text, what, drops.total());
        for (DropReason reason : DropReason.values()) {
            nonZeroLine(text, what + " " + words(reason.name()), drops.get(reason));
        }
    }

    private static void nonZeroLine(StringBuilder text, String name, long value) {
        if (value != 0) {
            line(text, name, value);
        }
    }

    private static void line(StringBuilder text, String name, long value) {
        text.append("  ").append(name).append(": ").append(value).append('\n');
    }

    /** SEGMENTS_RECEIVED as "segments received". */
    private static String words(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
