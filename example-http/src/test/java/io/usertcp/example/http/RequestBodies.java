package io.usertcp.example.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Request bytes for the route tests: ASCII text, seeded random bodies and chunks of the chunked coding. */
final class RequestBodies {
    private RequestBodies() {
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code length} bytes that are the same for the same seed, so a failure can be replayed. */
    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One chunk of the chunked transfer coding (RFC 9112 7.1): hex size, CRLF, data, CRLF. */
    static byte[] chunk(byte[] data) {
        return concat(ascii(Integer.toHexString(data.length) + "\r\n"), data, ascii("\r\n"));
    }
}
