package io.usertcp.tcp.script;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.usertcp.codec.DropReason;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;
import io.usertcp.stack.InboundPacket;
import io.usertcp.stack.StackConfig;
import io.usertcp.stack.StackPipeline;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpCounter;
import io.usertcp.tcp.TcpEngine;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.TcpState;
import io.usertcp.tcp.handler.TcpHandlers;
import io.usertcp.testing.script.RecordingConnectionEvents;
import io.usertcp.testing.script.SentSegment;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blind and hostile traffic (RFC 5961 and known attacks): malformed flag combinations, LAND, broadcast SYNs,
 * RST storms, reflection through a middlebox, forged ACK floods, and long transfers over the sequence wrap.
 * The full-pipeline cases run the real stack below TCP, because LAND and broadcast filtering is the IPv4
 * layer's job (a martian or non-unicast destination never reaches TCP).
 */
class HostileTrafficTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: victim\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    /** Injects a segment with raw fields the DSL does not offer (any flags, the urgent pointer, the source). */
    private void injectRaw(int source, int sourcePort, int destinationPort, int seq, int ack, int flags,
                           int urgentPointer, byte[] payload) {
        ByteBuf frame = new FrameBuffers(ByteBufAllocator.DEFAULT).allocate(payload.length);
        frame.writeBytes(payload);
        TcpSegmentWriter.prepend(frame, source, TcpScript.LOCAL_ADDRESS, sourcePort, destinationPort, seq, ack, flags,
                65535, urgentPointer, new TcpOptions());
        InboundPacket packet = new InboundPacket().reset(frame);
        packet.setTransport(source, TcpScript.LOCAL_ADDRESS, Ipv4Packet.PROTOCOL_TCP, frame, frame.readerIndex(),
                frame.readableBytes(), null);
        script.channel().writeInbound(packet);
        script.channel().checkException();
    }

    private void injectRaw(int flags, int seq, int ack) {
        injectRaw(TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT, TcpScript.LOCAL_PORT, seq, ack, flags, 0,
                new byte[0]);
    }

    private void assertListenerStillAccepts() {
        script.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(TcpScript.REMOTE_PORT + 7));
        script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER).destinationPort(TcpScript.REMOTE_PORT + 7));
    }

    // ---- malformed flag combinations

    @Test
    void xmasScanToAListenerIsDroppedSilently() {
        script.listen();
        injectRaw(TcpFlags.FIN | TcpFlags.PSH | TcpFlags.URG, PEER_ISS, 0);
        script.expectNothing();
        assertEquals(0, script.engine().connectionCount());
        assertEquals(1, script.engine().counters().get(TcpCounter.SEGMENTS_WITHOUT_SYN_DROPPED));
        assertListenerStillAccepts();
    }

    @Test
    void everyFlagSetToAListenerIsIgnoredAsAReset() {
        script.listen();
        injectRaw(TcpFlags.ALL, PEER_ISS, OURS);
        script.expectNothing();
        assertEquals(1, script.engine().counters().get(TcpCounter.RESETS_IGNORED));
        assertListenerStillAccepts();
    }

    @Test
    void segmentWithoutFlagsToAListenerIsDroppedSilently() {
        script.listen();
        injectRaw(0, PEER_ISS, 0);
        script.expectNothing();
        assertEquals(0, script.engine().connectionCount());
        assertEquals(1, script.engine().counters().get(TcpCounter.SEGMENTS_WITHOUT_SYN_DROPPED));
        assertListenerStillAccepts();
    }

    @Test
    void segmentWithoutFlagsInAConnectionIsDroppedSilently() {
        Handshakes.acceptPlain(script);
        injectRaw(TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT, TcpScript.LOCAL_PORT, PEER, 0, 0, 0, REQUEST);
        script.expectNothing();
        assertEquals(0, script.application().receivedBytes().length);
        assertEquals(TcpState.ESTABLISHED, script.connection().state());
    }

    @Test
    void synFinToAListenerIsAnsweredByOneSynAckAtMost() {
        script.listen();
        for (int i = 0; i < 5; i++) {
            script.receive(tcp().syn().fin().seq(PEER_ISS).win(65535));
        }
        // One handshake, its SYN-ACK sent again per repeat: never more segments than came in, none with data
        int sent = script.pendingSent();
        assertTrue(sent <= 5, sent + " replies");
        for (int i = 0; i < sent; i++) {
            SentSegment reply = script.expectSend(tcp().syn().seq(OUR_ISS).ack(PEER));
            assertEquals(0, reply.payloadLength());
        }
        assertEquals(1, script.engine().connectionCount());
        assertListenerStillAccepts();
    }

    @Test
    void urgentDataIsDeliveredInlineAndThePointerIgnored() {
        Handshakes.acceptPlain(script);
        // RFC 6093: urgent data is part of the stream; the pointer is never acted on, even when it points far
        injectRaw(TcpScript.REMOTE_ADDRESS, TcpScript.REMOTE_PORT, TcpScript.LOCAL_PORT, PEER, OURS,
                TcpFlags.ACK | TcpFlags.URG, 0xFFFF, "urgent".getBytes(StandardCharsets.US_ASCII));
        assertEquals("urgent", script.application().receivedText());
        script.receive(tcp().ack().seq(PEER + 6).ack(OURS).data(" and normal"));
        assertEquals("urgent and normal", script.application().receivedText());
    }

    // ---- RST storms and ACK floods

    @Test
    void resetIsNeverAnsweredWithAReset() {
        SplittableRandom random = new SplittableRandom(5961);
        List<SentSegment> replies = new ArrayList<>();
        int[] sequenceNumbers = new int[64];
        for (int i = 0; i < sequenceNumbers.length; i++) {
            sequenceNumbers[i] = i < 4 ? PEER + i - 1 : random.nextInt();
        }
        // Closed port, listener, SYN-RECEIVED, ESTABLISHED: resets with and without ACK, at and around
        // RCV.NXT and anywhere in sequence space
        for (int stage = 0; stage < 4; stage++) {
            if (stage == 1) {
                script.listen();
            } else if (stage == 2) {
                script.receive(tcp().syn().seq(PEER_ISS).win(65535));
                script.expectSend(tcp().syn().ack(PEER));
            } else if (stage == 3) {
                script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
                assertEquals(TcpState.ESTABLISHED, script.connection().state());
            }
            for (int seq : sequenceNumbers) {
                if (seq == PEER) {
                    continue;
                }
                script.receive(tcp().rst().seq(seq));
                script.receive(tcp().rst().ack(random.nextInt()).seq(seq));
                while (script.pendingSent() > 0) {
                    replies.add(script.nextSent());
                }
            }
        }
        for (SentSegment reply : replies) {
            assertFalse(reply.has(TcpFlags.RST), "RST answered with " + reply);
            assertEquals(0, reply.payloadLength());
        }
        // Only challenge ACKs, within the per-connection budget of 10 a second
        assertTrue(replies.size() <= 2 * TcpStackConfig.defaults().challengeAcksPerSecond(), replies.size() + "");
    }

    @Test
    void unacceptableAcksAreAnsweredAtMostTenTimesASecond() {
        Handshakes.acceptPlain(script);
        for (int i = 0; i < 100; i++) {
            script.receive(tcp().ack().seq(PEER).ack(OURS + 1000 + i));
        }
        for (int i = 0; i < 10; i++) {
            script.expectSend(tcp().ack().seq(OURS).ack(PEER));
        }
        script.expectNothing();
        assertEquals(100, script.engine().counters().get(TcpCounter.UNACCEPTABLE_ACKS));
        assertEquals(90, script.engine().counters().get(TcpCounter.ACKS_SUPPRESSED_BY_RATE_LIMIT));
        script.advanceMillis(1000);
        script.receive(tcp().ack().seq(PEER).ack(OURS + 5000));
        script.expectSend(tcp().ack().seq(OURS).ack(PEER));
    }

    @Test
    void challengeAckBudgetIsPerConnection() {
        // Each accepted connection gets an application of its own
        script.engine().listen(TcpScript.LOCAL_ADDRESS, TcpScript.LOCAL_PORT, 16,
                listener -> listener.accept(new RecordingConnectionEvents()));
        int secondPort = TcpScript.REMOTE_PORT + 1;
        script.receive(tcp().syn().seq(PEER_ISS).win(65535));
        script.expectSend(tcp().syn().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535));
        script.receive(tcp().syn().seq(PEER_ISS).win(65535).sourcePort(secondPort));
        script.expectSend(tcp().syn().ack(PEER).destinationPort(secondPort));
        script.receive(tcp().ack().seq(PEER).ack(OURS).win(65535).sourcePort(secondPort));
        for (int i = 0; i < 15; i++) {
            script.receive(tcp().rst().seq(PEER + 1 + i));
            script.receive(tcp().rst().seq(PEER + 1 + i).sourcePort(secondPort));
        }
        int first = 0;
        int second = 0;
        while (script.pendingSent() > 0) {
            SentSegment challenge = script.expectSend(tcp().ack().seq(OURS).ack(PEER));
            if (challenge.destinationPort() == secondPort) {
                second++;
            } else {
                first++;
            }
        }
        // RFC 5961 10 with CVE-2016-5696 in mind: a global budget would let one connection's count reveal
        // another's; each connection has its own 10
        assertEquals(10, first);
        assertEquals(10, second);
    }

    // ---- reflection and wrap-around

    @Test
    void outOfStateRequestToAListenerIsNeverAnsweredWithData() {
        script.listen();
        script.receive(tcp().ack().psh().seq(PEER).ack(OURS).payload(REQUEST));
        SentSegment reply = script.expectSend(tcp().rst().seq(OURS));
        assertEquals(0, reply.payloadLength());
        script.expectNothing();
        assertEquals(0, script.engine().connectionCount());
    }

    @Test
    void outOfStateRequestToAClosedPortIsNeverAnsweredWithData() {
        script.receive(tcp().ack().psh().seq(PEER).ack(OURS).payload(REQUEST));
        SentSegment reply = script.expectSend(tcp().rst().seq(OURS));
        assertEquals(0, reply.payloadLength());
        script.expectNothing();
    }

    @Test
    void requestOutsideTheWindowOfABusyConnectionIsNeverAnsweredWithData() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        connection.write(Unpooled.wrappedBuffer(new byte[3 * MSS]));
        connection.flush();
        for (int k = 0; k < 3; k++) {
            script.expectSend(tcp().ack().len(MSS));
        }
        script.receive(tcp().ack().psh().seq(PEER + 100_000).ack(OURS).payload(REQUEST));
        SentSegment reply = script.expectSend(tcp().ack().seq(OURS + 3 * MSS).ack(PEER));
        assertEquals(0, reply.payloadLength());
        script.expectNothing();
        assertEquals(0, script.application().receivedBytes().length);
    }

    @Test
    void transferAcrossTheSequenceWrapKeepsBothStreamsIntact() {
        Handshakes.acceptPlain(script);
        TcpConnection connection = script.connection();
        int length = 64 * MSS;
        byte[] outbound = new byte[length];
        new SplittableRandom(32).nextBytes(outbound);
        connection.write(Unpooled.wrappedBuffer(outbound));
        connection.flush();
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        ByteArrayOutputStream inbound = new ByteArrayOutputStream();
        int peerNext = PEER;
        int acked = OURS;
        while (acked != OURS + length) {
            SentSegment segment = script.nextSent();
            if (segment.payloadLength() > 0) {
                assertEquals(OURS + delivered.size(), segment.seq(), segment.toString());
                delivered.writeBytes(segment.payload());
            }
            if (script.pendingSent() == 0) {
                // The peer acknowledges everything so far and sends a segment of its own, both across 2^32
                acked = OURS + delivered.size();
                byte[] chunk = new byte[700];
                new SplittableRandom(peerNext).nextBytes(chunk);
                script.receive(tcp().ack().seq(peerNext).ack(acked).payload(chunk));
                inbound.writeBytes(chunk);
                peerNext += chunk.length;
            }
        }
        assertArrayEquals(outbound, delivered.toByteArray());
        assertArrayEquals(inbound.toByteArray(), script.application().receivedBytes());
        assertEquals(PEER + inbound.size(), connection.controlBlock().rcvNxt);
        assertTrue(Integer.compareUnsigned(OURS, OURS + length) > 0, "our stream wrapped");
        assertTrue(Integer.compareUnsigned(PEER, peerNext) > 0, "the peer's stream wrapped");
    }

    // ---- the full stack: LAND and broadcast are dropped below TCP

    private static final int OUR_IP = TcpScript.LOCAL_ADDRESS;
    private static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:02");

    /** The stack pipeline with the TCP handlers on an EmbeddedChannel, listening on every address. */
    private static final class FullStack implements AutoCloseable {
        final MockTicker ticker = Ticker.newMockTicker();
        final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
        final StackPipeline stack = StackPipeline.install(channel.pipeline(),
                StackConfig.builder(OUR_IP, 24, OUR_MAC).build(), ticker);
        final TcpEngine engine = new TcpEngine(TcpStackConfig.defaults(), ticker, ByteBufAllocator.DEFAULT);

        FullStack() {
            TcpHandlers.addLast(channel.pipeline(), engine);
            engine.listen(0, TcpScript.LOCAL_PORT, 16, listener -> { });
            releaseSent();
        }

        void receiveSyn(long destinationMac, int source, int destination, int sourcePort) {
            ByteBuf frame = new FrameBuffers(ByteBufAllocator.DEFAULT).allocate(0);
            TcpSegmentWriter.prepend(frame, source, destination, sourcePort, TcpScript.LOCAL_PORT, PEER_ISS, 0,
                    TcpFlags.SYN, 65535, 0, new TcpOptions());
            Ipv4HeaderWriter.prepend(frame, 0, 1, 0, 64, Ipv4Packet.PROTOCOL_TCP, source, destination);
            EthernetHeaderWriter.prepend(frame, destinationMac, PEER_MAC, EthernetFrame.ETHERTYPE_IPV4);
            channel.writeInbound(frame);
            channel.checkException();
        }

        int releaseSent() {
            int frames = 0;
            Object frame;
            while ((frame = channel.readOutbound()) != null) {
                ReferenceCountUtil.release(frame);
                frames++;
            }
            return frames;
        }

        long drops(DropReason reason) {
            return stack.counters().drops().get(reason);
        }

        @Override
        public void close() {
            engine.close();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void landSynIsDroppedAndTheListenerIsUnharmed() {
        try (FullStack full = new FullStack()) {
            full.receiveSyn(OUR_MAC, OUR_IP, OUR_IP, TcpScript.LOCAL_PORT);
            assertEquals(0, full.releaseSent());
            assertEquals(1, full.drops(DropReason.MARTIAN_SOURCE));
            assertEquals(0, full.engine.connectionCount());
            full.receiveSyn(OUR_MAC, TcpScript.REMOTE_ADDRESS, OUR_IP, TcpScript.REMOTE_PORT);
            assertEquals(1, full.engine.connectionCount());
        }
    }

    @Test
    void synToABroadcastAddressIsDropped() {
        try (FullStack full = new FullStack()) {
            full.receiveSyn(MacAddress.BROADCAST, TcpScript.REMOTE_ADDRESS, Ipv4Address.parse("198.18.0.255"),
                    TcpScript.REMOTE_PORT);
            full.receiveSyn(MacAddress.BROADCAST, TcpScript.REMOTE_ADDRESS, Ipv4Address.parse("255.255.255.255"),
                    TcpScript.REMOTE_PORT);
            assertEquals(0, full.releaseSent());
            assertEquals(0, full.engine.connectionCount());
            assertEquals(2, full.drops(DropReason.IP_NOT_FOR_US));
        }
    }

    @Test
    void synToAMulticastAddressIsDropped() {
        try (FullStack full = new FullStack()) {
            full.receiveSyn(OUR_MAC, TcpScript.REMOTE_ADDRESS, Ipv4Address.parse("224.0.0.1"), TcpScript.REMOTE_PORT);
            assertEquals(0, full.releaseSent());
            assertEquals(0, full.engine.connectionCount());
            assertEquals(1, full.drops(DropReason.IP_NOT_FOR_US));
        }
    }

    @Test
    void fullStackListenerAnswersAnOrdinarySyn() {
        try (FullStack full = new FullStack()) {
            full.receiveSyn(OUR_MAC, TcpScript.REMOTE_ADDRESS, OUR_IP, TcpScript.REMOTE_PORT);
            assertEquals(1, full.engine.connectionCount());
            assertNotNull(full.engine.connection(OUR_IP, TcpScript.LOCAL_PORT, TcpScript.REMOTE_ADDRESS,
                    TcpScript.REMOTE_PORT));
            assertTrue(full.releaseSent() > 0, "an ARP request for the peer, the SYN-ACK waiting on it");
        }
    }
}
