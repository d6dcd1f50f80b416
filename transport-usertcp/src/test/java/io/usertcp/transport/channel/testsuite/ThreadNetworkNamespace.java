package io.usertcp.transport.channel.testsuite;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

/**
 * Moves the calling thread, and only it, into a network namespace with setns(2) (allowed for CLONE_NEWNET in a
 * multi-threaded process), so the NIO sockets it creates live there; {@link #close()} moves it back. Sockets
 * keep the namespace they were created in, and accepted ones their listener's.
 */
final class ThreadNetworkNamespace implements AutoCloseable {
    // linux/sched.h, fcntl.h
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    /** The libc calls this needs. */
    public interface Calls {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final Calls CALLS = LibraryLoader.create(Calls.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());

    private final int original;

    private ThreadNetworkNamespace(int original) {
        this.original = original;
    }

    /** Enters the namespace {@code ip netns add name} created. */
    static ThreadNetworkNamespace enter(String name) {
        int original = CALLS.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (original < 0) {
            throw new IllegalStateException("cannot open this thread's network namespace");
        }
        int target = CALLS.open("/var/run/netns/" + name, O_RDONLY | O_CLOEXEC);
        if (target < 0) {
            CALLS.close(original);
            throw new IllegalStateException("no network namespace " + name);
        }
        int entered = CALLS.setns(target, CLONE_NEWNET);
        CALLS.close(target);
        if (entered != 0) {
            CALLS.close(original);
            throw new IllegalStateException("setns into " + name + " failed");
        }
        return new ThreadNetworkNamespace(original);
    }

    @Override
    public void close() {
        int back = CALLS.setns(original, CLONE_NEWNET);
        CALLS.close(original);
        if (back != 0) {
            throw new IllegalStateException("setns back to the original network namespace failed");
        }
    }
}
