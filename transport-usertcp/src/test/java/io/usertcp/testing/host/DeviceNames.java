package io.usertcp.testing.host;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique interface names for devices a test creates: prefix, this JVM's pid and a counter, in base 36. */
public final class DeviceNames {
    /** IFNAMSIZ 16 including the terminating NUL. */
    public static final int MAX_LENGTH = 15;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private DeviceNames() {
    }

    /** A name no other device made by a running JVM has, e.g. {@code ut2ynoqx1} for prefix {@code ut}. */
    public static String unique(String prefix) {
        String name = prefix + Long.toString(ProcessHandle.current().pid(), 36) + "x"
                + Integer.toString(COUNTER.incrementAndGet(), 36);
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("device name " + name + " exceeds " + MAX_LENGTH
                    + " characters; use a shorter prefix than '" + prefix + "'");
        }
        return name;
    }
}
