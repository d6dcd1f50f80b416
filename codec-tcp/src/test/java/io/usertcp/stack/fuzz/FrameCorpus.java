package io.usertcp.stack.fuzz;

import io.usertcp.codec.fuzz.SeedFrame;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeds the stack fuzzer mutates, in three pools: fixed frames (the golden captures from Linux and the
 * codec's writer-built frames), a ring of the latest frames the peer stack really sent (live 4-tuples and
 * in-window sequence numbers, which go stale as connections move on and are replaced), and inputs that
 * showed a behaviour not seen before (bounded; once full, a new one replaces a random one). As a list it
 * is all three end to end, which the mutator splices from.
 */
final class FrameCorpus extends AbstractList<SeedFrame> {
    static final int LIVE_FRAMES = 256;
    static final int MAX_FOUND = 4096;

    private final List<SeedFrame> fixed;
    private final SeedFrame[] live = new SeedFrame[LIVE_FRAMES];
    private final List<SeedFrame> found = new ArrayList<>();
    private int liveCount;
    private int liveNext;

    FrameCorpus(List<SeedFrame> fixed) {
        this.fixed = List.copyOf(fixed);
    }

    void addLive(SeedFrame frame) {
        live[liveNext] = frame;
        liveNext = (liveNext + 1) % LIVE_FRAMES;
        liveCount = Math.min(liveCount + 1, LIVE_FRAMES);
    }

    void addFound(SeedFrame frame, SplittableRandom random) {
        if (found.size() < MAX_FOUND) {
            found.add(frame);
        } else {
            found.set(random.nextInt(MAX_FOUND), frame);
        }
    }

    int foundCount() {
        return found.size();
    }

    /** A seed: live traffic most often, then found inputs, then the fixed frames. */
    SeedFrame pick(SplittableRandom random) {
        int pool = random.nextInt(20);
        if (pool < 9 && liveCount > 0) {
            return live[random.nextInt(liveCount)];
        }
        if (pool < 15 && !found.isEmpty()) {
            return found.get(random.nextInt(found.size()));
        }
        return fixed.get(random.nextInt(fixed.size()));
    }

    @Override
    public SeedFrame get(int index) {
        if (index < fixed.size()) {
            return fixed.get(index);
        }
        index -= fixed.size();
        return index < liveCount ? live[index] : found.get(index - liveCount);
    }

    @Override
    public int size() {
        return fixed.size() + liveCount + found.size();
    }
}
