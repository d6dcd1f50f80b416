package io.usertcp.transport.loop;

import io.netty.channel.IoEvent;

/**
 * What epoll reported for one {@link UserTcpIoHandle}. One shared instance per combination of the three
 * flags, so delivering an event allocates nothing.
 */
public final class UserTcpIoEvent implements IoEvent {
    private static final int READABLE = 1;
    private static final int WRITABLE = 2;
    private static final int ERROR = 4;
    private static final UserTcpIoEvent[] BY_FLAGS = new UserTcpIoEvent[8];

    static {
        for (int flags = 0; flags < BY_FLAGS.length; flags++) {
            BY_FLAGS[flags] = new UserTcpIoEvent(flags);
        }
    }

    private final int flags;

    private UserTcpIoEvent(int flags) {
        this.flags = flags;
    }

    /** The event for the bits epoll_wait returned. */
    static UserTcpIoEvent of(int epollEvents) {
        int flags = ((epollEvents & EpollCalls.EPOLLIN) != 0 ? READABLE : 0)
                | ((epollEvents & EpollCalls.EPOLLOUT) != 0 ? WRITABLE : 0)
                | ((epollEvents & (EpollCalls.EPOLLERR | EpollCalls.EPOLLHUP)) != 0 ? ERROR : 0);
        return BY_FLAGS[flags];
    }

    public boolean isReadable() {
        return (flags & READABLE) != 0;
    }

    public boolean isWritable() {
        return (flags & WRITABLE) != 0;
    }

    /** EPOLLERR or EPOLLHUP: for a TAP queue, the device was detached (deleted, or its namespace removed). */
    public boolean isError() {
        return (flags & ERROR) != 0;
    }

    @Override
    public String toString() {
        return "UserTcpIoEvent{" + (isReadable() ? " readable" : "") + (isWritable() ? " writable" : "")
                + (isError() ? " error" : "") + " }";
    }
}
