package io.usertcp.example.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One server connection on an {@link EmbeddedChannel} with the production pipeline, and a client-side
 * response decoder fed with everything the server writes. Responses are copied out and their buffers
 * released as they arrive, so tests hold no Netty buffers.
 */
final class HttpTestConnection implements AutoCloseable {
    private final EmbeddedChannel server;
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder());
    private final List<ReceivedResponse> responses = new ArrayList<>();
    private HttpResponse partialHead;
    private final ByteArrayOutputStream partialBody = new ByteArrayOutputStream();

    HttpTestConnection(long maxBodyBytes) {
        server = new EmbeddedChannel(new HttpPipelineInitializer(Transport.NIO, maxBodyBytes, new ServerStats()));
    }

    HttpTestConnection() {
        this(ServerOptions.DEFAULT_MAX_BODY_BYTES);
    }

    void send(String ascii) {
        send(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    void send(byte[] bytes) {
        server.writeInbound(Unpooled.wrappedBuffer(bytes));
        collect();
    }

    /**
     * Sends {@code body} as chunks of {@code chunkSizes} bytes, one write each, the bytes left as one more chunk,
     * then the last chunk that ends the body.
     */
    void sendChunked(byte[] body, int... chunkSizes) {
        int offset = 0;
        for (int size : chunkSizes) {
            send(RequestBodies.chunk(Arrays.copyOfRange(body, offset, offset + size)));
            offset += size;
        }
        send(RequestBodies.chunk(Arrays.copyOfRange(body, offset, body.length)));
        send("0\r\n\r\n");
    }

    /** Marks the server channel unwritable (or writable again), as a full socket send buffer would. */
    void setWritable(boolean writable) {
        server.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        // The writability event is delivered as a task on the channel's event loop.
        server.runPendingTasks();
        collect();
    }

    boolean isOpen() {
        return server.isOpen();
    }

    /** Every response completed since the last call. */
    List<ReceivedResponse> takeResponses() {
        List<ReceivedResponse> taken = new ArrayList<>(responses);
        responses.clear();
        return taken;
    }

    ReceivedResponse takeOnlyResponse() {
        List<ReceivedResponse> taken = takeResponses();
        assertEquals(1, taken.size(), "responses");
        return taken.get(0);
    }

    /** The head of a response whose body has not ended yet, or null. */
    HttpResponse partialHead() {
        return partialHead;
    }

    /** Body bytes received so far of the response that has not ended yet. */
    byte[] partialBody() {
        return partialBody.toByteArray();
    }

    private void collect() {
        for (Object written; (written = server.readOutbound()) != null; ) {
            client.writeInbound((ByteBuf) written);
        }
        for (Object decoded; (decoded = client.readInbound()) != null; ) {
            try {
                take(decoded);
            } finally {
                ReferenceCountUtil.release(decoded);
            }
        }
    }

    private void take(Object decoded) {
        if (decoded instanceof HttpResponse) {
            partialHead = (HttpResponse) decoded;
            partialBody.reset();
        }
        if (decoded instanceof HttpContent) {
            ByteBuf content = ((HttpContent) decoded).content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            partialBody.writeBytes(bytes);
        }
        if (decoded instanceof LastHttpContent) {
            responses.add(new ReceivedResponse(partialHead.status().code(), partialHead.headers().copy(),
                    partialBody.toByteArray()));
            partialHead = null;
            partialBody.reset();
        }
    }

    @Override
    public void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }
}
