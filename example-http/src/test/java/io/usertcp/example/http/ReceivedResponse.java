package io.usertcp.example.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;

/** A response as the client decoded it, copied out of Netty's buffers (which are already released). */
record ReceivedResponse(int status, HttpHeaders headers, byte[] body) {
    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
