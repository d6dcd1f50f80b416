package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static io.usertcp.example.http.RequestBodies.ascii;
import static io.usertcp.example.http.RequestBodies.chunk;
import static io.usertcp.example.http.RequestBodies.concat;
import static io.usertcp.example.http.RequestBodies.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestRouteTest {
    /** SHA-256 of no bytes (FIPS 180-4 test vector). */
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void postBodyIsAnsweredWithItsLengthAndSha256() {
        byte[] body = randomBytes(100_000, 1);
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send(concat(ascii("POST /digest HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length
                    + "\r\n\r\n"), body));
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("length=100000 sha256=" + sha256Hex(body) + "\n", response.bodyText());
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void putBodyIsDigestedLikePost() {
        byte[] body = randomBytes(5_000, 2);
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send(concat(ascii("PUT /digest HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length
                    + "\r\n\r\n"), body));
            assertEquals("length=5000 sha256=" + sha256Hex(body) + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void chunkedBodyIsDigestedAcrossItsChunks() {
        byte[] body = randomBytes(150_000, 3);
        int[] chunkSizes = {1, 40_000, 9, 70_000};
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /digest HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.sendChunked(body, chunkSizes);
            assertEquals("length=150000 sha256=" + sha256Hex(body) + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void answerComesOnlyAfterTheLastChunk() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /digest HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(ascii("part")));
            assertEquals(List.of(), connection.takeResponses());
            connection.send("0\r\n\r\n");
            assertEquals("length=4 sha256=" + sha256Hex(ascii("part")) + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void emptyBodyHasTheDigestOfNothing() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /digest HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
            assertEquals("length=0 sha256=" + EMPTY_SHA256 + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void secondUploadOnTheConnectionIsDigestedFromScratch() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /digest HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /digest HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nde");
            List<ReceivedResponse> responses = connection.takeResponses();
            assertEquals(2, responses.size());
            assertEquals("length=3 sha256=" + sha256Hex(ascii("abc")) + "\n", responses.get(0).bodyText());
            assertEquals("length=2 sha256=" + sha256Hex(ascii("de")) + "\n", responses.get(1).bodyText());
        }
    }

    @Test
    void bodyIsReadWhileTheChannelIsNotWritable() {
        byte[] body = randomBytes(200_000, 4);
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send(concat(ascii("PUT /digest HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length
                    + "\r\n\r\n"), body));
            assertEquals("length=200000 sha256=" + sha256Hex(body) + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void expectContinueIsAnsweredWith100ThenTheDigest() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("PUT /digest HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, connection.takeOnlyResponse().status());
            connection.send("hello");
            assertEquals("length=5 sha256=" + sha256Hex(ascii("hello")) + "\n", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void chunkedBodyCrossingTheLimitClosesTheConnectionWithoutAnAnswer() {
        try (HttpTestConnection connection = new HttpTestConnection(100)) {
            connection.send("POST /digest HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(randomBytes(60, 5)));
            connection.send(chunk(randomBytes(60, 6)));
            assertFalse(connection.isOpen());
            assertEquals(List.of(), connection.takeResponses());
        }
    }

    @Test
    void getOnDigestIsMethodNotAllowedAndAllowsPostAndPut() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /digest HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(405, response.status());
            assertEquals("POST, PUT", response.headers().get(HttpHeaderNames.ALLOW));
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
