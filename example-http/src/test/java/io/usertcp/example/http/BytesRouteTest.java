package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BytesRouteTest {
    @Test
    void bytesHaveTheRequestedLengthAndFollowThePattern() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/1000 HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals(1000, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            assertEquals("application/octet-stream", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertIsPattern(response.body(), 1000);
        }
    }

    @Test
    void bytesSpanningManyChunksContinueThePatternAcrossChunkBoundaries() {
        int count = 5 * RequestRouter.PATTERN_CHUNK + 17;
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/" + count + " HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(count, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            assertIsPattern(response.body(), count);
        }
    }

    @Test
    void zeroBytesIsAnEmptyBodyWithContentLengthZero() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/0 HTTP/1.1\r\nHost: t\r\n\r\n");
            ReceivedResponse response = connection.takeOnlyResponse();
            assertEquals(200, response.status());
            assertEquals(0, response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            assertEquals(0, response.body().length);
            assertTrue(connection.isOpen());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "+5", "1.5", "1e3", "12x", "9223372036854775808", "99999999999999999999",
            "%31", "1/2"})
    void countThatIsNotADecimalLongIsBadRequest(String count) {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.send("GET /bytes/" + count + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(400, connection.takeOnlyResponse().status());
            assertTrue(connection.isOpen(), "a bad count is the client's mistake, not a broken stream");
        }
    }

    @Test
    void largestLongIsAcceptedAsCount() {
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send("GET /bytes/9223372036854775807 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertNotNull(connection.partialHead());
            assertEquals("9223372036854775807", connection.partialHead().headers().get(HttpHeaderNames.CONTENT_LENGTH));
        }
    }

    @Test
    void bytesWaitWhileTheChannelIsNotWritableAndResumeWhenItIs() {
        int count = 3 * RequestRouter.PATTERN_CHUNK;
        try (HttpTestConnection connection = new HttpTestConnection()) {
            connection.setWritable(false);
            connection.send("GET /bytes/" + count + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertNotNull(connection.partialHead(), "the head goes out at once");
            assertEquals(0, connection.partialBody().length);

            connection.setWritable(true);
            ReceivedResponse response = connection.takeOnlyResponse();
            assertIsPattern(response.body(), count);
            assertNull(connection.partialHead());
        }
    }

    private static void assertIsPattern(byte[] body, int expectedLength) {
        assertEquals(expectedLength, body.length);
        for (int i = 0; i < body.length; i++) {
            if (body[i] != (byte) (i % 251)) {
                throw new AssertionError("byte " + i + " is " + (body[i] & 0xff) + ", not " + (i % 251));
            }
        }
    }
}
