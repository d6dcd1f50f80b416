package io.usertcp.transport.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.usertcp.testing.host.HostRequirements;
import io.usertcp.transport.loop.UserTcpIoHandler;
import io.usertcp.transport.tap.TapDevice;
import io.usertcp.transport.tap.TapDeviceException;
import io.usertcp.transport.tap.TapOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device channel over a real TAP device, with the Linux kernel on the other side in a namespace of the
 * test's own. Frames from the kernel are UDP datagrams to a pinned neighbour, so no ARP is involved.
 */
class TapDeviceChannelTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long QUIET_MILLIS = 200;

    private EventLoopGroup group;
    private KernelLink link;
    private TapDeviceChannel channel;

    @BeforeEach
    void startLoop() {
        HostRequirements.assumeNetworkAdmin();
        group = new MultiThreadIoEventLoopGroup(1, UserTcpIoHandler.newFactory());
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (channel != null) {
                assertTrue(channel.close().await(BOUND.toMillis()), "channel did not close");
            }
        } finally {
            try {
                if (group != null) {
                    assertTrue(group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis()));
                }
            } finally {
                if (link != null) {
                    link.close();
                }
            }
        }
    }

    @Test
    void registrationOnNioLoopFailsAndLeavesChannelOpen() throws Exception {
        link = KernelLink.create("chan-nio", true);
        channel = new TapDeviceChannel(link.device());
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ChannelFuture registration = nio.next().register(channel);
            assertTrue(registration.await(BOUND.toMillis()));
            assertInstanceOf(IllegalStateException.class, registration.cause());
            assertTrue(registration.cause().getMessage().contains("incompatible event loop"),
                    registration.cause().getMessage());
            assertTrue(channel.isOpen(), "a refused registration must not cost the device");
            assertTrue(link.device().isOpen());
        } finally {
            nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(BOUND.toMillis());
        }
        assertTrue(group.next().register(channel).await(BOUND.toMillis()));
        assertTrue(channel.isActive(), "the same channel registers with a usertcp loop afterwards");
    }

    @Test
    void channelIsActiveOnlyWhileOpenAndRegistered() throws Exception {
        link = KernelLink.create("chan-active", true);
        channel = new TapDeviceChannel(link.device());
        assertTrue(channel.isOpen());
        assertFalse(channel.isActive());
        register(channel, true);
        assertTrue(channel.isActive());
        assertTrue(channel.close().await(BOUND.toMillis()));
        assertFalse(channel.isActive());
        assertFalse(channel.isOpen());
    }

    @Test
    void ioHandlerIsTheLoopsHandlerOnceRegistered() throws Exception {
        link = KernelLink.create("chan-handler", true);
        channel = new TapDeviceChannel(link.device());
        assertThrows(IllegalStateException.class, channel::ioHandler);
        register(channel, true);
        UserTcpIoHandler handler = channel.ioHandler();
        assertNotNull(handler);
        assertSame(handler, channel.eventLoop().submit(channel::ioHandler).get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void framesQueuedWhileNotReadingArriveInOneBatch() throws Exception {
        HostRequirements.assumeCommands("bash", "tc");
        link = KernelLink.create("chan-batch", true);
        link.pinStackNeighbour();
        channel = new TapDeviceChannel(link.device());
        RecordingFrames frames = record(channel);
        register(channel, false);
        link.sendDatagrams(10);
        link.awaitFramesQueued(10, BOUND);

        channel.config().setAutoRead(true);

        frames.awaitDatagrams(10, BOUND);
        assertEquals(List.of(10), frames.batches);
    }

    @Test
    void batchIsCappedByMaxMessagesPerRead() throws Exception {
        HostRequirements.assumeCommands("bash", "tc");
        link = KernelLink.create("chan-cap", true);
        link.pinStackNeighbour();
        channel = new TapDeviceChannel(link.device());
        channel.config().setOption(ChannelOption.MAX_MESSAGES_PER_READ, 4);
        RecordingFrames frames = record(channel);
        register(channel, false);
        link.sendDatagrams(10);
        link.awaitFramesQueued(10, BOUND);

        channel.config().setAutoRead(true);

        frames.awaitDatagrams(10, BOUND);
        assertEquals(List.of(4, 4, 2), frames.batches);
    }

    @Test
    void readWithAutoReadOffDeliversOneFrame() throws Exception {
        HostRequirements.assumeCommands("bash", "tc");
        link = KernelLink.create("chan-one", true);
        link.pinStackNeighbour();
        channel = new TapDeviceChannel(link.device());
        RecordingFrames frames = record(channel);
        register(channel, false);
        link.sendDatagrams(3);
        link.awaitFramesQueued(3, BOUND);
        Thread.sleep(QUIET_MILLIS);
        assertEquals(0, frames.datagrams.get(), "read without a read() request");

        channel.read();
        frames.awaitDatagrams(1, BOUND);
        Thread.sleep(QUIET_MILLIS);
        assertEquals(1, frames.datagrams.get());

        channel.read();
        frames.awaitDatagrams(2, BOUND);
        Thread.sleep(QUIET_MILLIS);
        assertEquals(2, frames.datagrams.get());
    }

    @Test
    void writtenFramesReachKernel() throws Exception {
        link = KernelLink.create("chan-write", true);
        channel = new TapDeviceChannel(link.device());
        register(channel, true);
        long before = link.statistic("rx_packets");
        for (int i = 0; i < 5; i++) {
            channel.write(EthernetFrames.arpAnnouncement(channel.alloc()));
        }
        assertTrue(channel.writeAndFlush(EthernetFrames.arpAnnouncement(channel.alloc())).await(BOUND.toMillis()));
        link.awaitStatistic("rx_packets", before + 6, BOUND);
    }

    @Test
    void heapFrameIsWrittenThroughDirectCopy() throws Exception {
        link = KernelLink.create("chan-heap", true);
        channel = new TapDeviceChannel(link.device());
        register(channel, true);
        long before = link.statistic("rx_packets");
        ByteBuf heap = Unpooled.buffer(64);
        ByteBuf frame = EthernetFrames.arpAnnouncement(channel.alloc());
        heap.writeBytes(frame);
        frame.release();
        assertFalse(heap.hasMemoryAddress() && heap.isDirect());

        ChannelFuture written = channel.writeAndFlush(heap);

        assertTrue(written.await(BOUND.toMillis()));
        assertTrue(written.isSuccess(), String.valueOf(written.cause()));
        assertEquals(0, heap.refCnt(), "the heap buffer is released once copied");
        link.awaitStatistic("rx_packets", before + 1, BOUND);
    }

    @Test
    void messageOtherThanBufferIsRefused() throws Exception {
        link = KernelLink.create("chan-refuse", true);
        channel = new TapDeviceChannel(link.device());
        register(channel, true);
        ChannelFuture written = channel.writeAndFlush("not a frame");
        assertTrue(written.await(BOUND.toMillis()));
        assertInstanceOf(UnsupportedOperationException.class, written.cause());
        assertTrue(channel.isActive());
    }

    @Test
    void writeWhileLinkDownFailsOnlyThatFrame() throws Exception {
        link = KernelLink.create("chan-down", false);
        channel = new TapDeviceChannel(link.device());
        RecordingFrames frames = record(channel);
        register(channel, true);

        ChannelFuture lost = channel.writeAndFlush(EthernetFrames.arpAnnouncement(channel.alloc()));

        assertTrue(lost.await(BOUND.toMillis()));
        TapDeviceException error = assertInstanceOf(TapDeviceException.class, lost.cause());
        assertTrue(error.getMessage().contains("link is down"), error.getMessage());
        assertTrue(channel.isActive(), "a link-down drop must not close the channel");
        assertTrue(frames.exceptions.isEmpty(), "a failed write promise is the caller's, not the pipeline's");

        link.up();
        long before = link.statistic("rx_packets");
        ChannelFuture sent = channel.writeAndFlush(EthernetFrames.arpAnnouncement(channel.alloc()));
        assertTrue(sent.await(BOUND.toMillis()));
        assertTrue(sent.isSuccess(), String.valueOf(sent.cause()));
        link.awaitStatistic("rx_packets", before + 1, BOUND);
    }

    @Test
    void closingChannelRemovesDevice() throws Exception {
        link = KernelLink.create("chan-close", true);
        channel = new TapDeviceChannel(link.device());
        register(channel, true);
        assertTrue(link.deviceExists());

        assertTrue(channel.close().await(BOUND.toMillis()));

        assertFalse(link.device().isOpen());
        assertFalse(link.deviceExists(), "the kernel removes a non-persistent TAP with its last descriptor");
    }

    @Test
    void deletedDeviceClosesChannelWithCause() throws Exception {
        link = KernelLink.create("chan-deleted", true);
        channel = new TapDeviceChannel(link.device());
        RecordingFrames frames = record(channel);
        register(channel, true);

        link.namespace().execOrThrow("ip", "link", "delete", "dev", link.deviceName());

        assertTrue(channel.closeFuture().await(BOUND.toMillis()), "channel outlived its device");
        Throwable cause = frames.exceptions.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertInstanceOf(IOException.class, cause);
    }

    @Test
    void vnetHeaderDeviceIsRefused() throws Exception {
        try (TapDevice device = TapDevice.open("", EnumSet.of(TapOption.VNET_HDR))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> new TapDeviceChannel(device));
            assertTrue(error.getMessage().contains("VNET_HDR"), error.getMessage());
        }
    }

    private static RecordingFrames record(TapDeviceChannel channel) {
        RecordingFrames frames = new RecordingFrames();
        channel.pipeline().addLast(frames);
        return frames;
    }

    private void register(TapDeviceChannel channel, boolean autoRead) throws InterruptedException {
        channel.config().setAutoRead(autoRead);
        ChannelFuture registration = group.next().register(channel);
        assertTrue(registration.await(BOUND.toMillis()), "registration did not complete");
        assertTrue(registration.isSuccess(), String.valueOf(registration.cause()));
    }
}
