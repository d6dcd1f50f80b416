package io.usertcp.transport.tap;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.uintptr_t;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

import java.nio.ByteBuffer;

/**
 * The libc calls behind {@link TapDevice}. jnr-posix supplies open, close, errno and strerror; it has no
 * ioctl, and its read and write take Java buffers, so ioctl, socket and read/write on a raw address are
 * declared here with jnr-ffi. Both save errno after every call, and {@link #errno()} reads it back.
 */
final class LibC {
    // Linux asm-generic values, identical on x86_64 and aarch64.
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = O_CLOEXEC;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EBADFD = 77;

    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final Calls CALLS = LibraryLoader.create(Calls.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());

    /** Bound with jnr-ffi; all-primitive signatures go straight to the native call without allocating. */
    public interface Calls {
        /** The request is {@code unsigned long}, 64 bits on LP64 Linux. */
        @SaveError
        int ioctl(int fd, long request, ByteBuffer argument);

        @SaveError
        @ssize_t long read(int fd, @uintptr_t long address, @size_t long length);

        @SaveError
        @ssize_t long write(int fd, @uintptr_t long address, @size_t long length);

        @SaveError
        int socket(int domain, int type, int protocol);
    }

    private LibC() {
    }

    static int open(String path, int flags) {
        return POSIX.open(path, flags, 0);
    }

    static int close(int fd) {
        return POSIX.close(fd);
    }

    static int ioctl(int fd, long request, ByteBuffer argument) {
        return CALLS.ioctl(fd, request, argument);
    }

    static long read(int fd, long address, long length) {
        return CALLS.read(fd, address, length);
    }

    static long write(int fd, long address, long length) {
        return CALLS.write(fd, address, length);
    }

    static int socket(int domain, int type, int protocol) {
        return CALLS.socket(domain, type, protocol);
    }

    /** errno saved by the last failed call on this thread. */
    static int errno() {
        return POSIX.errno();
    }

    static String strerror(int errno) {
        return POSIX.strerror(errno);
    }
}
