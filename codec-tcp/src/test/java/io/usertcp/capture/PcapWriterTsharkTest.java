package io.usertcp.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.arp.ArpPacketWriter;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.icmp.IcmpMessage;
import io.usertcp.codec.icmp.IcmpMessageWriter;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Wireshark's own dissectors as the judge of a capture written from frames the codec writers built. */
class PcapWriterTsharkTest {
    private static final long CLIENT_MAC = 0x0200_0000_0001L;
    private static final long SERVER_MAC = 0x0200_0000_0002L;
    private static final int CLIENT_IP = 0xC612_0001;     // 198.18.0.1
    private static final int SERVER_IP = 0xC612_0002;     // 198.18.0.2
    private static final long EPOCH_NANOS = 1_700_000_000_000_000_000L;

    private final FrameBuffers frameBuffers = new FrameBuffers(PooledByteBufAllocator.DEFAULT);

    @TempDir
    Path directory;

    @Test
    void tsharkDecodesCodecBuiltFramesWithoutComplaint() throws Exception {
        Path tshark = findTshark();
        Path file = directory.resolve("codec.pcap");
        List<ByteBuf> frames = List.of(arpRequest(), tcpSyn(), tcpData(), echoRequest());
        try (PcapWriter writer = PcapWriter.open(PcapWriterConfig.of(file))) {
            long timestamp = EPOCH_NANOS;
            for (ByteBuf frame : frames) {
                writer.write(frame, frame.readerIndex(), frame.readableBytes(), timestamp);
                timestamp += TimeUnit.MILLISECONDS.toNanos(1);
            }
        } finally {
            frames.forEach(ByteBuf::release);
        }

        Process process = new ProcessBuilder(tshark.toString(), "-r", file.toString(), "-V",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark did not finish");

        assertEquals(0, process.exitValue(), output);
        String lower = output.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("malformed"), output);
        assertFalse(lower.contains("bad checksum"), output);
        assertFalse(lower.contains("status: bad"), output);
        assertTrue(output.contains("Frame 4:"), output);
        // Three IPv4 headers, two TCP segments and one ICMP message were verified, not skipped.
        assertEquals(6, count(output, "Checksum Status: Good"), output);
        assertTrue(output.contains("Address Resolution Protocol (request)"), output);
        assertTrue(output.contains("Echo (ping) request"), output);
    }

    private static int count(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle), Pattern.CASE_INSENSITIVE).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** tshark on the PATH; skips the test without it, except on CI, which installs it and must run this. */
    private static Path findTshark() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                Path candidate = Path.of(entry, "tshark");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("tshark is not on the PATH, and CI=true: CI installs it (apt-get install tshark)");
        }
        assumeTrue(false, "tshark is not on the PATH: install it (apt-get install tshark) to check captures");
        throw new AssertionError("unreachable: assumeTrue(false) aborts the test");
    }

    private ByteBuf arpRequest() {
        ByteBuf frame = frameBuffers.allocate(0);
        ArpPacketWriter.prepend(frame, ArpPacket.OPERATION_REQUEST, CLIENT_MAC, CLIENT_IP, 0L, SERVER_IP);
        EthernetHeaderWriter.prepend(frame, MacAddress.BROADCAST, CLIENT_MAC, EthernetFrame.ETHERTYPE_ARP);
        return frame;
    }

    private ByteBuf tcpSyn() {
        ByteBuf frame = frameBuffers.allocate(0);
        TcpOptions options = new TcpOptions().setMss(1460).setSackPermitted(true).setTimestamps(12345, 0)
                .setWindowScale(7);
        TcpSegmentWriter.prepend(frame, CLIENT_IP, SERVER_IP, 40000, 80, 0xFFFF_FF00, 0, TcpFlags.SYN, 64240, 0,
                options);
        return ipv4AndEthernet(frame, Ipv4Packet.PROTOCOL_TCP, 1);
    }

    private ByteBuf tcpData() {
        byte[] payload = "GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuf frame = frameBuffers.allocate(payload.length);
        frame.writeBytes(payload);
        TcpSegmentWriter.prepend(frame, CLIENT_IP, SERVER_IP, 40000, 80, 0xFFFF_FF01, 0x1000,
                TcpFlags.ACK | TcpFlags.PSH, 502, 0, new TcpOptions());
        return ipv4AndEthernet(frame, Ipv4Packet.PROTOCOL_TCP, 2);
    }

    private ByteBuf echoRequest() {
        ByteBuf frame = frameBuffers.allocate(32);
        for (int i = 0; i < 32; i++) {
            frame.writeByte(i);
        }
        IcmpMessageWriter.prependEcho(frame, IcmpMessage.TYPE_ECHO_REQUEST, 0x1234, 1);
        return ipv4AndEthernet(frame, Ipv4Packet.PROTOCOL_ICMP, 3);
    }

    private static ByteBuf ipv4AndEthernet(ByteBuf frame, int protocol, int identification) {
        Ipv4HeaderWriter.prepend(frame, 0, identification, Ipv4Packet.FLAG_DONT_FRAGMENT,
                Ipv4HeaderWriter.DEFAULT_TTL, protocol, CLIENT_IP, SERVER_IP);
        EthernetHeaderWriter.prepend(frame, SERVER_MAC, CLIENT_MAC, EthernetFrame.ETHERTYPE_IPV4);
        return frame;
    }
}
