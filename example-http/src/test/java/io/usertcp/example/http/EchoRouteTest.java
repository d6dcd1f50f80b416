package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.usertcp.example.http.RequestBodies.ascii;
import static io.usertcp.example.http.RequestBodies.chunk;
import static io.usertcp.example.http.RequestBodies.concat;
import static io.usertcp.example.http.RequestBodies.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoRouteTest {
    @Test
    void bodyWithContentLengthComesBackIdenticalWithTheSameLength() {
        byte[] body = randomBytes(100_000, 1);
        try (HttpTestConnection connection = new HttpTestConnection()) {
            String head = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n";
            connection.send(concat(ascii(head), body));
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals(body.length, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            assertFalse(response.headers().contains(HttpHeaderNames.TRANSFER_ENCODING));
            assertArrayEquals(body, response.body());
        }
    }

    @Test
    void chunkedBodyInManyChunksComesBackIdenticalAndChunked() {
        byte[] body = randomBytes(200_000, 2);
        int[] chunkSizes = {1, 7, 4096, 70_000, 15, 100_000};
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.sendChunked(body, chunkSizes);
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("chunked", response.headers().get(HttpHeaderNames.TRANSFER_ENCODING));
            assertArrayEquals(body, response.body());
        }
    }

    @Test
    void firstChunkIsEchoedBeforeTheRequestEnds() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(ascii("first")));
            assertNotNull(connection.partialHead());
            assertEquals("first", new String(connection.partialBody(), StandardCharsets.US_ASCII));

            connection.send(chunk(ascii("second")));
            connection.send("0\r\n\r\n");
            assertEquals("firstsecond", connection.takeOnlyResponse().bodyText());
        }
    }

    @Test
    void emptyBodyIsEchoedAsEmptyWithContentLengthZero() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals(0, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            assertEquals(0, response.body().length);
        }
    }

    @Test
    void declaredBodyOverTheLimitGets413AndTheConnectionCloses() {
        try (HttpTestConnection connection = new HttpTestConnection(100)) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(413, response.status());
            assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void declaredBodyAtTheLimitIsEchoed() {
        byte[] body = randomBytes(100, 3);
        try (HttpTestConnection connection = new HttpTestConnection(100)) {
            connection.send(concat(ascii("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"), body));
            assertArrayEquals(body, connection.takeOnlyResponse().body());
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void chunkedBodyCrossingTheLimitClosesTheConnectionBeforeTheResponseEnds() {
        try (HttpTestConnection connection = new HttpTestConnection(100)) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(randomBytes(60, 4)));
            connection.send(chunk(randomBytes(60, 5)));
            assertFalse(connection.isOpen());
            assertEquals(List.of(), connection.takeResponses(), "the echo must not look complete");
            assertEquals(60, connection.partialBody().length);
        }
    }

    @Test
    void malformedChunkClosesTheConnectionBeforeTheEchoEnds() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(ascii("fine")));
            connection.send("zz\r\nnot a chunk\r\n");
            assertFalse(connection.isOpen());
            assertEquals(List.of(), connection.takeResponses(), "a cut-off echo must not look complete");
            assertEquals("fine", new String(connection.partialBody(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void expectContinueGets100ContinueThenTheEcho() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, connection.takeOnlyResponse().status());
            connection.send("hello");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("hello", response.bodyText());
        }
    }

    @Test
    void expectContinueWithBodyOverTheLimitGets413InsteadOf100AndCloses() {
        try (HttpTestConnection connection = new HttpTestConnection(100)) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(413, response.status());
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void echoStopsReadingWhileTheChannelIsNotWritableAndResumesWhenItIs() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            connection.send(chunk(ascii("one")));
            connection.setWritable(false);
            connection.send(chunk(ascii("two")));
            connection.send(chunk(ascii("three")));
            connection.send("0\r\n\r\n");
            // "two" answers the read requested while the channel was still writable; nothing after it is read.
            assertEquals("onetwo", new String(connection.partialBody(), StandardCharsets.US_ASCII));

            connection.setWritable(true);
            assertEquals("onetwothree", connection.takeOnlyResponse().bodyText());
            assertNull(connection.partialHead());
        }
    }

    @Test
    void echoDoesNotReadTheBodyUntilTheChannelIsWritable() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(List.of(), connection.takeResponses());

            connection.setWritable(true);
            assertEquals("hello", connection.takeOnlyResponse().bodyText());
        }
    }
}
