package io.usertcp.integration;

import io.usertcp.example.http.BytePattern;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests, in lower-case hex as sha256sum prints them, of what the tests send and expect. */
final class PatternDigest {
    private PatternDigest() {
    }

    /** The digest of the first {@code length} bytes of {@code GET /bytes/N}'s pattern. */
    static String ofPattern(long length) {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[BytePattern.PERIOD * 256];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = BytePattern.at(i);
        }
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk.length, length - done);
            digest.update(chunk, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String ofFile(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
