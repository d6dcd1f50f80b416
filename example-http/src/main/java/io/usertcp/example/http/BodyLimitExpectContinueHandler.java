package io.usertcp.example.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers {@code Expect: 100-continue} with 100 Continue, unless the declared body is over the limit:
 * then with 413 and {@code Connection: close} instead, so the client never sends the body
 * (RFC 9110 10.1.1). The request does not reach the router, and {@code HttpServerKeepAliveHandler}
 * closes the connection after the 413.
 */
final class BodyLimitExpectContinueHandler extends HttpServerExpectContinueHandler {
    private final long maxBodyBytes;

    BodyLimitExpectContinueHandler(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        return HttpUtil.getContentLength(request, -1L) > maxBodyBytes ? null : super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.DATE, HttpDateHeader.now())
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
