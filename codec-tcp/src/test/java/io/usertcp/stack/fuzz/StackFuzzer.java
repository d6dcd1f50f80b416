package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.fuzz.ChecksumRepair;
import io.usertcp.codec.fuzz.FrameMutator;
import io.usertcp.codec.fuzz.SeedFrame;
import io.usertcp.codec.fuzz.SeedFrames;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.ip.reassembly.FragmentReassemblerConfig;
import io.usertcp.neighbour.NeighbourTableConfig;
import io.usertcp.stack.StackConfig;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes the whole inbound path of a running stack: frames go into the device side of a stack (Ethernet,
 * ARP, IPv4 with reassembly, ICMP, the TCP engine with listeners and live connections) on virtual time, mixed
 * into {@link ValidTraffic} with a second, peer stack on the same virtual link, which loses a frame now and
 * then. The stack under fuzz runs with small limits (SYN queue, out-of-order queue, reassembly memory,
 * neighbour table) so that the fuzzed floods reach them.
 *
 * <p>Each input is a seed from the {@link FrameCorpus} (golden captures, writer-built frames, and above all
 * the frames the peer really sent moments ago, and {@link RouterErrors} about frames the stack sent) changed
 * by the {@link FrameMutator}; some go in unchanged as replays, some as fragments ({@link FragmentSplitter}),
 * and now and then a burst of inputs mutates one seed back to back, a flood at one connection. The fuzzer is
 * behaviour-guided, not code-coverage guided: an input whose {@link BehaviourSignature} (drop reasons, TCP
 * counters moved, reply kinds, state of the connection it names) is new joins the corpus.
 *
 * <p>Checked on every frame: no exception leaves the pipeline and nothing reaches its tail unclaimed; the
 * counters account for the frame exactly once ({@link FrameAccounting}); every frame the stack sends passes
 * {@link SentFrameCheck}; a RST is never answered with a RST, nor answered at all without a connection.
 * Every 1,024 inputs, every table and queue must be within its limit ({@link StateBounds}). After the run
 * ({@link #drain}, {@link #leftovers}, {@link #freshExchange}, {@link #closeAndCountLeaks}): every connection
 * ends, no queue holds anything, a fresh connection still echoes its data, and not one buffer is left: the
 * stacks allocate from a pooled allocator without thread caches whose arena counts are exact, and the
 * injected frames are watched until released.
 *
 * <p>One generator seeded once draws every input, the valid traffic and the clock, so a seed replays the
 * same inputs. The stacks' own secrets (SYN cookie key, hash seeds, IPv4 identification key) are drawn fresh
 * per run, so a replay can part from the original where they matter; the failure message therefore shows
 * the failing frame in full, for a focused test.
 */
final class StackFuzzer implements AutoCloseable {
    static final int VICTIM_ADDRESS = SeedFrames.HOST;
    static final long VICTIM_MAC = SeedFrames.HOST_MAC;
    static final int PEER_ADDRESS = SeedFrames.PEER;
    static final long PEER_MAC = SeedFrames.PEER_MAC;
    /** A router on the link, the peer's MAC standing in for its own: the source of ICMP errors. */
    static final int ROUTER_ADDRESS = Ipv4Address.parse("198.18.0.254");
    /** {@link SentFrameCheck#tcpFlagSets} bits of the flag sets that include RST. */
    private static final long FLAG_SETS_WITH_RST = flagSetsWith(TcpFlags.RST);
    /**
     * The link loses one frame in this many each way, so the valid traffic retransmits, reorders and sends
     * SACK blocks, and the live seeds carry them.
     */
    private static final int LOSS_ONE_IN = 100;
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Rounds of frames handed back and forth at one instant before the link is declared in a storm. */
    private static final int MAX_ROUNDS_PER_INSTANT = 10_000;
    /** Virtual time the stacks get to wind everything down after the run: past every retransmission limit. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.HOURS.toNanos(2);

    private final long seed;
    private final SplittableRandom random;
    private final MockTicker ticker = Ticker.newMockTicker();
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 1, 1, 8192, 9, 0, 0, false);
    private final StackHost victim;
    private final StackHost peer;
    private final TcpStackConfig peerTcp;
    private final TcpStackConfig victimTcp;
    private final ValidTraffic traffic;
    private final SentFrameCheck sentCheck;
    private final StateBounds bounds;
    private final FrameCorpus corpus = new FrameCorpus(SeedFrames.all());
    private final FrameMutator mutator = new FrameMutator(corpus);
    private final FragmentSplitter splitter = new FragmentSplitter();
    private final RouterErrors routerErrors = new RouterErrors(ROUTER_ADDRESS, PEER_MAC, VICTIM_MAC);
    private final CounterSnapshot start = new CounterSnapshot();
    private final CounterSnapshot before = new CounterSnapshot();
    private final CounterSnapshot after = new CounterSnapshot();
    private final Set<BehaviourSignature> signatures = new HashSet<>();
    /** Injected frames the stack still held after their turn; each must be released by the end. */
    private final List<HeldFrame> held = new ArrayList<>();
    private long inputs;
    private long framesInjected;
    private long framesFromPeer;
    private long framesSent;
    private long sentByPeer;
    private String input = "none yet";
    /** A burst: this many more inputs mutate the same seed back to back, a flood aimed at one connection. */
    private int burstLeft;
    private SeedFrame burstSeed;

    StackFuzzer(long seed) {
        this.seed = seed;
        random = new SplittableRandom(seed);
        // Limits far below the defaults, so that floods of fuzzed frames reach them within a short run.
        StackConfig victimConfig = StackConfig.builder(VICTIM_ADDRESS, 24, VICTIM_MAC)
                .reassembly(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(64 * 1024).withMaxDatagrams(16))
                .neighbours(NeighbourTableConfig.DEFAULT.withCapacity(16).withQueuedFrames(2, 16))
                .build();
        peerTcp = peerConfig(random);
        victimTcp = features(TcpStackConfig.builder().synQueueLimit(16).maxConnections(1024)
                .outOfOrderMaxSegments(8).outOfOrderMaxBytes(16 * 1024), random).build();
        victim = new StackHost(victimConfig, victimTcp, ticker, allocator, seed);
        bounds = new StateBounds(victimConfig, victimTcp);
        peer = new StackHost(StackConfig.builder(PEER_ADDRESS, 24, PEER_MAC).build(), peerTcp, ticker, allocator,
                ~seed);
        sentCheck = new SentFrameCheck(victimConfig);
        traffic = new ValidTraffic(victim, VICTIM_ADDRESS, peer, PEER_ADDRESS, allocator);
        settle();
    }

    private static TcpStackConfig peerConfig(SplittableRandom random) {
        return features(TcpStackConfig.builder(), random).build();
    }

    /**
     * Both stacks' TCP options and buffers vary with the seed, so that across seeds the connections negotiate
     * every mix of timestamps, SACK and window scaling, and now and then have the small windows of a small
     * receive buffer.
     */
    private static TcpStackConfig.Builder features(TcpStackConfig.Builder config, SplittableRandom random) {
        config.timestamps(random.nextInt(4) != 0).sack(random.nextInt(4) != 0).windowScaling(random.nextInt(4) != 0);
        if (random.nextInt(4) == 0) {
            config.receiveBufferBytes(4096);
        }
        return config;
    }

    /** The TCP configurations of the stack under fuzz and of the peer, drawn from the seed. */
    String tcpConfigs() {
        return "stack under fuzz " + victimTcp + ", peer " + peerTcp;
    }

    /** Fuzzes {@code count} more inputs, each followed by the valid traffic and a step of the clock. */
    void run(long count) {
        for (long i = 0; i < count; i++) {
            if (inputs % 8 == 0) {
                traffic.step(random);
                settle();
            }
            fuzzOne();
            inputs++;
            advance(clockStep());
            if (inputs % 1024 == 0) {
                held.removeIf(HeldFrame::released);
                String violations = bounds.violations(victim, traffic.listeners());
                if (violations != null) {
                    throw failure("beyond its limits or out of order: " + violations, null);
                }
            }
        }
    }

    private static String flagSets(long sets) {
        StringBuilder text = new StringBuilder();
        for (int flags = 0; flags < 64; flags++) {
            if ((sets & 1L << flags) != 0) {
                text.append(text.length() == 0 ? "0x" : ", 0x").append(Integer.toHexString(flags));
            }
        }
        return text.toString();
    }

    private static long flagSetsWith(int flag) {
        long sets = 0;
        for (int flags = 0; flags < 64; flags++) {
            if ((flags & flag) != 0) {
                sets |= 1L << flags;
            }
        }
        return sets;
    }

    private long clockStep() {
        if (burstLeft > 0) {
            return random.nextInt(10_000);
        }
        if (random.nextInt(20_000) == 0) {
            // Long enough for TIME-WAIT, reassembly and handshakes to time out mid-run.
            return (30 + random.nextInt(90)) * SECOND;
        }
        return random.nextInt(4) == 0 ? random.nextInt(20) * MILLI : random.nextInt(500_000);
    }

    private void fuzzOne() {
        if (burstLeft == 0 && random.nextInt(64) == 0) {
            burstSeed = corpus.pick(random);
            burstLeft = 8 + random.nextInt(32);
        }
        SeedFrame seedFrame = burstLeft > 0 ? burstSeed : corpus.pick(random);
        if (burstLeft > 0) {
            burstLeft--;
        }
        int choice = random.nextInt(16);
        start.take(victim.stack.counters(), victim.engine);
        sentCheck.resetKinds();
        byte[] bytes;
        if (choice == 0) {
            bytes = seedFrame.bytes();
            input = "input " + inputs + ": replay of " + seedFrame.name();
        } else {
            mutator.next(random, seedFrame);
            bytes = ByteBufUtil.getBytes(mutator.frame(), 0, mutator.length());
            input = "input " + inputs + ": " + mutator.describe();
        }
        int stateBefore = stateOf(bytes);
        List<byte[]> fragments = choice == 1 ? splitter.split(bytes, bytes.length, random) : null;
        if (fragments != null) {
            input += "; sent as " + splitter.describe();
            for (byte[] fragment : fragments) {
                inject(fragment);
            }
        } else {
            inject(bytes);
        }
        forwardVictimFrames();
        after.take(victim.stack.counters(), victim.engine);
        checkNoReplyToReset(stateBefore);
        BehaviourSignature signature = new BehaviourSignature(
                CounterSnapshot.grown(start.stackDrops, after.stackDrops),
                CounterSnapshot.grown(start.engineDrops, after.engineDrops),
                CounterSnapshot.grown(start.tcp, after.tcp), sentCheck.otherKinds, sentCheck.tcpFlagSets,
                stateBefore, stateOf(bytes));
        if (signatures.add(signature)) {
            corpus.addFound(new SeedFrame("input " + inputs + " (new behaviour)", bytes), random);
        }
        settle();
    }

    /**
     * RFC 9293 3.10.7.1 and RFC 5961 3: a RST is never answered with a RST, and one for no connection is not
     * answered at all (an in-window RST for a connection may draw a challenge ACK).
     */
    private void checkNoReplyToReset(int stateBefore) {
        if (after.tcp(TcpCounter.RESETS_RECEIVED) == start.tcp(TcpCounter.RESETS_RECEIVED)) {
            return;
        }
        if ((sentCheck.tcpFlagSets & FLAG_SETS_WITH_RST) != 0) {
            throw failure("a RST was answered with a RST; flag sets sent " + flagSets(sentCheck.tcpFlagSets), null);
        }
        if ((stateBefore == BehaviourSignature.NONE || stateBefore == BehaviourSignature.LISTENER)
                && sentCheck.tcpFlagSets != 0) {
            throw failure("a RST for no connection (" + (stateBefore == BehaviourSignature.NONE ? "no listener"
                    : "a listener") + ") was answered; flag sets sent " + flagSets(sentCheck.tcpFlagSets), null);
        }
    }

    /** The state of the connection the frame's TCP 4-tuple names at the stack under fuzz. */
    private int stateOf(byte[] bytes) {
        int length = bytes.length;
        int ip = EthernetFrame.HEADER_LENGTH;
        if (length < ip + Ipv4Packet.MIN_HEADER_LENGTH || (bytes[12] & 0xFF) << 8 != 0x0800 || bytes[13] != 0
                || bytes[ip + 9] != Ipv4Packet.PROTOCOL_TCP) {
            return BehaviourSignature.NONE;
        }
        int tcp = ip + (bytes[ip] & 0x0F) * 4;
        if (tcp + 4 > length) {
            return BehaviourSignature.NONE;
        }
        ByteBuf frame = Unpooled.wrappedBuffer(bytes);
        int source = frame.getInt(ip + 12);
        int destination = frame.getInt(ip + 16);
        int sourcePort = frame.getUnsignedShort(tcp);
        int destinationPort = frame.getUnsignedShort(tcp + 2);
        TcpConnection connection = victim.engine.connection(destination, destinationPort, source, sourcePort);
        if (connection != null) {
            return connection.state().ordinal();
        }
        return victim.engine.listenerFor(destination, destinationPort) != null
                ? BehaviourSignature.LISTENER : BehaviourSignature.NONE;
    }

    /**
     * One frame into the stack under fuzz, in a buffer of its own that no leak detector wraps (so the stack
     * reads it at full speed) and that is watched until released; then the frame's accounting is checked.
     */
    private void inject(byte[] bytes) {
        int length = bytes.length;
        // One byte of room at least: Netty hands out its shared, unreleasable empty buffer for nothing.
        ByteBuf frame;
        if ((framesInjected & 1) == 0) {
            frame = Unpooled.wrappedBuffer(Arrays.copyOf(bytes, Math.max(length, 1)));
        } else {
            ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(length, 1));
            direct.put(bytes, 0, length).clear();
            frame = Unpooled.wrappedBuffer(direct);
        }
        frame.writerIndex(length);
        framesInjected++;
        before.take(victim.stack.counters(), victim.engine);
        try {
            victim.channel.writeInbound(frame);
            victim.channel.checkException();
        } catch (Throwable failure) {
            throw failure("frame " + (framesInjected - 1) + " (" + ByteBufUtil.hexDump(bytes, 0, length)
                    + "): an exception left the pipeline: " + failure, failure);
        }
        Object unclaimed = victim.channel.readInbound();
        if (unclaimed != null) {
            ReferenceCountUtil.release(unclaimed);
            throw failure("frame " + (framesInjected - 1) + " (" + ByteBufUtil.hexDump(bytes, 0, length)
                    + "): a message reached the end of the pipeline unclaimed: " + unclaimed, null);
        }
        after.take(victim.stack.counters(), victim.engine);
        String imbalance = FrameAccounting.imbalance(before, after);
        if (imbalance != null) {
            throw failure("frame " + (framesInjected - 1) + " (" + ByteBufUtil.hexDump(bytes, 0, length) + "): "
                    + imbalance, null);
        }
        if (frame.refCnt() != 0) {
            held.add(new HeldFrame(frame, input));
        }
    }

    /** Checks what the stack under fuzz sent and hands it to the peer; true if there was anything. */
    private boolean forwardVictimFrames() {
        boolean moved = false;
        Object message;
        while ((message = victim.channel.readOutbound()) != null) {
            ByteBuf frame = (ByteBuf) message;
            framesSent++;
            String problem = sentCheck.problem(frame);
            if (problem != null) {
                String dump = ByteBufUtil.hexDump(frame);
                frame.release();
                throw failure("the stack sent a bad frame (" + problem + "): " + dump, null);
            }
            if (random.nextInt(8) == 0) {
                byte[] error = routerErrors.about(frame, random);
                if (error != null) {
                    corpus.addLive(new SeedFrame("ICMP error about stack frame " + framesSent, error));
                }
            }
            moved = true;
            if (random.nextInt(LOSS_ONE_IN) == 0) {
                frame.release();
                continue;
            }
            peer.channel.writeInbound(frame);
            peer.channel.checkException();
            releaseUnclaimed(peer);
        }
        return moved;
    }

    /** Copies each frame the peer sent into the live seeds and delivers the copy; true if there was anything. */
    private boolean forwardPeerFrames() {
        boolean moved = false;
        Object message;
        while ((message = peer.channel.readOutbound()) != null) {
            ByteBuf frame = (ByteBuf) message;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
            sentByPeer++;
            renumber(bytes);
            corpus.addLive(new SeedFrame("peer frame " + sentByPeer, bytes));
            moved = true;
            if (random.nextInt(LOSS_ONE_IN) == 0) {
                continue;
            }
            framesFromPeer++;
            inject(bytes);
        }
        return moved;
    }

    /**
     * The peer numbers its datagrams from a secret key of its own; numbering them from the run's count instead
     * keeps the live seeds, and what the mutator makes of them, the same for the same seed.
     */
    private void renumber(byte[] frame) {
        int ip = EthernetFrame.HEADER_LENGTH;
        if (frame.length >= ip + Ipv4Packet.MIN_HEADER_LENGTH && frame[12] == 0x08 && frame[13] == 0x00) {
            frame[ip + 4] = (byte) (sentByPeer >>> 8);
            frame[ip + 5] = (byte) sentByPeer;
            ChecksumRepair.repairIpv4Header(Unpooled.wrappedBuffer(frame), ip, frame.length - ip);
        }
    }

    private static void releaseUnclaimed(StackHost host) {
        Object unclaimed;
        while ((unclaimed = host.channel.readInbound()) != null) {
            ReferenceCountUtil.release(unclaimed);
        }
    }

    /** Runs everything due now on both stacks and passes frames between them until the link is quiet. */
    private void settle() {
        for (int round = 0; round < MAX_ROUNDS_PER_INSTANT; round++) {
            victim.runDue();
            peer.runDue();
            boolean moved = forwardVictimFrames();
            moved |= forwardPeerFrames();
            if (!moved) {
                return;
            }
        }
        throw failure("frames kept flowing for " + MAX_ROUNDS_PER_INSTANT + " rounds at one instant", null);
    }

    /** Moves the clock forward by {@code nanos}, running every task and timer on the way at its own time. */
    private void advance(long nanos) {
        long target = ticker.nanoTime() + nanos;
        while (true) {
            settle();
            long now = ticker.nanoTime();
            long delay = nextEventDelay();
            if (delay < 0 || now + delay >= target) {
                ticker.advance(target - now, TimeUnit.NANOSECONDS);
                settle();
                return;
            }
            ticker.advance(Math.max(delay, 1), TimeUnit.NANOSECONDS);
        }
    }

    private long nextEventDelay() {
        long victimDelay = victim.nextEventDelay();
        long peerDelay = peer.nextEventDelay();
        return victimDelay < 0 ? peerDelay : peerDelay < 0 ? victimDelay : Math.min(victimDelay, peerDelay);
    }

    /**
     * Ends the run: every application closes its connections, and the clock runs until both stacks hold no
     * connection and no timer. Returns null, or what would not end.
     */
    String drain() {
        input = "after the run, draining";
        traffic.closeAll();
        long deadline = ticker.nanoTime() + DRAIN_LIMIT_NANOS;
        while (ticker.nanoTime() < deadline) {
            advance(SECOND);
            if (idle(victim) && idle(peer)) {
                return null;
            }
        }
        return "after " + TimeUnit.NANOSECONDS.toMinutes(DRAIN_LIMIT_NANOS) + " virtual minutes the stack still has "
                + victim.engine.connectionCount() + " connection(s) and " + victim.engine.timingWheel().activeCount()
                + " timer(s); the peer " + peer.engine.connectionCount() + " and "
                + peer.engine.timingWheel().activeCount() + "; the stack's " + connections(victim) + ", the peer's "
                + connections(peer);
    }

    private static String connections(StackHost host) {
        List<String> listed = new ArrayList<>();
        host.engine.forEachConnection(connection -> listed.add(connection + " " + connection.state()));
        return listed.toString();
    }

    private static boolean idle(StackHost host) {
        return host.engine.connectionCount() == 0 && host.engine.timingWheel().activeCount() == 0;
    }

    /** What the stack under fuzz still holds after {@link #drain}: nothing, or a description. */
    String leftovers() {
        List<String> left = new ArrayList<>();
        if (victim.stack.neighbours().waitingFrames() != 0) {
            left.add(victim.stack.neighbours().waitingFrames() + " frame(s) waiting on ARP");
        }
        if (victim.stack.ipv4().reassembler().trackedDatagrams() != 0
                || victim.stack.ipv4().reassembler().heldBytes() != 0) {
            left.add(victim.stack.ipv4().reassembler().trackedDatagrams() + " datagram(s) in reassembly holding "
                    + victim.stack.ipv4().reassembler().heldBytes() + " bytes");
        }
        for (TcpListener listener : traffic.listeners()) {
            if (listener.synQueueLength() != 0 || listener.acceptQueueLength() != 0) {
                left.add("listener on " + listener.localPort() + " with " + listener.synQueueLength()
                        + " handshake(s) and " + listener.acceptQueueLength() + " unaccepted connection(s)");
            }
        }
        return left.isEmpty() ? null : String.join(", ", left);
    }

    /** A fresh client of the peer echoing {@code bytes} through the stack under fuzz, run until it closes. */
    ValidTraffic.Client freshExchange(int bytes) {
        input = "after the run, a fresh exchange";
        ValidTraffic.Client client = traffic.openEchoClient(bytes, random);
        long deadline = ticker.nanoTime() + 120 * SECOND;
        while (!client.isClosed() && ticker.nanoTime() < deadline) {
            advance(10 * MILLI);
        }
        return client;
    }

    /**
     * Closes the listeners and both stacks, then counts what is left: buffers still allocated from the
     * stacks' allocator, and injected frames never released. Returns null when nothing is.
     */
    String closeAndCountLeaks() {
        traffic.closeListeners();
        victim.engine.close();
        peer.engine.close();
        settle();
        victim.channel.finishAndReleaseAll();
        peer.channel.finishAndReleaseAll();
        held.removeIf(HeldFrame::released);
        long direct = active(allocator.metric().directArenas());
        long heap = active(allocator.metric().heapArenas());
        if (held.isEmpty() && direct == 0 && heap == 0) {
            return null;
        }
        return held.size() + " injected frame(s) never released, " + direct + " direct and " + heap
                + " heap buffer(s) still allocated" + (held.isEmpty() ? "" : "; the first from " + held.get(0).input);
    }

    /** An injected frame the stack kept after its turn, and the input it came with. */
    private record HeldFrame(ByteBuf frame, String input) {
        boolean released() {
            return frame.refCnt() == 0;
        }
    }

    private static long active(List<PoolArenaMetric> arenas) {
        long total = 0;
        for (PoolArenaMetric arena : arenas) {
            total += arena.numActiveAllocations();
        }
        return total;
    }

    private AssertionError failure(String message, Throwable cause) {
        return new AssertionError("seed 0x" + Long.toHexString(seed) + ", " + input + ": " + message
                + " (replay the inputs with -Dusertcp.fuzz.seed=0x" + Long.toHexString(seed) + " -Dusertcp.fuzz.frames="
                + (inputs + 1) + ")", cause);
    }

    /** The counters of the stack under fuzz, for the run's log. */
    String victimCounters() {
        return victim.stack.counters() + " " + victim.engine.counters() + " TCP drops " + victim.engine.dropCounters();
    }

    long inputs() {
        return inputs;
    }

    long framesInjected() {
        return framesInjected;
    }

    long framesFromPeer() {
        return framesFromPeer;
    }

    long framesSent() {
        return framesSent;
    }

    int signatures() {
        return signatures.size();
    }

    int foundSeeds() {
        return corpus.foundCount();
    }

    ValidTraffic traffic() {
        return traffic;
    }

    StackHost victim() {
        return victim;
    }

    @Override
    public void close() {
        mutator.close();
    }
}
