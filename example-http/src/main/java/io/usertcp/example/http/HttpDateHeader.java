package io.usertcp.example.http;

import io.netty.handler.codec.DateFormatter;

import java.util.Date;

/**
 * The value of the Date header, which RFC 9110 6.6.1 requires on 2xx and 4xx responses from a server
 * with a clock. It has one-second resolution, so it is formatted once a second, not per response.
 */
final class HttpDateHeader {
    private static volatile Formatted latest = new Formatted(-1, "");

    private HttpDateHeader() {
    }

    static String now() {
        long second = System.currentTimeMillis() / 1000;
        Formatted formatted = latest;
        if (formatted.second != second) {
            formatted = new Formatted(second, DateFormatter.format(new Date(second * 1000)));
            latest = formatted;
        }
        return formatted.value;
    }

    private record Formatted(long second, String value) {
    }
}
