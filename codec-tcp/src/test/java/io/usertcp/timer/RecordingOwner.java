package io.usertcp.timer;

import java.util.ArrayList;
import java.util.List;

/** A timer owner for tests: records the kind and time of every expiry, in order. */
final class RecordingOwner implements TimerOwner {
    final List<Integer> kinds = new ArrayList<>();
    final List<Long> times = new ArrayList<>();

    @Override
    public void timerExpired(int kind, long nowNanos) {
        kinds.add(kind);
        times.add(nowNanos);
    }

    int count() {
        return kinds.size();
    }
}
