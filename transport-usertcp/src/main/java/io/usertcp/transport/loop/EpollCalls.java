package io.usertcp.transport.loop;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.uintptr_t;

import java.io.IOException;

/**
 * The Linux calls behind {@link UserTcpIoHandler}: epoll, eventfd, and read, write and close on them, bound
 * with jnr-ffi. Every signature is primitive (addresses as {@code long}), so a call goes straight to libc
 * without allocating. Each call saves errno, read back with {@link #errno()} on the same thread.
 */
final class EpollCalls {
    // sys/epoll.h and sys/eventfd.h; both CLOEXEC flags equal O_CLOEXEC, NONBLOCK equals O_NONBLOCK (asm-generic).
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EBADF = 9;

    /** Bound with jnr-ffi; the names are the libc symbols. */
    public interface Calls {
        @SaveError
        int epoll_create1(int flags);

        /** {@code event} is the address of a struct epoll_event (see {@link EventArray}), or 0 for DEL. */
        @SaveError
        int epoll_ctl(int epollFd, int operation, int fd, @uintptr_t long event);

        @SaveError
        int epoll_wait(int epollFd, @uintptr_t long events, int maxEvents, int timeoutMillis);

        @SaveError
        int eventfd(int initialValue, int flags);

        @SaveError
        @ssize_t long read(int fd, @uintptr_t long address, @size_t long length);

        @SaveError
        @ssize_t long write(int fd, @uintptr_t long address, @size_t long length);

        @SaveError
        int close(int fd);

        String strerror(int errno);
    }

    static final Calls CALLS = LibraryLoader.create(Calls.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    static final Runtime RUNTIME = Runtime.getRuntime(CALLS);

    private EpollCalls() {
    }

    /** errno saved by the last failed call on this thread. */
    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** An exception naming the failed call and errno, with libc's description of it. */
    static IOException failure(String action, int errno) {
        return new IOException(action + ": " + CALLS.strerror(errno) + " (errno " + errno + ")");
    }
}
