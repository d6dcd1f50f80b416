package io.usertcp.transport.tap;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * One queue of a Linux TAP device: a non-blocking file descriptor on {@code /dev/net/tun} that reads
 * and writes whole Ethernet frames (no FCS, no packet-information prefix).
 *
 * <p>{@link #open} attaches to the TAP device of that name, or creates it. A device created here is
 * not persistent: the kernel removes it when its last descriptor closes. The descriptor stays attached
 * when the device is moved to another network namespace.
 *
 * <p>Owned by one thread, the event loop: {@link #read} and {@link #write} take no locks and allocate
 * nothing, moving bytes straight between the descriptor and the buffer's native memory.
 */
public final class TapDevice implements AutoCloseable {
    /** Longest interface name: IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 15;
    /** Size of the virtio_net_hdr in front of every frame with {@link TapOption#VNET_HDR}. */
    public static final int VNET_HEADER_LENGTH = 10;

    static final String CLONE_DEVICE = "/dev/net/tun";

    // linux/if_tun.h and linux/sockios.h
    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFMTU = 0x8921L;
    private static final long SIOCGIFHWADDR = 0x8927L;
    private static final int IFF_TAP = 0x2;
    private static final int IFF_NO_PI = 0x1000;
    private static final int ARPHRD_ETHER = 1;

    // struct ifreq: the name, then a union holding ifr_flags, ifr_mtu or ifr_hwaddr (a struct sockaddr).
    private static final int IFREQ_SIZE = 40;
    private static final int IFR_UNION = 16;
    private static final int IFR_HWADDR_DATA = IFR_UNION + 2;

    private final String name;
    private final int mtu;
    private final long macAddress;
    private final int vnetHeaderLength;
    private int fd;

    private TapDevice(int fd, String name, int mtu, long macAddress, int vnetHeaderLength) {
        this.fd = fd;
        this.name = name;
        this.mtu = mtu;
        this.macAddress = macAddress;
        this.vnetHeaderLength = vnetHeaderLength;
    }

    /**
     * Attaches to the TAP device {@code name}, creating it if there is none.
     *
     * @param name an interface name of at most 15 bytes, or empty to let the kernel create the next free
     *             {@code tapN}; a {@code %d} in the name is also filled in by the kernel
     * @throws IllegalArgumentException if the name cannot be an interface name
     * @throws TapDeviceException if the kernel refuses; the message says why and what to do
     */
    public static TapDevice open(String name) throws TapDeviceException {
        return open(name, EnumSet.noneOf(TapOption.class));
    }

    /** {@link #open(String)} with additional TUNSETIFF flags. */
    public static TapDevice open(String name, Set<TapOption> options) throws TapDeviceException {
        return open(CLONE_DEVICE, name, options);
    }

    static TapDevice open(String cloneDevice, String name, Set<TapOption> options) throws TapDeviceException {
        byte[] nameBytes = interfaceNameBytes(name);
        int fd = LibC.open(cloneDevice, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw openFailure(cloneDevice, LibC.errno());
        }
        try {
            ByteBuffer ifreq = ByteBuffer.allocateDirect(IFREQ_SIZE).order(ByteOrder.nativeOrder());
            putName(ifreq, nameBytes);
            ifreq.putShort(IFR_UNION, (short) flags(options));
            if (LibC.ioctl(fd, TUNSETIFF, ifreq) < 0) {
                throw attachFailure(name, LibC.errno());
            }
            String chosenName = readName(ifreq);
            int mtu = queryMtu(chosenName, ifreq);
            long macAddress = queryMacAddress(chosenName, ifreq);
            int vnetHeaderLength = options.contains(TapOption.VNET_HDR) ? VNET_HEADER_LENGTH : 0;
            return new TapDevice(fd, chosenName, mtu, macAddress, vnetHeaderLength);
        } catch (TapDeviceException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /**
     * Reads one frame into {@code dst} at its writer index and advances the writer index.
     *
     * @param dst a buffer with a native memory address ({@link ByteBuf#hasMemoryAddress()}, as Netty's
     *            pooled direct buffers have) and room for a whole frame: {@link #mtu()} + 14, plus the
     *            vnet header if enabled; the kernel truncates a longer frame
     * @return the frame length, or 0 when no frame is waiting
     * @throws ClosedChannelException after {@link #close()}
     * @throws TapDeviceException if the kernel reports an error, e.g. EBADFD when the device was removed
     */
    public int read(ByteBuf dst) throws ClosedChannelException, TapDeviceException {
        int writable = dst.writableBytes();
        if (writable == 0) {
            throw new IllegalArgumentException("no room to read a frame into: " + dst);
        }
        long address = memoryAddress(dst) + dst.writerIndex();
        long length = LibC.read(checkOpen(), address, writable);
        if (length < 0) {
            return failedTransfer("read from", LibC.errno());
        }
        dst.writerIndex(dst.writerIndex() + (int) length);
        return (int) length;
    }

    /**
     * Writes the readable bytes of {@code src} as one frame and advances its reader index past them.
     *
     * @param src a buffer with a native memory address holding one whole frame (preceded by the vnet
     *            header if enabled)
     * @return the number of bytes written, or 0 when the device cannot take the frame now
     * @throws ClosedChannelException after {@link #close()}
     * @throws TapDeviceException if the kernel refuses the frame, e.g. EIO while the link is down or
     *                            EINVAL for a frame shorter than an Ethernet header
     */
    public int write(ByteBuf src) throws ClosedChannelException, TapDeviceException {
        long address = memoryAddress(src) + src.readerIndex();
        long length = LibC.write(checkOpen(), address, src.readableBytes());
        if (length < 0) {
            return failedTransfer("write to", LibC.errno());
        }
        src.skipBytes((int) length);
        return (int) length;
    }

    /** The file descriptor, for registering with a poller; -1 once closed. */
    public int fd() {
        return fd;
    }

    /** The interface name, as the kernel reported it. */
    public String name() {
        return name;
    }

    /** The interface MTU when the device was opened (1500 unless configured otherwise). */
    public int mtu() {
        return mtu;
    }

    /**
     * The MAC address of the kernel's side of the device when it was opened, in the low 48 bits. It is
     * the source address of frames the kernel sends; a stack behind the descriptor needs its own.
     */
    public long macAddress() {
        return macAddress;
    }

    /** Bytes of virtio_net_hdr in front of every frame: 10 with {@link TapOption#VNET_HDR}, else 0. */
    public int vnetHeaderLength() {
        return vnetHeaderLength;
    }

    public boolean isOpen() {
        return fd >= 0;
    }

    /** Closes the descriptor; a device created by {@link #open} disappears with its last one. Idempotent. */
    @Override
    public void close() {
        int open = fd;
        if (open >= 0) {
            fd = -1;
            // close(2): Linux frees the descriptor even when close reports an error, so there is no retry.
            LibC.close(open);
        }
    }

    @Override
    public String toString() {
        return "TapDevice{" + name + (isOpen() ? ", fd " + fd : ", closed") + '}';
    }

    private int checkOpen() throws ClosedChannelException {
        int open = fd;
        if (open < 0) {
            throw new ClosedChannelException();
        }
        return open;
    }

    private int failedTransfer(String action, int errno) throws TapDeviceException {
        if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
            return 0;
        }
        String fix = switch (errno) {
            case LibC.EIO -> "the link is down; bring it up with: ip link set dev " + name + " up";
            case LibC.EBADFD -> "the device is gone (deleted, or its network namespace was removed)";
            case LibC.EINVAL -> "a frame must hold at least an Ethernet header (14 bytes)";
            default -> null;
        };
        throw failure(action + " TAP device " + name, errno, fix);
    }

    private static long memoryAddress(ByteBuf buf) {
        if (!buf.hasMemoryAddress()) {
            throw new IllegalArgumentException("TAP I/O needs a direct buffer with a native memory address"
                    + " (Netty's pooled direct buffers have one unless -Dio.netty.noUnsafe is set): " + buf);
        }
        return buf.memoryAddress();
    }

    private static int flags(Set<TapOption> options) {
        int flags = IFF_TAP | IFF_NO_PI;
        for (TapOption option : options) {
            flags |= option.flag;
        }
        return flags;
    }

    private static byte[] interfaceNameBytes(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + bytes.length
                    + " bytes; Linux allows at most " + MAX_NAME_LENGTH + " (IFNAMSIZ 16 with the terminating NUL)");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("interface name '" + name + "' contains a NUL character");
            }
        }
        return bytes;
    }

    private static void putName(ByteBuffer ifreq, byte[] name) {
        for (int i = 0; i < IFREQ_SIZE; i++) {
            ifreq.put(i, (byte) 0);
        }
        ifreq.put(0, name);
    }

    private static String readName(ByteBuffer ifreq) {
        int length = 0;
        while (length < MAX_NAME_LENGTH && ifreq.get(length) != 0) {
            length++;
        }
        byte[] name = new byte[length];
        ifreq.get(0, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    private static int queryMtu(String name, ByteBuffer ifreq) throws TapDeviceException {
        querySocketIoctl(name, SIOCGIFMTU, ifreq, "read the MTU of");
        return ifreq.getInt(IFR_UNION);
    }

    private static long queryMacAddress(String name, ByteBuffer ifreq) throws TapDeviceException {
        querySocketIoctl(name, SIOCGIFHWADDR, ifreq, "read the MAC address of");
        int family = ifreq.getShort(IFR_UNION) & 0xffff;
        if (family != ARPHRD_ETHER) {
            throw new TapDeviceException("device " + name + " has hardware type " + family
                    + ", not Ethernet (" + ARPHRD_ETHER + "); is it a TUN device?", LibC.EINVAL);
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (ifreq.get(IFR_HWADDR_DATA + i) & 0xff);
        }
        return mac;
    }

    /** Interface queries (SIOCGIF*) go through any socket in the device's namespace; the TAP fd lacks most. */
    private static void querySocketIoctl(String name, long request, ByteBuffer ifreq, String action)
            throws TapDeviceException {
        int socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (socket < 0) {
            throw failure("open a socket to " + action + " " + name, LibC.errno(), null);
        }
        try {
            putName(ifreq, name.getBytes(StandardCharsets.UTF_8));
            if (LibC.ioctl(socket, request, ifreq) < 0) {
                throw failure(action + " " + name, LibC.errno(), null);
            }
        } finally {
            LibC.close(socket);
        }
    }

    private static TapDeviceException openFailure(String cloneDevice, int errno) {
        String fix = switch (errno) {
            case LibC.ENOENT -> "load the tun module (modprobe tun), or run the container with "
                    + cloneDevice + " (docker run --device " + cloneDevice + " --cap-add NET_ADMIN)";
            case LibC.ENODEV, LibC.ENXIO -> "the tun driver is not loaded: modprobe tun";
            case LibC.EACCES, LibC.EPERM -> "needs root, or read-write permission on " + cloneDevice;
            default -> null;
        };
        return failure("cannot open " + cloneDevice, errno, fix);
    }

    private static TapDeviceException attachFailure(String name, int errno) {
        String device = name.isEmpty() ? "a new TAP device" : "TAP device '" + name + "'";
        String fix = switch (errno) {
            case LibC.EPERM, LibC.EACCES -> "needs root or CAP_NET_ADMIN (or a persistent device made for this"
                    + " user with: ip tuntap add dev NAME mode tap user USER)";
            case LibC.EBUSY -> "the device is already attached to another descriptor; close that one, or create"
                    + " the device with " + TapOption.MULTI_QUEUE + " and open every queue with it";
            case LibC.EINVAL -> "the name must be a valid interface name (no '/', ':' or whitespace), and an"
                    + " existing device must be a TAP device with the same " + TapOption.MULTI_QUEUE + " setting";
            default -> null;
        };
        return failure("cannot attach " + device, errno, fix);
    }

    private static TapDeviceException failure(String action, int errno, String fix) {
        String message = action + ": " + LibC.strerror(errno) + " (errno " + errno + ")";
        return new TapDeviceException(fix == null ? message : message + "; " + fix, errno);
    }
}
