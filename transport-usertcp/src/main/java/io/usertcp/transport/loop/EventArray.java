package io.usertcp.transport.loop;

import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * Native memory holding {@code struct epoll_event}s: a {@code uint32_t events} followed by the 64-bit
 * {@code epoll_data}. The kernel declares the struct packed on x86_64 so that it matches i386, whose ABI aligns
 * 64-bit fields to 4 bytes: 12 bytes, data at offset 4 on both. Every other architecture, aarch64 included,
 * uses natural alignment: 16 bytes, data at offset 8. Allocated once; reads and writes allocate nothing.
 */
final class EventArray {
    static final int EVENT_SIZE;
    static final int DATA_OFFSET;

    static {
        Platform.CPU cpu = Platform.getNativePlatform().getCPU();
        boolean packed = cpu == Platform.CPU.X86_64 || cpu == Platform.CPU.I386;
        EVENT_SIZE = packed ? 12 : 16;
        DATA_OFFSET = packed ? 4 : 8;
    }

    private final Pointer memory;
    private final int capacity;

    EventArray(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.memory = EpollCalls.RUNTIME.getMemoryManager().allocateDirect(capacity * EVENT_SIZE, true);
    }

    int capacity() {
        return capacity;
    }

    long address() {
        return memory.address();
    }

    /** The epoll event bits of entry {@code index}. */
    int events(int index) {
        return memory.getInt((long) index * EVENT_SIZE);
    }

    /** The epoll_data of entry {@code index}. */
    long data(int index) {
        return memory.getLong((long) index * EVENT_SIZE + DATA_OFFSET);
    }

    /** Fills entry {@code index}, as epoll_ctl reads it. */
    void set(int index, int events, long data) {
        memory.putInt((long) index * EVENT_SIZE, events);
        memory.putLong((long) index * EVENT_SIZE + DATA_OFFSET, data);
    }

    /** The address of entry {@code index}, to pass one entry to epoll_ctl. */
    long addressOf(int index) {
        return memory.address() + (long) index * EVENT_SIZE;
    }
}
