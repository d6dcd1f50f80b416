package io.usertcp.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * The JDK's {@link HttpClient} as a peer, run as its own JVM under {@code ip netns exec}: a test JVM cannot
 * move its own sockets into a namespace, a child started there opens all of them inside. One request per
 * run, its result printed on one line:
 * <ul>
 *   <li>{@code get URL} prints {@code STATUS LENGTH SHA256} of the response body;</li>
 *   <li>{@code post URL LENGTH SEED} sends LENGTH seeded random bytes and prints
 *   {@code STATUS SENT_SHA256 RECEIVED_SHA256}.</li>
 * </ul>
 */
final class HttpClientInNamespace {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private HttpClientInNamespace() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT).build();
        URI uri = URI.create(args[1]);
        switch (args[0]) {
            case "get" -> get(client, uri);
            case "post" -> post(client, uri, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("expected get or post, not " + args[0]);
        }
    }

    private static void get(HttpClient client, URI uri) throws IOException, InterruptedException {
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
        System.out.println(response.statusCode() + " " + length + " " + HexFormat.of().formatHex(digest.digest()));
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
}
