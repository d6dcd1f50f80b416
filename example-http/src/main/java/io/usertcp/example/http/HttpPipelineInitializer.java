package io.usertcp.example.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;

/** Builds each accepted connection's pipeline; the same on every {@link Transport}. */
final class HttpPipelineInitializer extends ChannelInitializer<Channel> {
    /** Largest body piece the decoder emits at once, so one echo write is a quarter of the 64 KiB high water mark. */
    private static final int MAX_CONTENT_CHUNK = 16 * 1024;

    private final Transport transport;
    private final long maxBodyBytes;
    private final ServerStats stats;

    HttpPipelineInitializer(Transport transport, long maxBodyBytes, ServerStats stats) {
        this.transport = transport;
        this.maxBodyBytes = maxBodyBytes;
        this.stats = stats;
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.pipeline()
                .addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(MAX_CONTENT_CHUNK)))
                // The router asks for input one HTTP message at a time; this holds the rest of a decoded read.
                .addLast("one-message-per-read", new FlowControlHandler())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("expect-continue", new BodyLimitExpectContinueHandler(maxBodyBytes))
                .addLast("router", new RequestRouter(transport, maxBodyBytes, stats));
    }
}
