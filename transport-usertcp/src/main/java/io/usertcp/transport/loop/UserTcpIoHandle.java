package io.usertcp.transport.loop;

import io.netty.channel.IoHandle;

/**
 * What a {@link UserTcpIoHandler} can wait on: anything with a file descriptor that epoll accepts (a TAP
 * queue, an eventfd). Readiness arrives as a {@link UserTcpIoEvent}; the interest set is changed with
 * {@link io.netty.channel.IoRegistration#submit} and a {@link UserTcpIoOps}.
 */
// IoHandle.close() is declared to throw Exception; javac's "try" lint flags every AutoCloseable that inherits that.
@SuppressWarnings("try")
public interface UserTcpIoHandle extends IoHandle {
    /** The open descriptor to wait on; -1 once closed, so cancelling does not touch a reused number. */
    int fd();
}
