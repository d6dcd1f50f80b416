package io.usertcp.transport.loop;

import io.netty.channel.IoOps;

/**
 * The readiness a {@link UserTcpIoHandle} wants to hear about: readable, writable, both or neither. Errors
 * are always reported (epoll reports EPOLLERR and EPOLLHUP whatever the interest set). One shared instance
 * per combination, so changing interest allocates nothing.
 */
public final class UserTcpIoOps implements IoOps {
    public static final UserTcpIoOps NONE = new UserTcpIoOps(false, false);
    public static final UserTcpIoOps READABLE = new UserTcpIoOps(true, false);
    public static final UserTcpIoOps WRITABLE = new UserTcpIoOps(false, true);
    public static final UserTcpIoOps READABLE_AND_WRITABLE = new UserTcpIoOps(true, true);

    private final boolean readable;
    private final boolean writable;
    private final int epollEvents;

    private UserTcpIoOps(boolean readable, boolean writable) {
        this.readable = readable;
        this.writable = writable;
        this.epollEvents = (readable ? EpollCalls.EPOLLIN : 0) | (writable ? EpollCalls.EPOLLOUT : 0);
    }

    public static UserTcpIoOps of(boolean readable, boolean writable) {
        if (readable) {
            return writable ? READABLE_AND_WRITABLE : READABLE;
        }
        return writable ? WRITABLE : NONE;
    }

    public boolean readable() {
        return readable;
    }

    public boolean writable() {
        return writable;
    }

    public UserTcpIoOps withReadable(boolean wanted) {
        return of(wanted, writable);
    }

    public UserTcpIoOps withWritable(boolean wanted) {
        return of(readable, wanted);
    }

    int epollEvents() {
        return epollEvents;
    }

    @Override
    public String toString() {
        return readable ? (writable ? "READABLE_AND_WRITABLE" : "READABLE") : (writable ? "WRITABLE" : "NONE");
    }
}
