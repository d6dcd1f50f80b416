package io.usertcp.integration;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Behind an {@code HttpClientCodec}: POSTs seeded random bytes with Content-Length, as fast as the channel stays
 * writable, and completes with the server's answer.
 *
 * <p>Writing never re-enters itself. The channel fires writability changes synchronously from inside our own
 * write (over the high water mark) and flush (below the low one), on every transport. A write made from such an
 * event would enter Netty's {@code HttpObjectEncoder} while it is still writing out the previous message: the
 * encoder keeps one output list for all calls, so that message would be written twice, as the same buffer.
 */
final class StreamingUpload extends ChannelInboundHandlerAdapter {
    private static final int CHUNK = 64 * 1024;

    final CompletableFuture<String> answer = new CompletableFuture<>();
    private final MessageDigest sha256 = PatternDigest.sha256();
    private final Random random;
    private final byte[] chunk = new byte[CHUNK];
    private final StringBuilder response = new StringBuilder();
    private final String host;
    private long remaining;
    private boolean writing;
    private boolean writeAgain;

    StreamingUpload(String host, long length, long seed) {
        this.host = host;
        this.remaining = length;
        this.random = new Random(seed);
    }

    /** The SHA-256 of the body, once all of it has been written. */
    String sentDigest() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/digest");
        request.headers().set(HttpHeaderNames.HOST, host);
        HttpUtil.setContentLength(request, remaining);
        ctx.write(request);
        writeBody(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writeBody(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void writeBody(ChannelHandlerContext ctx) {
        if (writing) {
            // Fired by our own write or flush: the loop below goes round again instead
            writeAgain = true;
            return;
        }
        writing = true;
        try {
            do {
                writeAgain = false;
                while (remaining > 0 && ctx.channel().isWritable()) {
                    int n = (int) Math.min(chunk.length, remaining);
                    random.nextBytes(chunk);
                    sha256.update(chunk, 0, n);
                    remaining -= n;
                    ByteBuf data = ctx.alloc().buffer(n).writeBytes(chunk, 0, n);
                    ctx.write(remaining == 0 ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data));
                }
                ctx.flush();
            } while (writeAgain);
        } finally {
            writing = false;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpContent content) {
                response.append(content.content().toString(StandardCharsets.UTF_8));
                if (content instanceof LastHttpContent) {
                    answer.complete(response.toString());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answer.completeExceptionally(new IllegalStateException("closed with " + remaining + " bytes unsent"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        answer.completeExceptionally(cause);
        ctx.close();
    }
}
