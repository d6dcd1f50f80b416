package io.usertcp.capture;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how a {@link PcapWriter} writes: {@code PcapWriterConfig.of(path).withRotation(64 << 20, 4)}.
 *
 * @param file         the capture file; rotated files get {@code .1}, {@code .2}, ... appended
 * @param snapLength   most bytes of each frame kept; longer frames are cut and keep their original length
 * @param maxFileBytes size at which the file is rotated, headers included ({@link Long#MAX_VALUE}: never)
 * @param keepFiles    files kept, the current one included; 1 restarts the one file when it is full
 */
public record PcapWriterConfig(Path file, int snapLength, long maxFileBytes, int keepFiles) {
    /** libpcap's largest snap length (MAXIMUM_SNAPLEN), also tcpdump's default. */
    public static final int MAX_SNAP_LENGTH = 262_144;

    public PcapWriterConfig {
        Objects.requireNonNull(file, "file");
        if (snapLength < 1 || snapLength > MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("snapLength must be 1.." + MAX_SNAP_LENGTH + ", got " + snapLength);
        }
        if (maxFileBytes <= PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFileBytes must leave room for a header and a record, got "
                    + maxFileBytes);
        }
        if (keepFiles < 1) {
            throw new IllegalArgumentException("keepFiles must be at least 1, got " + keepFiles);
        }
    }

    /** Whole frames up to {@link #MAX_SNAP_LENGTH}, one file that grows without a cap. */
    public static PcapWriterConfig of(Path file) {
        return new PcapWriterConfig(file, MAX_SNAP_LENGTH, Long.MAX_VALUE, 1);
    }

    public PcapWriterConfig withSnapLength(int snapLength) {
        return new PcapWriterConfig(file, snapLength, maxFileBytes, keepFiles);
    }

    public PcapWriterConfig withRotation(long maxFileBytes, int keepFiles) {
        return new PcapWriterConfig(file, snapLength, maxFileBytes, keepFiles);
    }
}
