package io.usertcp.example.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves one connection: routes each request and writes its response, streaming both directions.
 *
 * <p>This handler, not auto-read, decides when the connection reads, one HTTP message at a time (the
 * {@code FlowControlHandler} before it holds the rest of a decoded read):
 * <ul>
 *   <li>while a request body arrives, keep reading; for {@code /echo} only while the channel is writable,
 *       so a client that sends faster than it receives is slowed down instead of filling server memory;</li>
 *   <li>after a request, read the next one only once its response is complete, so pipelined requests
 *       are answered in order (RFC 9112 9.3.2) and never interleave with a streamed body.</li>
 * </ul>
 * {@code GET /bytes/N} is written while the channel is writable and resumed when it becomes writable
 * again. A {@code /digest} body is read as fast as it arrives and kept only as its running SHA-256. A
 * request body over the limit ends the connection: with 413 when its Content-Length shows it up front; a
 * chunked body shows it only once the response is under way, so then by closing before the response ends. Connection persistence (HTTP/1.0, {@code Connection: close}) is left to
 * {@code HttpServerKeepAliveHandler}.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter {
    /** Size of each {@code /bytes/N} chunk. */
    static final int PATTERN_CHUNK = 16 * 1024;

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(RequestRouter.class);

    private final Transport transport;
    private final long maxBodyBytes;
    private final ServerStats stats;

    // The request being read.
    private boolean requestInProgress;
    private HttpVersion requestVersion = HttpVersion.HTTP_1_1;
    private boolean requestKeepAlive;
    private long bodyBytesReceived;

    // The response being written.
    private boolean responseInProgress;
    private boolean echoing;
    private boolean digesting;
    /** The running SHA-256 of a {@code /digest} body; made on the connection's first such request, then reused. */
    private MessageDigest bodyDigest;
    private boolean streamingPattern;
    private long patternOffset;
    private long patternRemaining;

    /** No more input is wanted: the connection is closing. */
    private boolean closing;

    /**
     * Our own {@code ctx.read()}, a flush or a close can call back into this handler; {@code advancing}
     * marks that a {@link #advance} loop is on the stack, and {@code advanceAgain} asks it to look again
     * instead of recursing.
     */
    private boolean advancing;
    private boolean advanceAgain;

    RequestRouter(Transport transport, long maxBodyBytes, ServerStats stats) {
        this.transport = transport;
        this.maxBodyBytes = maxBodyBytes;
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stats.connectionOpened();
        ctx.fireChannelActive();
        advance(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stats.connectionClosed();
        closing = true;
        streamingPattern = false;
        echoing = false;
        digesting = false;
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            onRequest(ctx, (HttpRequest) msg);
        }
        if (msg instanceof HttpContent) {
            onContent(ctx, (HttpContent) msg);
        }
        advance(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        advance(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOGGER.debug("closing {} after an exception", ctx.channel(), cause);
        closing = true;
        ctx.close();
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        stats.requestReceived();
        requestInProgress = true;
        requestVersion = request.protocolVersion();
        requestKeepAlive = HttpUtil.isKeepAlive(request);
        bodyBytesReceived = 0;

        if (request.decoderResult().isFailure()) {
            // The decoder discards the rest of the stream after a failure, so the connection cannot go on.
            respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request\n");
            return;
        }
        if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
            respondAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body over the limit of " + maxBodyBytes + " bytes\n");
            return;
        }
        String path = pathOf(request.uri());
        Route route = Route.forPath(path);
        if (route == null) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n");
            return;
        }
        if (!route.accepts(request.method())) {
            FullHttpResponse response = textResponse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method not allowed; use " + route.allowHeader() + "\n");
            response.headers().set(HttpHeaderNames.ALLOW, route.allowHeader());
            ctx.writeAndFlush(response);
            return;
        }
        switch (route) {
            case ROOT -> serve(ctx, "Hello from usertcp example-http via " + transport.commandLineName() + "\n");
            case STATS -> serveMetrics(ctx, stats.render(transport));
            case CONNECTIONS -> serve(ctx, stats.connectionListing());
            case ECHO -> startEcho(ctx, request);
            case DIGEST -> startDigest();
            case BYTES -> {
                long count = Route.byteCount(path);
                if (count < 0) {
                    respond(ctx, HttpResponseStatus.BAD_REQUEST,
                            "N in /bytes/N must be a decimal number from 0 to " + Long.MAX_VALUE + "\n");
                } else {
                    startPattern(ctx, count);
                }
            }
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (!requestInProgress || closing) {
            content.release();
            return;
        }
        int length = content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        bodyBytesReceived += length;
        // A broken chunked body or one over the limit: the response has started (or is done), so its
        // status cannot change; closing before the response ends is what tells the client.
        if (content.decoderResult().isFailure() || bodyBytesReceived > maxBodyBytes) {
            content.release();
            closing = true;
            ctx.close();
            return;
        }
        if (last) {
            requestInProgress = false;
        }
        if (digesting) {
            digestBody(ctx, content, last);
            return;
        }
        if (!echoing) {
            content.release();
            return;
        }
        if (last) {
            echoing = false;
            responseInProgress = false;
            // A new last chunk without the request's trailers, which are not echoed.
            HttpContent end = new DefaultLastHttpContent(content.content());
            writeBody(ctx, end, length);
        } else if (length > 0) {
            writeBody(ctx, content, length);
        } else {
            content.release();
        }
        ctx.flush();
    }

    private void startEcho(ChannelHandlerContext ctx, HttpRequest request) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if (HttpUtil.isTransferEncodingChunked(request)) {
            HttpUtil.setTransferEncodingChunked(response, true);
        } else {
            // The echo has exactly the declared length, so say so up front instead of chunking it.
            HttpUtil.setContentLength(response, HttpUtil.getContentLength(request, 0L));
        }
        responseInProgress = true;
        echoing = true;
        ctx.write(withCommonHeaders(response));
    }

    private void startDigest() {
        if (bodyDigest == null) {
            bodyDigest = newSha256();
        } else {
            bodyDigest.reset();
        }
        digesting = true;
    }

    /** Adds a piece of a {@code /digest} body to its hash; after the last one, answers with length and hash. */
    private void digestBody(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        try {
            bodyDigest.update(content.content().nioBuffer());
        } finally {
            content.release();
        }
        if (last) {
            digesting = false;
            serve(ctx, "length=" + bodyBytesReceived + " sha256=" + HexFormat.of().formatHex(bodyDigest.digest())
                    + "\n");
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256 (Java SE MessageDigest requirements)", e);
        }
    }

    private void startPattern(ChannelHandlerContext ctx, long count) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        HttpUtil.setContentLength(response, count);
        responseInProgress = true;
        streamingPattern = true;
        patternOffset = 0;
        patternRemaining = count;
        ctx.write(withCommonHeaders(response));
    }

    /**
     * Writes what the connection can take now and reads what it is ready for, until neither changes.
     * Callbacks that arrive while this runs (from our own read, write or flush) only ask it to go round
     * again, so the handler never re-enters itself more than one level deep.
     */
    private void advance(ChannelHandlerContext ctx) {
        if (advancing) {
            advanceAgain = true;
            return;
        }
        advancing = true;
        try {
            do {
                advanceAgain = false;
                if (streamingPattern) {
                    writePattern(ctx);
                }
                if (wantsInput(ctx)) {
                    ctx.read();
                }
            } while (advanceAgain);
        } finally {
            advancing = false;
        }
    }

    private boolean wantsInput(ChannelHandlerContext ctx) {
        if (closing) {
            return false;
        }
        if (requestInProgress) {
            return !echoing || ctx.channel().isWritable();
        }
        return !responseInProgress;
    }

    private void writePattern(ChannelHandlerContext ctx) {
        while (patternRemaining > 0 && ctx.channel().isWritable()) {
            int length = (int) Math.min(PATTERN_CHUNK, patternRemaining);
            ByteBuf chunk = ctx.alloc().buffer(length);
            BytePattern.writeTo(chunk, patternOffset, length);
            patternOffset += length;
            patternRemaining -= length;
            writeBody(ctx, new DefaultHttpContent(chunk), length);
        }
        if (patternRemaining == 0) {
            streamingPattern = false;
            responseInProgress = false;
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        ctx.flush();
    }

    private void writeBody(ChannelHandlerContext ctx, HttpContent content, int length) {
        ChannelFuture written = ctx.write(content);
        if (length > 0) {
            written.addListener(future -> {
                if (future.isSuccess()) {
                    stats.bodyBytesServed(length);
                }
            });
        }
    }

    /** A complete 200 text response. */
    private void serve(ChannelHandlerContext ctx, String text) {
        serve(ctx, textResponse(ctx, HttpResponseStatus.OK, text));
    }

    /** A complete 200 response in the Prometheus text format ({@link PrometheusStatsRenderer}). */
    private void serveMetrics(ChannelHandlerContext ctx, String metrics) {
        FullHttpResponse response = textResponse(ctx, HttpResponseStatus.OK, metrics);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusStatsRenderer.CONTENT_TYPE);
        serve(ctx, response);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpResponse response) {
        int length = response.content().readableBytes();
        ctx.writeAndFlush(response).addListener(future -> {
            if (future.isSuccess()) {
                stats.bodyBytesServed(length);
            }
        });
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        ctx.writeAndFlush(textResponse(ctx, status, text));
    }

    /** Stops reading; {@code HttpServerKeepAliveHandler} closes the connection once the response is written. */
    private void respondAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        closing = true;
        FullHttpResponse response = textResponse(ctx, status, text);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
    }

    private FullHttpResponse textResponse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), text);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        withCommonHeaders(response);
        return response;
    }

    private <T extends HttpResponse> T withCommonHeaders(T response) {
        response.headers().set(HttpHeaderNames.DATE, HttpDateHeader.now());
        // An HTTP/1.0 client keeps the connection only if the response says keep-alive (RFC 9112 C.2.2).
        HttpUtil.setKeepAlive(response.headers(), requestVersion, requestKeepAlive);
        return response;
    }

    private static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
