package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepAliveTest {
    @Test
    void http11ConnectionServesSeveralRequestsAndStaysOpen() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            for (int i = 0; i < 3; i++) {
                connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                ReceivedResponse response = connection.takeOnlyResponse();
                assertEquals(200, response.status());
                assertNull(response.headers().get(HttpHeaderNames.CONNECTION));
            }
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void connectionCloseClosesAfterTheResponse() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void connectionCloseClosesOnlyAfterAStreamedResponseEnds() {
        int count = 4 * RequestRouter.PATTERN_CHUNK;
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send("GET /bytes/" + count + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertTrue(connection.isOpen());
            connection.setWritable(true);
            assertEquals(count, connection.takeOnlyResponse().body().length);
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void http10ClosesAfterTheResponse() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET / HTTP/1.0\r\n\r\n");
            assertEquals(200, connection.takeOnlyResponse().status());
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void http10KeepAliveStaysOpenAndSaysKeepAlive() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals("keep-alive", response.headers().get(HttpHeaderNames.CONNECTION));
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/100000 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nping"
                    + "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n");
            List<ReceivedResponse> responses = connection.takeResponses();
            assertEquals(3, responses.size());
            assertEquals(100_000, responses.get(0).body().length);
            assertEquals("ping", responses.get(1).bodyText());
            assertEquals(404, responses.get(2).status());
        }
    }

    @Test
    void pipelinedRequestWaitsForTheStreamedResponseAheadOfIt() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send("GET /bytes/100000 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(List.of(), connection.takeResponses());

            connection.setWritable(true);
            List<ReceivedResponse> responses = connection.takeResponses();
            assertEquals(2, responses.size());
            assertEquals(100_000, responses.get(0).body().length);
            assertEquals(200, responses.get(1).status());
        }
    }
}
