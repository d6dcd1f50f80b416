package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBuf;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a byte stream, updated as it passes, with its length. */
final class StreamDigest {
    private final MessageDigest digest;
    private final byte[] scratch = new byte[16 * 1024];
    private long bytes;
    private String hex;

    StreamDigest() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void update(byte[] array, int offset, int length) {
        digest.update(array, offset, length);
        bytes += length;
    }

    /** Hashes the readable bytes of {@code data} without moving its indices. */
    void update(ByteBuf data) {
        int index = data.readerIndex();
        int left = data.readableBytes();
        if (data.hasArray()) {
            digest.update(data.array(), data.arrayOffset() + index, left);
        } else {
            while (left > 0) {
                int run = Math.min(left, scratch.length);
                data.getBytes(index, scratch, 0, run);
                digest.update(scratch, 0, run);
                index += run;
                left -= run;
            }
        }
        bytes += data.readableBytes();
    }

    long bytes() {
        return bytes;
    }

    /** The hash of everything so far; the digest is finished by the first call. */
    String hex() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(digest.digest());
        }
        return hex;
    }
}
