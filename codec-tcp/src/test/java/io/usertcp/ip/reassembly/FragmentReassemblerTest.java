package io.usertcp.ip.reassembly;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropCounters;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FragmentReassemblerTest {
    private static final long TIMEOUT_NANOS = FragmentReassemblerConfig.DEFAULT.timeoutNanos();

    private final MockTicker ticker = Ticker.newMockTicker();
    private final DropCounters drops = new DropCounters();
    private final List<TimedOutFirstFragment> timeouts = new ArrayList<>();
    private final List<ByteBuf> reassembled = new ArrayList<>();
    private final Ipv4Packet view = new Ipv4Packet();
    private FragmentReassembler reassembler = create(FragmentReassemblerConfig.DEFAULT);

    /** What the timeout listener saw of the first fragment. */
    private record TimedOutFirstFragment(int identification, int headerLength, int payloadLength) {
    }

    private FragmentReassembler create(FragmentReassemblerConfig config) {
        return new FragmentReassembler(config, PooledByteBufAllocator.DEFAULT, drops, first -> timeouts.add(
                new TimedOutFirstFragment(first.identification(), first.headerLength(), first.payloadLength())));
    }

    private void configure(FragmentReassemblerConfig config) {
        reassembler.release();
        reassembler = create(config);
    }

    @AfterEach
    void releaseEverything() {
        reassembler.release();
        reassembled.forEach(ByteBuf::release);
    }

    /** Offers a fragment frame as the IPv4 layer would, then releases the frame as its owner would. */
    private ByteBuf offer(ByteBuf frame) {
        try {
            assertNull(view.wrap(frame, 0, frame.readableBytes()), "the test built an invalid datagram");
            ByteBuf datagram = reassembler.offer(view, ticker.nanoTime());
            if (datagram != null) {
                reassembled.add(datagram);
            }
            return datagram;
        } finally {
            frame.release();
        }
    }

    private static byte[] payload(int length, long seed) {
        byte[] payload = new byte[length];
        new Random(seed).nextBytes(payload);
        return payload;
    }

    /** The payload of a reassembled datagram, after checking that it is a valid datagram. */
    private static byte[] payloadOf(ByteBuf datagram) {
        Ipv4Packet ip = new Ipv4Packet();
        assertNull(ip.wrap(datagram, datagram.readerIndex(), datagram.readableBytes()),
                "the reassembled datagram is a valid IPv4 datagram, checksum included");
        assertFalse(ip.isFragment(), "MF and offset cleared");
        return ByteBufUtil.getBytes(datagram, ip.payloadOffset(), ip.payloadLength());
    }

    /** Offers the fragments of {@code payload}, {@code size} bytes each, in the given order of indexes. */
    private ByteBuf offerInOrder(FragmentFrames frames, byte[] payload, int size, List<Integer> order) {
        int count = (payload.length + size - 1) / size;
        ByteBuf result = null;
        for (int step = 0; step < order.size(); step++) {
            int fragment = order.get(step);
            int offset = fragment * size;
            boolean last = fragment == count - 1;
            result = offer(frames.slice(payload, offset, last ? payload.length - offset : size, !last));
            if (step < order.size() - 1) {
                assertNull(result, "datagram returned before its last missing fragment, at step " + step);
            }
        }
        return result;
    }

    private static List<Integer> indexes(int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        return order;
    }

    @Test
    void fragmentsInOrderReassembleByteExact() {
        byte[] payload = payload(3000, 1);

        ByteBuf datagram = offerInOrder(new FragmentFrames(7), payload, 1480, indexes(3));

        assertNotNull(datagram);
        assertArrayEquals(payload, payloadOf(datagram));
        assertEquals(1, reassembler.reassembledDatagrams());
        assertEquals(0, drops.total());
    }

    @Test
    void fragmentsInReverseOrderReassembleByteExact() {
        byte[] payload = payload(5000, 2);
        List<Integer> order = indexes(7);
        Collections.reverse(order);

        ByteBuf datagram = offerInOrder(new FragmentFrames(8), payload, 744, order);

        assertNotNull(datagram);
        assertArrayEquals(payload, payloadOf(datagram));
    }

    @Test
    void fragmentsInRandomOrderReassembleByteExact() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            byte[] payload = payload(1 + random.nextInt(12_000), round);
            int size = 8 * (1 + random.nextInt(185));
            int count = (payload.length + size - 1) / size;
            if (count < 2 || count > FragmentReassemblerConfig.DEFAULT.maxFragmentsPerDatagram()) {
                continue;
            }
            List<Integer> order = indexes(count);
            Collections.shuffle(order, random);

            ByteBuf datagram = offerInOrder(new FragmentFrames(round), payload, size, order);

            assertNotNull(datagram, "round " + round);
            assertArrayEquals(payload, payloadOf(datagram), "round " + round);
        }
        assertEquals(0, reassembler.heldFragments());
        assertEquals(0, reassembler.heldBytes());
        assertEquals(0, reassembler.trackedDatagrams());
        assertEquals(0, drops.total());
    }

    @Test
    void firstFragmentsHeaderBecomesTheDatagramsWithLengthAndFragmentFieldsRewritten() {
        byte[] options = {1, 1, 1, 0};
        byte[] payload = payload(100, 4);
        FragmentFrames frames = new FragmentFrames(0xBEEF).protocol(Ipv4Packet.PROTOCOL_TCP).dontFragment()
                .firstFragmentOptions(options);
        offer(frames.slice(payload, 48, 52, false));

        ByteBuf datagram = offer(frames.slice(payload, 0, 48, true));

        Ipv4Packet ip = new Ipv4Packet();
        assertNull(ip.wrap(datagram, 0, datagram.readableBytes()), "the header checksum verifies");
        assertEquals(24, ip.headerLength());
        assertArrayEquals(options, ByteBufUtil.getBytes(datagram, ip.optionsOffset(), ip.optionsLength()));
        assertEquals(124, ip.totalLength());
        assertEquals(0xBEEF, ip.identification());
        assertEquals(Ipv4Packet.PROTOCOL_TCP, ip.protocol());
        assertEquals(FragmentFrames.SOURCE, ip.sourceAddress());
        assertEquals(FragmentFrames.DESTINATION, ip.destinationAddress());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertArrayEquals(payload, ByteBufUtil.getBytes(datagram, ip.payloadOffset(), ip.payloadLength()));
    }

    @Test
    void largestDatagramReassembles() {
        byte[] payload = payload(Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH, 5);

        ByteBuf datagram = offerInOrder(new FragmentFrames(9), payload, 1480, indexes(45));

        assertNotNull(datagram);
        assertArrayEquals(payload, payloadOf(datagram));
        assertEquals(Ipv4Packet.MAX_TOTAL_LENGTH, datagram.readableBytes());
    }

    @Test
    void exactDuplicateFragmentsAreIgnored() {
        byte[] payload = payload(48, 6);
        FragmentFrames frames = new FragmentFrames(10);
        offer(frames.slice(payload, 0, 16, true));
        offer(frames.slice(payload, 0, 16, true));
        offer(frames.slice(payload, 16, 16, true));
        offer(frames.slice(payload, 16, 16, true));
        assertEquals(2, reassembler.heldFragments());

        ByteBuf datagram = offer(frames.slice(payload, 32, 16, false));

        assertArrayEquals(payload, payloadOf(datagram));
        assertEquals(2, drops.get(DropReason.FRAGMENT_DUPLICATE));
        assertEquals(2, drops.total());
    }

    @Test
    void sameRangeWithDifferentBytesDiscardsTheDatagram() {
        byte[] payload = payload(48, 7);
        FragmentFrames frames = new FragmentFrames(11);
        offer(frames.slice(payload, 16, 16, true));
        byte[] altered = payload.clone();
        altered[20] ^= 1;

        assertNull(offer(frames.slice(altered, 16, 16, true)));
        assertNull(offer(frames.slice(payload, 0, 16, true)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(1, reassembler.overlappingDatagrams());
        assertEquals(3, drops.get(DropReason.FRAGMENT_OVERLAP), "held, offending, and later fragment");
    }

    @Test
    void sameRangeAndBytesWithAnotherMoreFragmentsFlagDiscardsTheDatagram() {
        byte[] payload = payload(24, 33);
        FragmentFrames frames = new FragmentFrames(34);
        offer(frames.slice(payload, 16, 8, true));

        assertNull(offer(frames.slice(payload, 16, 8, false)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(2, drops.get(DropReason.FRAGMENT_OVERLAP));
    }

    /** The held fragment covers [16, 48); each row is a fragment overlapping it in another way. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "strictly inside,        24, 8,  true",
            "same start and shorter, 16, 8,  true",
            "same start and longer,  16, 40, true",
            "same end and shorter,   40, 8,  true",
            "same end and longer,    8,  40, true",
            "across its start,       8,  16, true",
            "across its end,         40, 16, true",
            "covering it,            8,  48, true",
            "teardrop last fragment, 24, 4,  false"})
    void everyOverlapDiscardsTheWholeDatagram(String shape, int offset, int length, boolean moreFragments) {
        byte[] payload = payload(64, 8);
        FragmentFrames frames = new FragmentFrames(12);
        offer(frames.slice(payload, 16, 32, true));

        assertNull(offer(frames.slice(payload, offset, length, moreFragments)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(0, reassembler.heldBytes());
        assertEquals(1, reassembler.overlappingDatagrams());
        assertEquals(2, drops.get(DropReason.FRAGMENT_OVERLAP));
        assertEquals(2, drops.total());
    }

    @Test
    void laterFragmentsOfADiscardedDatagramAreDropped() {
        byte[] payload = payload(64, 9);
        FragmentFrames frames = new FragmentFrames(13);
        offer(frames.slice(payload, 16, 32, true));
        offer(frames.slice(payload, 24, 8, true));

        assertNull(offer(frames.slice(payload, 0, 16, true)));
        assertNull(offer(frames.slice(payload, 16, 32, true)));
        assertNull(offer(frames.slice(payload, 48, 16, false)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(5, drops.get(DropReason.FRAGMENT_OVERLAP));
        assertEquals(0, reassembler.reassembledDatagrams());
    }

    @Test
    void discardedDatagramIsForgottenWhenItWouldHaveTimedOut() {
        byte[] payload = payload(64, 10);
        FragmentFrames frames = new FragmentFrames(14);
        offer(frames.slice(payload, 16, 32, true));
        offer(frames.slice(payload, 24, 8, true));
        assertEquals(1, reassembler.trackedDatagrams());

        ticker.advance(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        assertEquals(0, reassembler.expire(ticker.nanoTime()), "a discarded datagram does not time out again");
        ByteBuf datagram = offerInOrder(frames, payload, 16, indexes(4));

        assertArrayEquals(payload, payloadOf(datagram));
        assertEquals(0, drops.get(DropReason.FRAGMENT_TIMEOUT));
        assertTrue(timeouts.isEmpty());
    }

    @Test
    void fragmentBeyondTheLastFragmentsEndDiscardsTheDatagram() {
        byte[] payload = payload(40, 11);
        FragmentFrames frames = new FragmentFrames(15);
        offer(frames.slice(payload, 16, 8, false));

        assertNull(offer(frames.slice(payload, 24, 16, true)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(1, reassembler.overlappingDatagrams());
        assertEquals(2, drops.get(DropReason.FRAGMENT_OVERLAP));
    }

    @Test
    void secondLastFragmentWithAnotherEndDiscardsTheDatagram() {
        byte[] payload = payload(40, 12);
        FragmentFrames frames = new FragmentFrames(16);
        offer(frames.slice(payload, 16, 8, false));

        assertNull(offer(frames.slice(payload, 32, 8, false)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(2, drops.get(DropReason.FRAGMENT_OVERLAP));
    }

    @Test
    void lastFragmentEndingBeforeHeldDataDiscardsTheDatagram() {
        byte[] payload = payload(40, 13);
        FragmentFrames frames = new FragmentFrames(17);
        offer(frames.slice(payload, 32, 8, true));

        assertNull(offer(frames.slice(payload, 8, 8, false)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(2, drops.get(DropReason.FRAGMENT_OVERLAP));
    }

    @Test
    void pingOfDeathIsDropped() {
        byte[] payload = payload(1480, 14);
        FragmentFrames frames = new FragmentFrames(18).protocol(Ipv4Packet.PROTOCOL_ICMP);
        offer(frames.slice(payload, 0, 1480, true));

        // RFC 791 3.1: 65,512 + 16 payload bytes and a 20-byte header make 65,548 > 65,535
        assertNull(offer(frames.frame(65_512, new byte[16], false)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(1, reassembler.oversizeDatagrams());
        assertEquals(2, drops.get(DropReason.FRAGMENT_TOO_LARGE));
        assertEquals(2, drops.total());
    }

    @Test
    void loneFragmentReachingPastTheLimitIsDroppedWithoutTrackingADatagram() {
        assertNull(offer(new FragmentFrames(19).frame(65_512, new byte[8], false)));

        assertEquals(0, reassembler.trackedDatagrams());
        assertEquals(1, drops.get(DropReason.FRAGMENT_TOO_LARGE));
    }

    @Test
    void firstFragmentsOptionsPushingTheDatagramPast65535BytesDiscardIt() {
        byte[] options = new byte[20];
        Arrays.fill(options, (byte) 1);
        FragmentFrames frames = new FragmentFrames(20).firstFragmentOptions(options);
        // Ends at 65,512: fits behind a 20-byte header, not behind the first fragment's 40-byte one
        offer(frames.frame(65_504, new byte[8], false));

        assertNull(offer(frames.frame(0, new byte[1480], true)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(2, drops.get(DropReason.FRAGMENT_TOO_LARGE));
    }

    @Test
    void emptyFragmentIsDropped() {
        assertNull(offer(new FragmentFrames(21).frame(8, new byte[0], true)));

        assertEquals(1, reassembler.malformedDatagrams());
        assertEquals(1, drops.get(DropReason.FRAGMENT_MALFORMED));
        assertEquals(0, reassembler.trackedDatagrams());
    }

    @Test
    void nonLastFragmentNotAMultipleOfEightBytesDiscardsTheDatagram() {
        byte[] payload = payload(40, 15);
        FragmentFrames frames = new FragmentFrames(22);
        offer(frames.slice(payload, 0, 16, true));

        assertNull(offer(frames.slice(payload, 16, 12, true)));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(2, drops.get(DropReason.FRAGMENT_MALFORMED));
    }

    @Test
    void incompleteDatagramTimesOutAndItsFragmentsAreReleased() {
        byte[] payload = payload(40, 16);
        FragmentFrames frames = new FragmentFrames(23);
        offer(frames.slice(payload, 0, 16, true));
        offer(frames.slice(payload, 32, 8, false));

        ticker.advance(TIMEOUT_NANOS - 1, TimeUnit.NANOSECONDS);
        assertEquals(0, reassembler.expire(ticker.nanoTime()));
        assertEquals(2, reassembler.heldFragments());
        ticker.advance(1, TimeUnit.NANOSECONDS);
        assertEquals(1, reassembler.expire(ticker.nanoTime()));

        assertEquals(0, reassembler.heldFragments());
        assertEquals(0, reassembler.heldBytes());
        assertEquals(0, reassembler.trackedDatagrams());
        assertEquals(1, reassembler.timedOutDatagrams());
        assertEquals(2, drops.get(DropReason.FRAGMENT_TIMEOUT));
    }

    @Test
    void timeoutReportsTheFirstFragmentForIcmpTimeExceeded() {
        byte[] payload = payload(40, 17);
        FragmentFrames frames = new FragmentFrames(24);
        offer(frames.slice(payload, 0, 16, true));

        ticker.advance(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        reassembler.expire(ticker.nanoTime());

        assertEquals(List.of(new TimedOutFirstFragment(24, Ipv4Packet.MIN_HEADER_LENGTH, 16)), timeouts);
    }

    @Test
    void timeoutWithoutTheFirstFragmentReportsNothing() {
        byte[] payload = payload(40, 18);
        offer(new FragmentFrames(25).slice(payload, 16, 16, true));

        ticker.advance(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);

        assertEquals(1, reassembler.expire(ticker.nanoTime()));
        assertTrue(timeouts.isEmpty());
    }

    @Test
    void laterFragmentsDoNotExtendTheTimeout() {
        byte[] payload = payload(40, 19);
        FragmentFrames frames = new FragmentFrames(26);
        offer(frames.slice(payload, 0, 8, true));
        ticker.advance(TIMEOUT_NANOS / 2, TimeUnit.NANOSECONDS);
        offer(frames.slice(payload, 8, 8, true));

        ticker.advance(TIMEOUT_NANOS - TIMEOUT_NANOS / 2, TimeUnit.NANOSECONDS);

        assertEquals(1, reassembler.expire(ticker.nanoTime()));
        assertEquals(2, drops.get(DropReason.FRAGMENT_TIMEOUT));
    }

    @Test
    void offerExpiresDueDatagramsBeforeLookingUpItsOwn() {
        byte[] payload = payload(40, 20);
        FragmentFrames frames = new FragmentFrames(27);
        offer(frames.slice(payload, 0, 16, true));
        ticker.advance(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);

        assertNull(offer(frames.slice(payload, 16, 24, false)), "the first fragment timed out first");

        assertEquals(1, reassembler.timedOutDatagrams());
        assertEquals(1, reassembler.heldFragments(), "the late fragment starts a new datagram");
    }

    @Test
    void timeoutFollowsTheConfiguration() {
        configure(FragmentReassemblerConfig.DEFAULT.withTimeout(60, TimeUnit.SECONDS));
        offer(new FragmentFrames(28).slice(payload(16, 21), 0, 8, true));

        ticker.advance(59, TimeUnit.SECONDS);
        assertEquals(0, reassembler.expire(ticker.nanoTime()));
        ticker.advance(1, TimeUnit.SECONDS);

        assertEquals(1, reassembler.expire(ticker.nanoTime()));
    }

    @Test
    void floodOfIncompleteDatagramsStaysUnderTheMemoryCapAndNewDatagramsStillReassemble() {
        long cap = 1 << 20;
        configure(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(cap).withMaxDatagrams(16_384));
        byte[] junk = new byte[1000];
        long mostHeld = 0;
        for (int i = 0; i < 10_000; i++) {
            int source = FragmentFrames.SOURCE + (i >>> 16);
            assertNull(offer(new FragmentFrames(i & 0xFFFF).source(source).frame(0, junk, true)));
            mostHeld = Math.max(mostHeld, reassembler.heldBytes());
        }

        assertTrue(mostHeld <= cap, "held " + mostHeld + " bytes under a cap of " + cap);
        assertEquals(10_000, reassembler.heldFragments() + drops.total(), "every fragment held or counted");
        assertEquals(10_000 - reassembler.trackedDatagrams(), reassembler.evictedDatagrams());
        assertTrue(reassembler.evictedDatagrams() > 8_000, "evicted " + reassembler.evictedDatagrams());
        byte[] payload = payload(3000, 22);
        ByteBuf datagram = offerInOrder(new FragmentFrames(0xF00D).source(FragmentFrames.DESTINATION), payload,
                1480, indexes(3));
        assertArrayEquals(payload, payloadOf(datagram));
    }

    @Test
    void memoryPressureEvictsTheOldestDatagramFirst() {
        // Room for three 28-byte fragments, so the fourth datagram's evicts the first's
        configure(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(3 * 28));
        byte[] payload = payload(16, 23);
        for (int id = 1; id <= 4; id++) {
            offer(new FragmentFrames(id).slice(payload, 0, 8, true));
        }
        assertEquals(1, reassembler.evictedDatagrams());
        assertEquals(1, drops.get(DropReason.FRAGMENT_MEMORY_LIMIT));

        assertArrayEquals(payload, payloadOf(offer(new FragmentFrames(2).slice(payload, 8, 8, false))),
                "the second oldest survived (its own completion evicts the third)");
        assertNull(offer(new FragmentFrames(1).slice(payload, 8, 8, false)), "the oldest was evicted");
        assertEquals(2, reassembler.evictedDatagrams());
    }

    @Test
    void datagramThatCannotFitAloneIsRefusedWithoutEvictingOthers() {
        configure(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(2000));
        offer(new FragmentFrames(1).frame(0, new byte[1000], true));

        assertNull(offer(new FragmentFrames(2).frame(0, new byte[1984], true)));

        assertEquals(1, reassembler.memoryLimitDatagrams());
        assertEquals(0, reassembler.evictedDatagrams());
        assertEquals(1, reassembler.heldFragments());
        assertEquals(1, reassembler.trackedDatagrams());
        assertEquals(1, drops.get(DropReason.FRAGMENT_MEMORY_LIMIT));
    }

    @Test
    void datagramCapEvictsTheOldestDatagram() {
        configure(FragmentReassemblerConfig.DEFAULT.withMaxDatagrams(2));
        byte[] payload = payload(16, 24);
        for (int id = 1; id <= 3; id++) {
            offer(new FragmentFrames(id).slice(payload, 0, 8, true));
        }

        assertEquals(2, reassembler.trackedDatagrams());
        assertEquals(1, reassembler.evictedDatagrams());
        assertEquals(1, drops.get(DropReason.FRAGMENT_MEMORY_LIMIT));
        assertArrayEquals(payload, payloadOf(offer(new FragmentFrames(2).slice(payload, 8, 8, false))));
    }

    @Test
    void fragmentBeyondTheCapPerDatagramDiscardsIt() {
        configure(FragmentReassemblerConfig.DEFAULT.withMaxFragmentsPerDatagram(4));
        byte[] payload = payload(40, 25);
        FragmentFrames frames = new FragmentFrames(29);
        for (int offset = 0; offset < 32; offset += 8) {
            offer(frames.slice(payload, offset, 8, true));
        }

        assertNull(offer(frames.slice(payload, 32, 8, false)));

        assertEquals(1, reassembler.tooFragmentedDatagrams());
        assertEquals(5, drops.get(DropReason.FRAGMENT_TOO_MANY));
        assertEquals(0, reassembler.heldFragments());
    }

    @Test
    void datagramOfExactlyTheCapPerDatagramReassembles() {
        configure(FragmentReassemblerConfig.DEFAULT.withMaxFragmentsPerDatagram(4));
        byte[] payload = payload(32, 26);

        ByteBuf datagram = offerInOrder(new FragmentFrames(30), payload, 8, List.of(3, 1, 0, 2));

        assertArrayEquals(payload, payloadOf(datagram));
    }

    @Test
    void datagramsSharingAnIdentificationFromOtherSourcesOrProtocolsStayApart() {
        byte[] first = payload(16, 27);
        byte[] second = payload(16, 28);
        byte[] third = payload(16, 29);
        FragmentFrames one = new FragmentFrames(31);
        FragmentFrames otherSource = new FragmentFrames(31).source(FragmentFrames.SOURCE + 1);
        FragmentFrames otherProtocol = new FragmentFrames(31).protocol(Ipv4Packet.PROTOCOL_TCP);
        offer(one.slice(first, 0, 8, true));
        offer(otherSource.slice(second, 0, 8, true));
        offer(otherProtocol.slice(third, 0, 8, true));

        assertArrayEquals(third, payloadOf(offer(otherProtocol.slice(third, 8, 8, false))));
        assertArrayEquals(second, payloadOf(offer(otherSource.slice(second, 8, 8, false))));
        assertArrayEquals(first, payloadOf(offer(one.slice(first, 8, 8, false))));
        assertEquals(0, drops.total());
    }

    @Test
    void everyOfferedFragmentIsEitherHeldOrCountedAsDropped() {
        long cap = 4096;
        configure(FragmentReassemblerConfig.DEFAULT.withMaxMemoryBytes(cap).withMaxDatagrams(32)
                .withMaxFragmentsPerDatagram(8));
        Random random = new Random(30);
        for (int offered = 1; offered <= 5_000; offered++) {
            int identification = random.nextInt(40);
            // Never offset 0, so no datagram completes and every fragment must stay held or be counted
            int offset = random.nextInt(10) == 0 ? 65_520 - 8 * random.nextInt(4) : 8 * (1 + random.nextInt(32));
            int length = random.nextInt(8) == 0 ? random.nextInt(24) : 8;
            byte[] data = new byte[length];
            // The same bytes for the same place, so repeats are exact duplicates
            Arrays.fill(data, (byte) (identification + offset));
            boolean moreFragments = random.nextInt(8) != 0;

            assertNull(offer(new FragmentFrames(identification).frame(offset, data, moreFragments)));

            assertEquals(offered, reassembler.heldFragments() + drops.total(), drops.toString());
            assertTrue(reassembler.heldBytes() <= cap);
            if (random.nextInt(200) == 0) {
                ticker.advance(TIMEOUT_NANOS / 4, TimeUnit.NANOSECONDS);
            }
        }
        for (DropReason reason : List.of(DropReason.FRAGMENT_MALFORMED, DropReason.FRAGMENT_DUPLICATE,
                DropReason.FRAGMENT_OVERLAP, DropReason.FRAGMENT_TOO_LARGE, DropReason.FRAGMENT_TOO_MANY,
                DropReason.FRAGMENT_TIMEOUT, DropReason.FRAGMENT_MEMORY_LIMIT)) {
            assertTrue(drops.get(reason) > 0, "the run never reached " + reason + ": " + drops);
        }
    }

    @Test
    void releaseFreesEveryHeldFragmentWithoutCountingDrops() {
        byte[] payload = payload(64, 32);
        for (int id = 0; id < 10; id++) {
            FragmentFrames frames = new FragmentFrames(id);
            offer(frames.slice(payload, 0, 16, true));
            offer(frames.slice(payload, 32, 16, true));
        }

        reassembler.release();

        assertEquals(0, reassembler.heldFragments());
        assertEquals(0, reassembler.heldBytes());
        assertEquals(0, reassembler.trackedDatagrams());
        assertEquals(0, drops.total());
    }

    @Test
    void unfragmentedDatagramIsRefusedAsACallerBug() {
        ByteBuf whole = new FragmentFrames(33).frame(0, new byte[8], false);
        try {
            assertNull(view.wrap(whole, 0, whole.readableBytes()));
            assertThrows(IllegalArgumentException.class, () -> reassembler.offer(view, ticker.nanoTime()));
        } finally {
            whole.release();
        }
    }
}
