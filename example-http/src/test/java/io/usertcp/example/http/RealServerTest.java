package io.usertcp.example.http;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.usertcp.example.http.RequestBodies.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real server on kernel TCP over loopback, with the JDK's HttpClient and a plain socket as clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealServerTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void rootAnswersOverTheRealTransport(Transport transport) throws Exception {
        try (HttpExampleServer server = start(transport)) {
            HttpResponse<String> response = CLIENT.send(get(server, "/"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("Hello from usertcp example-http via " + transport.commandLineName() + "\n", response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void bytesArriveCompleteAndInPattern(Transport transport) throws Exception {
        try (HttpExampleServer server = start(transport)) {
            HttpResponse<byte[]> response = CLIENT.send(get(server, "/bytes/100000"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals("100000", response.headers().firstValue("content-length").orElseThrow());
            byte[] body = response.body();
            assertEquals(100_000, body.length);
            for (int i = 0; i < body.length; i++) {
                if (body[i] != (byte) (i % 251)) {
                    throw new AssertionError("byte " + i + " breaks the pattern");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void postedBodyIsEchoedIdentically(Transport transport) throws Exception {
        byte[] body = randomBytes(1 << 20, 7);
        try (HttpExampleServer server = start(transport)) {
            HttpRequest request = HttpRequest.newBuilder(uri(server, "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(body, response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void sequentialRequestsReuseOneKeptAliveConnection(Transport transport) throws Exception {
        try (HttpExampleServer server = start(transport)) {
            for (int i = 0; i < 3; i++) {
                CLIENT.send(get(server, "/"), HttpResponse.BodyHandlers.discarding());
            }
            HttpResponse<String> stats = CLIENT.send(get(server, "/stats"), HttpResponse.BodyHandlers.ofString());
            assertTrue(stats.body().contains("usertcp_http_connections_accepted_total{transport=\""
                    + transport.commandLineName() + "\"} 1\n"), stats.body());
            assertTrue(stats.body().contains("usertcp_http_requests_total{transport=\"" + transport.commandLineName()
                    + "\"} 4\n"), stats.body());
        }
    }

    /** Far more than loopback socket buffers hold, so the echo must pace itself to the reading side. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void largeEchoStreamsThroughWhileTheClientSendsAndReceivesAtOnce(Transport transport) throws Exception {
        int length = 64 << 20;
        try (HttpExampleServer server = start(transport); Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            CompletableFuture<byte[]> sentDigest = CompletableFuture.supplyAsync(() -> {
                try {
                    out.write(("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    return writeRandom(out, length, 11);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase().contains("content-length: " + length + "\r\n"), head);
            byte[] receivedDigest = digest(in, length);
            assertArrayEquals(sentDigest.get(30, TimeUnit.SECONDS), receivedDigest);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
    void closedServerNoLongerAcceptsConnections(Transport transport) throws Exception {
        InetSocketAddress address;
        try (HttpExampleServer server = start(transport)) {
            address = server.localAddress();
        }
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    private static HttpExampleServer start(Transport transport) throws IOException {
        assumeTrue(transport.isAvailable(), transport + " is not available on this host");
        return HttpExampleServer.start(ServerOptions.defaults().withTransport(transport)
                .withAddress(InetAddress.getLoopbackAddress()).withPort(0).withThreads(2));
    }

    private static URI uri(HttpExampleServer server, String path) {
        InetSocketAddress address = server.localAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
    }

    private static HttpRequest get(HttpExampleServer server, String path) {
        return HttpRequest.newBuilder(uri(server, path)).GET().build();
    }

    private static Socket connect(HttpExampleServer server) throws IOException {
        Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] writeRandom(OutputStream out, int length, long seed) throws IOException {
        MessageDigest sha = sha256();
        Random random = new Random(seed);
        byte[] block = new byte[32 * 1024];
        for (int left = length; left > 0; left -= block.length) {
            random.nextBytes(block);
            int n = Math.min(left, block.length);
            sha.update(block, 0, n);
            out.write(block, 0, n);
        }
        out.flush();
        return sha.digest();
    }

    private static byte[] digest(InputStream in, int length) throws IOException {
        MessageDigest sha = sha256();
        byte[] block = new byte[64 * 1024];
        int left = length;
        while (left > 0) {
            int n = in.read(block, 0, Math.min(block.length, left));
            if (n < 0) {
                throw new IOException("connection closed with " + left + " body bytes missing");
            }
            sha.update(block, 0, n);
            left -= n;
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
