package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTest {
    @Test
    void rootGreetsAndNamesTheTransport() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("Hello from usertcp example-http via nio\n", response.bodyText());
            assertEquals("text/plain; charset=utf-8", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertEquals(response.body().length, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
        }
    }

    @Test
    void responsesCarryADateHeader() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertNotNull(connection.takeOnlyResponse().headers().getTimeMillis(HttpHeaderNames.DATE));
        }
    }

    @Test
    void queryStringDoesNotAffectRouting() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /?greeting=yes HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, connection.takeOnlyResponse().status());
        }
    }

    @Test
    void statsReportTransportConnectionsRequestsAndBytesServed() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/1000 HTTP/1.1\r\nHost: t\r\n\r\n");
            connection.takeResponses();
            connection.send("GET /stats HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().get("content-type"));
            String body = response.bodyText();
            assertTrue(body.contains("\nusertcp_http_connections_open{transport=\"nio\"} 1\n"), body);
            assertTrue(body.contains("\nusertcp_http_connections_accepted_total{transport=\"nio\"} 1\n"), body);
            assertTrue(body.contains("\nusertcp_http_requests_total{transport=\"nio\"} 2\n"), body);
            assertTrue(body.contains("\nusertcp_http_body_bytes_served_total{transport=\"nio\"} 1000\n"), body);
        }
    }

    @Test
    void connectionsOnKernelTcpPointToSs() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /connections HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals("no usertcp stack in this server; kernel connections are listed by ss -tin\n",
                    response.bodyText());
        }
    }

    @Test
    void unknownPathIsNotFound() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /nothing-here HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(404, connection.takeOnlyResponse().status());
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void bytesWithoutCountIsNotFoundWithoutSlashAndBadRequestWithIt() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(404, connection.takeOnlyResponse().status());
            connection.send("GET /bytes/ HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(400, connection.takeOnlyResponse().status());
        }
    }

    @Test
    void postToRootIsMethodNotAllowedAndAllowsGet() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(405, response.status());
            assertEquals("GET", response.headers().get(HttpHeaderNames.ALLOW));
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void getOnEchoIsMethodNotAllowedAndAllowsPost() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(405, response.status());
            assertEquals("POST", response.headers().get(HttpHeaderNames.ALLOW));
        }
    }

    @Test
    void bodyOfARejectedRequestIsDiscardedAndTheConnectionServesTheNextRequest() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("POST /stats HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            var responses = connection.takeResponses();
            assertEquals(2, responses.size());
            assertEquals(405, responses.get(0).status());
            assertEquals(200, responses.get(1).status());
        }
    }

    @Test
    void malformedRequestIsBadRequestAndClosesTheConnection() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(400, response.status());
            assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
            assertFalse(connection.isOpen());
        }
    }
}
