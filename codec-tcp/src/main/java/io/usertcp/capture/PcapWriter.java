package io.usertcp.capture;

import io.netty.buffer.ByteBuf;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes Ethernet frames to a classic pcap file (the libpcap format tcpdump and Wireshark read) with
 * nanosecond timestamps, rotating it at a size cap. Records collect in one buffer allocated at open and
 * reach the file when it fills, on {@link #flush} and on {@link #close}; each rotated file is closed
 * complete, so every file on disk is a valid capture once flushed.
 *
 * <p>Timestamps are nanoseconds since the Unix epoch supplied by the caller (wall clock, or virtual time
 * in simulations). A timestamp earlier than the previous one is written as the previous one, so records
 * never go back in time. One thread at a time; after an {@link IOException} the writer should be closed.
 */
public final class PcapWriter implements Closeable {
    /** LINKTYPE_ETHERNET: records start with the Ethernet II header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The magic number of nanosecond-resolution pcap; written in big-endian order like every field. */
    static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    static final int GLOBAL_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    private static final int MIN_BUFFER = 64 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path file;
    private final int snapLength;
    private final long maxFileBytes;
    private final int keepFiles;
    private final ByteBuffer buffer;
    private FileChannel channel;
    private long fileBytes;
    private long recordsInFile;
    private long recordsWritten;
    private long lastTimestamp;

    private PcapWriter(PcapWriterConfig config) {
        file = config.file();
        snapLength = config.snapLength();
        maxFileBytes = config.maxFileBytes();
        keepFiles = config.keepFiles();
        buffer = ByteBuffer.allocate(Math.max(MIN_BUFFER, RECORD_HEADER_LENGTH + snapLength));
    }

    /** Creates (or truncates) the file and writes its header to it. */
    public static PcapWriter open(PcapWriterConfig config) throws IOException {
        PcapWriter writer = new PcapWriter(config);
        writer.startFile();
        return writer;
    }

    /**
     * Appends one record: the {@code length} bytes of {@code frame} at {@code index}, cut to the snap
     * length. The buffer's indexes and contents are left as they were.
     *
     * @param epochNanos capture time in nanoseconds since 1970-01-01T00:00:00Z
     */
    public void write(ByteBuf frame, int index, int length, long epochNanos) throws IOException {
        if (channel == null) {
            throw new IOException("pcap writer for " + file + " is closed");
        }
        int captured = Math.min(length, snapLength);
        int recordLength = RECORD_HEADER_LENGTH + captured;
        // A record larger than the cap still goes into a file of its own rather than nowhere.
        if (recordsInFile > 0 && fileBytes + recordLength > maxFileBytes) {
            rotate();
        }
        if (buffer.remaining() < recordLength) {
            drain();
        }
        long timestamp = Math.max(epochNanos, lastTimestamp);
        lastTimestamp = timestamp;
        buffer.putInt((int) (timestamp / NANOS_PER_SECOND))
                .putInt((int) (timestamp % NANOS_PER_SECOND))
                .putInt(captured)
                .putInt(length);
        int limit = buffer.limit();
        buffer.limit(buffer.position() + captured);
        frame.getBytes(index, buffer);
        buffer.limit(limit);
        fileBytes += recordLength;
        recordsInFile++;
        recordsWritten++;
    }

    /** Writes buffered records to the file (no fsync). */
    public void flush() throws IOException {
        if (channel != null) {
            drain();
        }
    }

    /** Flushes and closes the file; later calls do nothing. */
    @Override
    public void close() throws IOException {
        FileChannel open = channel;
        if (open == null) {
            return;
        }
        channel = null;
        try (open) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                open.write(buffer);
            }
        } finally {
            buffer.clear();
        }
    }

    public Path file() {
        return file;
    }

    /** Records written since open, over every rotated file. */
    public long recordsWritten() {
        return recordsWritten;
    }

    private void startFile() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        buffer.putInt(MAGIC_NANOSECONDS)
                .putShort((short) VERSION_MAJOR)
                .putShort((short) VERSION_MINOR)
                .putInt(0)                  // thiszone: timestamps are UTC
                .putInt(0)                  // sigfigs: always 0
                .putInt(snapLength)
                .putInt(LINKTYPE_ETHERNET);
        // Written at once so the file is a valid, empty capture from the start.
        drain();
        fileBytes = GLOBAL_HEADER_LENGTH;
        recordsInFile = 0;
    }

    /** Closes the full file, renames file -> file.1 -> file.2 ..., dropping the oldest, and starts afresh. */
    private void rotate() throws IOException {
        close();
        for (int older = keepFiles - 1; older >= 1; older--) {
            Path from = older == 1 ? file : numbered(older - 1);
            if (Files.exists(from)) {
                Files.move(from, numbered(older), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        startFile();
    }

    private Path numbered(int generation) {
        return file.resolveSibling(file.getFileName() + "." + generation);
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
