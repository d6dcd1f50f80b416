package io.usertcp.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.usertcp.testing.pcap.PcapReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PcapCapture} started and stopped on a channel that keeps carrying frames. */
class PcapCaptureTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void passFrame(int id) {
        channel.writeInbound(Unpooled.buffer(60).writeInt(id).writeZero(56));
        ByteBuf passed = channel.readInbound();
        passed.release();
    }

    @Test
    void framesBetweenStartAndCloseAreCapturedAndTheRestPassUncaptured() throws IOException {
        Path file = directory.resolve("live.pcap");
        passFrame(1);
        PcapCapture capture = PcapCapture.start(channel, PcapWriterConfig.of(file));
        passFrame(2);
        passFrame(3);
        capture.close();
        passFrame(4);

        assertEquals(2, PcapReader.read(file).records().size());
        assertFalse(capture.isCapturing());
        assertNull(channel.pipeline().get(PcapCapture.HANDLER_NAME));
    }

    @Test
    void captureSitsFirstInThePipeline() throws IOException {
        try (PcapCapture capture = PcapCapture.start(channel, PcapWriterConfig.of(directory.resolve("f.pcap")))) {
            assertSame(PcapCapture.HANDLER_NAME, channel.pipeline().names().get(0));
            assertTrue(capture.isCapturing());
        }
    }

    @Test
    void sizeCapRotatesIntoFilesThatEachReadOnTheirOwn() throws IOException {
        Path file = directory.resolve("rotating.pcap");
        // Header 24 bytes, records 16 + 60: two records per file
        try (PcapCapture capture = PcapCapture.start(channel, PcapWriterConfig.of(file).withRotation(200, 3))) {
            for (int id = 0; id < 5; id++) {
                passFrame(id);
            }
        }

        assertEquals(1, PcapReader.read(file).records().size());
        assertEquals(2, PcapReader.read(directory.resolve("rotating.pcap.1")).records().size());
        assertEquals(2, PcapReader.read(directory.resolve("rotating.pcap.2")).records().size());
        assertFalse(Files.exists(directory.resolve("rotating.pcap.3")));
    }

    @Test
    void secondCaptureOnTheSameChannelIsRefused() throws IOException {
        try (PcapCapture first = PcapCapture.start(channel, PcapWriterConfig.of(directory.resolve("a.pcap")))) {
            assertThrows(IllegalStateException.class,
                    () -> PcapCapture.start(channel, PcapWriterConfig.of(directory.resolve("b.pcap"))));
            assertTrue(first.isCapturing());
        }
    }

    @Test
    void unwritableFileFailsTheStartAndLeavesThePipelineAsItWas() {
        Path file = directory.resolve("missing-directory").resolve("x.pcap");

        assertThrows(IOException.class, () -> PcapCapture.start(channel, PcapWriterConfig.of(file)));
        assertNull(channel.pipeline().get(PcapCapture.HANDLER_NAME));
    }

    @Test
    void closingTwiceIsHarmless() throws IOException {
        PcapCapture capture = PcapCapture.start(channel, PcapWriterConfig.of(directory.resolve("twice.pcap")));
        capture.close();
        capture.close();

        assertFalse(capture.isCapturing());
    }
}
