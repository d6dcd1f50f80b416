package io.usertcp.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * The JDK's {@link HttpClient} as a peer, run as its own JVM under {@code ip netns exec}: a test JVM cannot
 * move its own sockets into a namespace, a child started there opens all of them inside. One request per
 * run, its result printed on one line:
 * <ul>
 *   <li>{@code get URL} prints {@code STATUS LENGTH SHA256 SECONDS} of the response body;</li>
 *   <li>{@code post URL LENGTH SEED} sends LENGTH seeded random bytes and prints
 *   {@code STATUS SENT_SHA256 RECEIVED_SHA256};</li>
 *   <li>{@code upload URL LENGTH SEED} streams LENGTH seeded random bytes, never holding them all, and prints
 *   {@code STATUS SENT_SHA256 SECONDS RESPONSE_BODY}.</li>
 * </ul>
 */
final class HttpClientInNamespace {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private HttpClientInNamespace() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT).build();
        URI uri = URI.create(args[1]);
        switch (args[0]) {
            case "get" -> get(client, uri);
            case "post" -> post(client, uri, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "upload" -> upload(client, uri, Long.parseLong(args[2]), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("expected get, post or upload, not " + args[0]);
        }
    }

    private static void get(HttpClient client, URI uri) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = PatternDigest.sha256();
        long length = 0;
        try (InputStream body = response.body()) {
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = body.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
                length += n;
            }
        }
        System.out.println(response.statusCode() + " " + length + " " + HexFormat.of().formatHex(digest.digest())
                + " " + secondsSince(start));
    }

    private static void post(HttpClient client, URI uri, int length, long seed) throws IOException, InterruptedException {
        byte[] sent = new byte[length];
        new Random(seed).nextBytes(sent);
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent)).build(), HttpResponse.BodyHandlers.ofByteArray());
        HexFormat hex = HexFormat.of();
        System.out.println(response.statusCode() + " " + hex.formatHex(PatternDigest.sha256().digest(sent)) + " "
                + hex.formatHex(PatternDigest.sha256().digest(response.body())));
    }

    private static void upload(HttpClient client, URI uri, long length, long seed)
            throws IOException, InterruptedException {
        DigestInputStream body = new DigestInputStream(new SeededRandomBytes(length, seed), PatternDigest.sha256());
        // With a known length the body goes out with Content-Length, not chunked.
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> body), length);
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(publisher)
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        System.out.println(response.statusCode() + " " + HexFormat.of().formatHex(body.getMessageDigest().digest())
                + " " + secondsSince(start) + " " + response.body().strip());
    }

    private static String secondsSince(long startNanos) {
        return String.format("%.2f", (System.nanoTime() - startNanos) / 1e9);
    }

    /** {@code length} bytes from a seeded {@link Random}, made as they are read. */
    private static final class SeededRandomBytes extends InputStream {
        private final Random random;
        private final byte[] block = new byte[1 << 16];
        private int blockPosition = block.length;
        private long remaining;

        SeededRandomBytes(long length, long seed) {
            this.random = new Random(seed);
            this.remaining = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            if (blockPosition == block.length) {
                random.nextBytes(block);
                blockPosition = 0;
            }
            int n = (int) Math.min(Math.min(length, block.length - blockPosition), remaining);
            System.arraycopy(block, blockPosition, target, offset, n);
            blockPosition += n;
            remaining -= n;
            return n;
        }
    }
}
