package io.usertcp.transport.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.DeviceNames;
import io.usertcp.testing.host.HostCommand;
import io.usertcp.testing.host.HostRequirements;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening, describing and closing TAP devices. Devices made here stay down in the host namespace, so
 * they carry no traffic; the kernel removes each when the test closes it.
 */
class TapDeviceTest {
    @Test
    void emptyNameLetsKernelChooseTapName() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        try (TapDevice tap = TapDevice.open("")) {
            assertTrue(tap.name().matches("tap\\d+"), tap.name());
            assertTrue(linkShow(tap.name()).succeeded(), "kernel does not know " + tap.name());
        }
    }

    @Test
    void explicitNameIsUsed() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        String name = DeviceNames.unique("ut");
        try (TapDevice tap = TapDevice.open(name)) {
            assertEquals(name, tap.name());
            assertTrue(linkShow(name).succeeded(), "kernel does not know " + name);
        }
    }

    @Test
    void deviceIsTapWithDefaultMtu() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        try (TapDevice tap = TapDevice.open("")) {
            assertEquals(1500, tap.mtu());
            String details = HostCommand.runOrThrow("ip", "-details", "link", "show", "dev", tap.name()).stdout();
            assertTrue(details.contains("mtu 1500"), details);
            assertTrue(details.contains("tun type tap"), details);
        }
    }

    @Test
    void macAddressMatchesKernelView() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        try (TapDevice tap = TapDevice.open("")) {
            assertNotEquals(0, tap.macAddress());
            assertEquals(0, tap.macAddress() >>> 48, "only the low 48 bits hold the address");
            String link = linkShow(tap.name()).stdout();
            assertTrue(link.contains("link/ether " + MacText.format(tap.macAddress()) + " "), link);
        }
    }

    @Test
    void closeRemovesNonPersistentDevice() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        TapDevice tap = TapDevice.open("");
        tap.close();
        assertFalse(tap.isOpen());
        assertEquals(-1, tap.fd());
        assertFalse(linkShow(tap.name()).succeeded(), tap.name() + " outlived its only descriptor");
    }

    @Test
    void closeIsIdempotent() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        String name = DeviceNames.unique("ut");
        TapDevice tap = TapDevice.open(name);
        tap.close();
        try (TapDevice reopened = TapDevice.open(name)) {
            tap.close();
            assertTrue(reopened.isOpen());
            assertTrue(linkShow(name).succeeded(), "a second close touched the descriptor of another device");
        }
    }

    @Test
    void nameLongerThanFifteenBytesIsRejectedBeforeTheKernel() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TapDevice.open("utcp-name-too-long"));
        assertTrue(error.getMessage().contains("at most 15"), error.getMessage());
    }

    @Test
    void nameTheKernelRejectsGivesEinvalWithHint() {
        HostRequirements.assumeNetworkAdmin();
        TapDeviceException error = assertThrows(TapDeviceException.class, () -> TapDevice.open("ut/bad"));
        assertEquals(LibC.EINVAL, error.errno());
        assertTrue(error.getMessage().contains("valid interface name"), error.getMessage());
    }

    @Test
    void missingCloneDeviceNamesTheFix() {
        TapDeviceException error = assertThrows(TapDeviceException.class,
                () -> TapDevice.open("/nonexistent/net/tun", "", EnumSet.noneOf(TapOption.class)));
        assertEquals(LibC.ENOENT, error.errno());
        assertTrue(error.getMessage().contains("No such file or directory"), error.getMessage());
        assertTrue(error.getMessage().contains("modprobe tun"), error.getMessage());
    }

    @Test
    void secondDescriptorOnSingleQueueDeviceIsBusy() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        try (TapDevice tap = TapDevice.open("")) {
            TapDeviceException error = assertThrows(TapDeviceException.class, () -> TapDevice.open(tap.name()));
            assertEquals(LibC.EBUSY, error.errno());
            assertTrue(error.getMessage().contains("MULTI_QUEUE"), error.getMessage());
        }
    }

    @Test
    void multiQueueDeviceTakesSecondQueue() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        EnumSet<TapOption> multiQueue = EnumSet.of(TapOption.MULTI_QUEUE);
        try (TapDevice first = TapDevice.open("", multiQueue);
             TapDevice second = TapDevice.open(first.name(), multiQueue)) {
            assertEquals(first.name(), second.name());
            assertNotEquals(first.fd(), second.fd());
            assertEquals(first.macAddress(), second.macAddress());
        }
    }

    @Test
    void vnetHeaderOptionReportsHeaderLength() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        try (TapDevice plain = TapDevice.open("");
             TapDevice withHeader = TapDevice.open("", EnumSet.of(TapOption.VNET_HDR))) {
            assertEquals(0, plain.vnetHeaderLength());
            assertEquals(TapDevice.VNET_HEADER_LENGTH, withHeader.vnetHeaderLength());
            String flags = HostCommand.runOrThrow("ip", "-details", "link", "show", "dev", withHeader.name()).stdout();
            assertTrue(flags.contains("vnet_hdr"), flags);
        }
    }

    @Test
    void readWithoutPendingFrameReturnsZero() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try (TapDevice tap = TapDevice.open("")) {
            assertEquals(0, tap.read(buf));
            assertEquals(0, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void readWithoutPendingFrameAllocatesNothing() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try (TapDevice tap = TapDevice.open("")) {
            int empty = 0;
            for (int i = 0; i < 20_000; i++) {
                empty += tap.read(buf) == 0 ? 1 : 0;
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                empty += tap.read(buf) == 0 ? 1 : 0;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(30_000, empty);
            assertTrue(allocated < 1024, allocated + " bytes allocated by 10000 reads");
        } finally {
            buf.release();
        }
    }

    @Test
    void writeWhileLinkIsDownFailsWithEio() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try (TapDevice tap = TapDevice.open("")) {
            frame.writeZero(60);
            TapDeviceException error = assertThrows(TapDeviceException.class, () -> tap.write(frame));
            assertEquals(LibC.EIO, error.errno());
            assertTrue(error.getMessage().contains("ip link set dev " + tap.name() + " up"), error.getMessage());
            assertEquals(0, frame.readerIndex());
        } finally {
            frame.release();
        }
    }

    @Test
    void heapBufferIsRejected() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf heap = Unpooled.buffer(2048);
        try (TapDevice tap = TapDevice.open("")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> tap.read(heap));
            assertTrue(error.getMessage().contains("native memory address"), error.getMessage());
        } finally {
            heap.release();
        }
    }

    @Test
    void readAfterCloseThrowsClosedChannel() throws Exception {
        HostRequirements.assumeNetworkAdmin();
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try {
            TapDevice tap = TapDevice.open("");
            tap.close();
            assertThrows(ClosedChannelException.class, () -> tap.read(buf));
            assertThrows(ClosedChannelException.class, () -> tap.write(buf));
        } finally {
            buf.release();
        }
    }

    private static CommandResult linkShow(String device) {
        return HostCommand.run("ip", "link", "show", "dev", device);
    }
}
