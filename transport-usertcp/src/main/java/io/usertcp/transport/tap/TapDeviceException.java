package io.usertcp.transport.tap;

import java.io.IOException;

/** A system call on the TAP device failed; the message names the cause and, where known, the fix. */
public final class TapDeviceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public TapDeviceException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The Linux errno the call failed with. */
    public int errno() {
        return errno;
    }
}
