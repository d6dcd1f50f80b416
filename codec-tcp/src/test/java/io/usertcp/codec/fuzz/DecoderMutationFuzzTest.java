package io.usertcp.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.arp.ArpPacket;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile input for every decoder: seed frames (golden captures and frames from the codec's writers)
 * mutated with awareness of their structure, fed through the decode chain and, region by region, to
 * each decoder on its own. The contract under test: a decoder returns null or one of its own drop
 * reasons, never throws, and an accepted view reads only inside the bytes it was given.
 *
 * <p>One seeded run happens before the tests, which then judge it: that nothing threw or broke a
 * promise, and that the run was deep enough to mean something (every drop reason produced, many frames
 * decoded down to TCP options and ICMP quotes). Inputs come from {@code usertcp.fuzz.inputs} (the parent
 * pom passes 100000, the fuzz-long profile 5000000); the seed from {@code usertcp.fuzz.seed}, fixed by
 * default so every build sees the same inputs and a failure reproduces with the seed it prints.
 */
class DecoderMutationFuzzTest {
    private static final int INPUTS = Integer.getInteger("usertcp.fuzz.inputs", 100_000);
    private static final long SEED = Long.decode(System.getProperty("usertcp.fuzz.seed", "0x5EED"));
    /** Regions of each input fed straight to a decoder, after the chain had the whole frame. */
    private static final int DIRECT_FEEDS_PER_INPUT = 4;

    private static OutcomeTally tally;
    private static AssertionError runFailure;

    @BeforeAll
    static void fuzz() {
        List<SeedFrame> seeds = SeedFrames.all();
        tally = new OutcomeTally();
        DecodeChain chain = new DecodeChain(tally);
        FrameLayout layout = new FrameLayout();
        long started = System.nanoTime();
        try (FrameMutator mutator = new FrameMutator(seeds)) {
            for (int iteration = 0; iteration < INPUTS && runFailure == null; iteration++) {
                // One generator per input, derived from the run's seed, so the inputs do not depend on each other.
                SplittableRandom random = new SplittableRandom(SEED ^ iteration * 0x9E37_79B9_7F4A_7C15L);
                mutator.next(random);
                try (PlacedFrame placed = PlacedFrame.place(mutator.frame(), mutator.length(), random)) {
                    runFailure = decode(chain, layout, placed, random, iteration, mutator);
                }
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("Fuzz run: %d inputs from %d seed frames, seed 0x%X, %d ms, field fold 0x%X%n%s",
                tally.chainInputs(), seeds.size(), SEED, millis, chain.fieldFold(), tally.report());
    }

    /** Runs one input through the chain and a few of its regions through single decoders; the failure or null. */
    private static AssertionError decode(DecodeChain chain, FrameLayout layout, PlacedFrame placed,
                                         SplittableRandom random, int iteration, FrameMutator mutator) {
        Decoder fed = null;
        int fedAt = 0;
        int fedLength = 0;
        try {
            chain.decode(placed.buf, placed.offset, placed.length);
            layout.read(placed.buf, placed.offset, placed.length);
            for (int feed = 0; feed < DIRECT_FEEDS_PER_INPUT; feed++) {
                fed = Decoder.all()[random.nextInt(Decoder.all().length)];
                fedAt = regionStart(fed, layout, random);
                fedLength = regionLength(fed, layout, fedAt, random);
                feedDirectly(chain, placed, layout, fed, fedAt, fedLength, random);
            }
            return null;
        } catch (Throwable failure) {
            String stage = fed == null ? "the decode chain"
                    : fed + " fed directly " + fedLength + " bytes at frame offset " + fedAt;
            return new AssertionError("input " + iteration + " of seed 0x" + Long.toHexString(SEED)
                    + " (the same -Dusertcp.fuzz.seed and at least " + (iteration + 1) + " inputs reproduce it): "
                    + stage + " failed with " + failure + "\n" + mutator.describe() + "\n" + placed.describe(),
                    failure);
        }
    }

    /** Half the time where the decoder's layer starts in this frame, else anywhere. */
    private static int regionStart(Decoder decoder, FrameLayout layout, SplittableRandom random) {
        int natural = naturalStart(decoder, layout);
        if (natural != FrameLayout.ABSENT && natural <= layout.length && random.nextBoolean()) {
            return natural;
        }
        return random.nextInt(layout.length + 1);
    }

    private static int naturalStart(Decoder decoder, FrameLayout layout) {
        return switch (decoder) {
            case ETHERNET -> 0;
            case ARP, IPV4 -> EthernetFrame.HEADER_LENGTH;
            case IPV4_QUOTED -> layout.quote;
            case ICMP, TCP -> layout.transport;
            case TCP_OPTIONS -> layout.hasTcpOptions() ? layout.tcpOptions() : FrameLayout.ABSENT;
        };
    }

    /** From the start, half the time to the end of the decoder's layer or the frame, else any length that fits. */
    private static int regionLength(Decoder decoder, FrameLayout layout, int start, SplittableRandom random) {
        int rest = layout.length - start;
        if (random.nextBoolean()) {
            return random.nextInt(rest + 1);
        }
        if (start == layout.transport && (decoder == Decoder.TCP || decoder == Decoder.ICMP)) {
            return layout.transportLength;
        }
        if (decoder == Decoder.TCP_OPTIONS && layout.hasTcpOptions() && start == layout.tcpOptions()) {
            return layout.tcpOptionsEnd() - start;
        }
        return rest;
    }

    private static void feedDirectly(DecodeChain chain, PlacedFrame placed, FrameLayout layout, Decoder decoder,
                                     int start, int length, SplittableRandom random) {
        ByteBuf buf = placed.buf;
        int at = placed.offset + start;
        boolean hasIp = layout.ipHeaderLength != FrameLayout.ABSENT;
        int ip = placed.offset + EthernetFrame.HEADER_LENGTH;
        int sourceAddress = hasIp ? buf.getInt(ip + 12) : random.nextInt();
        int destinationAddress = hasIp ? buf.getInt(ip + 16) : random.nextInt();
        if (random.nextBoolean()) {
            // As for whole frames: without a valid checksum the decoder would stop before parsing anything.
            if (decoder == Decoder.IPV4) {
                ChecksumRepair.repairIpv4Header(buf, at, length);
            } else if (decoder == Decoder.ICMP) {
                ChecksumRepair.repairIcmp(buf, at, length);
            } else if (decoder == Decoder.TCP) {
                ChecksumRepair.repairTcp(buf, at, length, sourceAddress, destinationAddress);
            }
        }
        chain.feed(decoder, buf, at, length, sourceAddress, destinationAddress);
    }

    @Test
    void noMutatedFrameMakesADecoderThrowOrBreakAPromise() {
        if (runFailure != null) {
            throw runFailure;
        }
        assertEquals(INPUTS, tally.chainInputs(), "every input reached an outcome");
    }

    @Test
    void mutatedFramesProduceEveryDropReasonThroughTheChain() {
        assumeTrue(runFailure == null, "the run stopped early; see noMutatedFrameMakesADecoderThrowOrBreakAPromise");
        // The chain's own reasons: every decoder's, plus the EtherType dispatch. Later layers append
        // their own reasons (reassembly, neighbour, TCP) to DropReason; those are not the codec's to produce.
        Set<DropReason> chainReasons = EnumSet.of(DropReason.UNSUPPORTED_ETHERTYPE);
        for (Decoder decoder : Decoder.all()) {
            chainReasons.addAll(decoder.reasons());
        }
        for (DropReason reason : chainReasons) {
            assertTrue(tally.chainDrops(reason) > 0,
                    () -> "no input was dropped for " + reason + "\n" + tally.report());
        }
    }

    @Test
    void aGoodShareOfMutatedFramesDecodesDownToTcpOptionsAndIcmpQuotes() {
        assumeTrue(runFailure == null, "the run stopped early; see noMutatedFrameMakesADecoderThrowOrBreakAPromise");
        long inputs = tally.chainInputs();
        assertTrue(tally.chainDecoded(DecodedAs.TCP_OPTIONS) >= inputs / 10,
                () -> "under 10% of inputs decoded down to parsed TCP options\n" + tally.report());
        assertTrue(tally.chainDecoded(DecodedAs.ICMP_QUOTE) >= inputs / 100,
                () -> "under 1% of inputs decoded down to an ICMP error's quoted datagram\n" + tally.report());
        assertTrue(tally.chainDecoded(DecodedAs.ARP) >= inputs / 50,
                () -> "under 2% of inputs decoded as ARP\n" + tally.report());
        assertTrue(tally.chainDrops(DropReason.BAD_OPTION_LENGTH) >= inputs / 50,
                () -> "under 2% of inputs reached the option parser and were rejected there\n" + tally.report());
    }

    @Test
    void everyDecoderFedDirectlyAcceptsSomeRegionsAndDropsOthersForEachOfItsReasons() {
        assumeTrue(runFailure == null, "the run stopped early; see noMutatedFrameMakesADecoderThrowOrBreakAPromise");
        for (Decoder decoder : Decoder.all()) {
            assertTrue(tally.directAccepted(decoder) > 0, () -> decoder + " accepted no region\n" + tally.report());
            for (DropReason reason : decoder.reasons()) {
                assertTrue(tally.directDropped(decoder, reason) > 0,
                        () -> decoder + " never dropped a region for " + reason + "\n" + tally.report());
            }
        }
    }

    @Test
    void everySeedBuiltWithTheWritersDecodesThroughTheChain() {
        DecodeChain chain = new DecodeChain(new OutcomeTally());
        for (SeedFrame seed : SeedFrames.builtWithWriters()) {
            byte[] bytes = seed.bytes();
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length);
            try {
                buf.writeBytes(bytes);
                assertNull(chain.decode(buf, 0, bytes.length), seed.name());
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void everyTruncationOfEverySeedIsDroppedUntilTheFrameIsComplete() {
        DecodeChain chain = new DecodeChain(new OutcomeTally());
        FrameLayout layout = new FrameLayout();
        for (SeedFrame seed : SeedFrames.all()) {
            byte[] bytes = seed.bytes();
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length);
            try {
                buf.writeBytes(bytes);
                DropReason whole = chain.decode(buf, 0, bytes.length);
                int complete = completeLength(layout.read(buf, 0, bytes.length));
                for (int length = 0; length <= bytes.length; length++) {
                    // A slice ends where the truncated frame ends, so a read past it throws.
                    DropReason reason = chain.decode(buf.slice(0, length), 0, length);
                    if (whole == null && length >= complete) {
                        assertNull(reason, seed.name() + " truncated to " + length + " of " + bytes.length + " bytes");
                    } else {
                        assertTrue(reason != null, seed.name() + " truncated to " + length + " of " + bytes.length
                                + " bytes was accepted before it held its " + complete
                                + " bytes of headers and payload");
                    }
                }
            } finally {
                buf.release();
            }
        }
    }

    /** The bytes a frame needs to be whole: an ARP packet, or the IPv4 total length; the rest is padding. */
    private static int completeLength(FrameLayout layout) {
        if (layout.etherType == EthernetFrame.ETHERTYPE_ARP) {
            return FrameLayout.ARP + ArpPacket.LENGTH;
        }
        if (layout.etherType == EthernetFrame.ETHERTYPE_IPV4 && layout.ipTotalLength >= Ipv4Packet.MIN_HEADER_LENGTH) {
            return FrameLayout.IP + layout.ipTotalLength;
        }
        return layout.length;
    }
}
