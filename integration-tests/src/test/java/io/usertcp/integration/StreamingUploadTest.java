package io.usertcp.integration;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingUploadTest {
    private static final long BODY_BYTES = 10 * 64 * 1024;

    /**
     * An {@link EmbeddedChannel} takes each flush at once, so every chunk written crosses the high water mark and
     * every flush drops below the low one: both writability changes fire inside the upload's own writes.
     */
    @Test
    void bodyOnTheWireIsTheBodyHashedWhenWritabilityChangesInsideItsOwnWrites() throws Exception {
        StreamingUpload upload = new StreamingUpload("198.18.0.1:8080", BODY_BYTES, 31);
        EmbeddedChannel channel = new EmbeddedChannel(new HttpClientCodec(), upload);

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Set<ByteBuf> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            byte[] bytes = new byte[written.readableBytes()];
            written.getBytes(written.readerIndex(), bytes);
            wire.writeBytes(bytes);
            distinct.add(written);
        }
        distinct.forEach(ByteBuf::release);
        channel.finishAndReleaseAll();

        byte[] all = wire.toByteArray();
        int headerEnd = new String(all, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        assertTrue(headerEnd >= 4, "no end of headers");
        MessageDigest sha256 = PatternDigest.sha256();
        sha256.update(all, headerEnd, all.length - headerEnd);
        assertEquals(BODY_BYTES, all.length - headerEnd);
        assertEquals(upload.sentDigest(), HexFormat.of().formatHex(sha256.digest()));
    }
}
