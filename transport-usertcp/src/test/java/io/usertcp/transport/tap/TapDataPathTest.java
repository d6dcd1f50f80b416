package io.usertcp.transport.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.testing.host.NetworkNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Frames through a real TAP device, with the Linux kernel on the other side. The device is created in
 * the host namespace and moved at once into a namespace of the test's own (the descriptor stays
 * attached), where it gets 198.18.0.1/24; a ping to 198.18.0.2 makes the kernel ARP for it through the
 * device. Frames are assembled by hand so the test checks the device, not a codec.
 */
class TapDataPathTest {
    private static final int KERNEL_IP = 0xc6120001; // 198.18.0.1
    private static final int PEER_IP = 0xc6120002; // 198.18.0.2
    /** Locally administered (bit 1 of the first octet, IEEE 802), so it cannot clash with real hardware. */
    private static final long PEER_MAC = 0x02_75_74_63_70_02L;
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ARP_REQUEST = 1;
    private static final int ARP_REPLY = 2;

    @Test
    void kernelArpRequestIsReadFromDevice() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try (TapDevice tap = TapDevice.open("");
             NetworkNamespace namespace = namespaceWith(tap)) {
            namespace.start("ping", "-c", "1", "-W", "1", "198.18.0.2");

            awaitArpRequestFor(tap, PEER_IP, frame);

            // RFC 826: Ethernet broadcast, sender is the kernel's side of the device.
            assertEquals(0xffff_ffff_ffffL, macAt(frame, 0));
            assertEquals(tap.macAddress(), macAt(frame, 6));
            assertEquals(ETHERTYPE_ARP, frame.getUnsignedShort(12));
            assertEquals(1, frame.getUnsignedShort(14), "hardware type Ethernet");
            assertEquals(0x0800, frame.getUnsignedShort(16), "protocol type IPv4");
            assertEquals(6, frame.getUnsignedByte(18));
            assertEquals(4, frame.getUnsignedByte(19));
            assertEquals(ARP_REQUEST, frame.getUnsignedShort(20));
            assertEquals(tap.macAddress(), macAt(frame, 22));
            assertEquals(KERNEL_IP, frame.getInt(28));
            assertEquals(PEER_IP, frame.getInt(38));
        } finally {
            frame.release();
        }
    }

    @Test
    void arpReplyWrittenToDeviceIsLearnedByKernel() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf request = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        ByteBuf reply = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try (TapDevice tap = TapDevice.open("");
             NetworkNamespace namespace = namespaceWith(tap)) {
            namespace.start("ping", "-c", "1", "-W", "1", "198.18.0.2");
            awaitArpRequestFor(tap, PEER_IP, request);

            writeArpReply(reply, macAt(request, 22), request.getInt(28));
            int length = reply.readableBytes();
            assertEquals(length, tap.write(reply));
            assertEquals(0, reply.readableBytes());

            String expected = "lladdr " + MacText.format(PEER_MAC);
            String neighbour = "";
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!neighbour.contains(expected) && System.nanoTime() < deadline) {
                neighbour = namespace.execOrThrow("ip", "neigh", "show", "198.18.0.2", "dev", tap.name()).stdout();
                if (!neighbour.contains(expected)) {
                    Thread.sleep(20);
                }
            }
            assertTrue(neighbour.contains(expected), "kernel neighbour table: '" + neighbour.strip() + "'");
        } finally {
            request.release();
            reply.release();
        }
    }

    @Test
    void vnetHeaderPrecedesEveryFrame() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try (TapDevice tap = TapDevice.open("", EnumSet.of(TapOption.VNET_HDR));
             NetworkNamespace namespace = namespaceWith(tap)) {
            namespace.start("ping", "-c", "1", "-W", "1", "198.18.0.2");

            awaitArpRequestFor(tap, PEER_IP, frame);

            // virtio_net_hdr: no checksum or segmentation work for an ARP frame, so all ten bytes are zero.
            for (int i = 0; i < TapDevice.VNET_HEADER_LENGTH; i++) {
                assertEquals(0, frame.getByte(i), "virtio_net_hdr byte " + i);
            }
            assertEquals(ETHERTYPE_ARP, frame.getUnsignedShort(TapDevice.VNET_HEADER_LENGTH + 12));
        } finally {
            frame.release();
        }
    }

    /** A fresh namespace holding {@code tap}, up with 198.18.0.1/24 and IPv6 off (no solicitations). */
    private static NetworkNamespace namespaceWith(TapDevice tap) {
        NetworkNamespace namespace = NetworkNamespace.create("tap-data-path");
        try {
            namespace.adoptLink(tap.name());
            namespace.execOrThrow("sysctl", "-q", "-w", "net.ipv6.conf." + tap.name() + ".disable_ipv6=1");
            namespace.execOrThrow("ip", "address", "add", "198.18.0.1/24", "dev", tap.name());
            namespace.execOrThrow("ip", "link", "set", "dev", tap.name(), "up");
            return namespace;
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }

    /**
     * Polls the non-blocking device until it yields an ARP request for {@code targetIp}, skipping any
     * other frame, and leaves that frame (with its vnet header, if any) in {@code frame}.
     */
    private static void awaitArpRequestFor(TapDevice tap, int targetIp, ByteBuf frame) throws Exception {
        int ethernet = tap.vnetHeaderLength();
        Set<String> skipped = new LinkedHashSet<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            frame.clear();
            if (tap.read(frame) == 0) {
                Thread.sleep(5);
                continue;
            }
            if (frame.readableBytes() >= ethernet + 42
                    && frame.getUnsignedShort(ethernet + 12) == ETHERTYPE_ARP
                    && frame.getUnsignedShort(ethernet + 20) == ARP_REQUEST
                    && frame.getInt(ethernet + 38) == targetIp) {
                return;
            }
            skipped.add("ethertype 0x" + Integer.toHexString(frame.getUnsignedShort(ethernet + 12))
                    + ", " + frame.readableBytes() + " bytes");
        }
        fail("no ARP request for " + Integer.toHexString(targetIp) + " within " + DEADLINE + "; skipped: " + skipped);
    }

    /** RFC 826 reply from PEER_MAC / 198.18.0.2 to the requester. */
    private static void writeArpReply(ByteBuf reply, long requesterMac, int requesterIp) {
        writeMac(reply, requesterMac);
        writeMac(reply, PEER_MAC);
        reply.writeShort(ETHERTYPE_ARP);
        reply.writeShort(1);
        reply.writeShort(0x0800);
        reply.writeByte(6);
        reply.writeByte(4);
        reply.writeShort(ARP_REPLY);
        writeMac(reply, PEER_MAC);
        reply.writeInt(PEER_IP);
        writeMac(reply, requesterMac);
        reply.writeInt(requesterIp);
    }

    private static void writeMac(ByteBuf buf, long mac) {
        buf.writeShort((int) (mac >>> 32));
        buf.writeInt((int) mac);
    }

    private static long macAt(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }
}
