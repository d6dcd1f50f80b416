package io.usertcp.tcp.script;

import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.testing.script.TcpScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.usertcp.tcp.script.Handshakes.MSS;
import static io.usertcp.tcp.script.Handshakes.OUR_ISS;
import static io.usertcp.tcp.script.Handshakes.PEER_ISS;
import static io.usertcp.testing.script.TcpSegmentSpec.tcp;

/**
 * When ACKs go (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2, RFC 5681 4.2): at least every second full-sized segment,
 * counted in the payload a full segment really carries, once per inbound batch where the rule allows, and at
 * once for each out-of-order segment.
 */
class AckGenerationTest {
    private static final int PEER = PEER_ISS + 1;
    private static final int OURS = OUR_ISS + 1;
    /** The MSS the stack announces by default. */
    private static final int ANNOUNCED_MSS = 1460;
    /** A full segment's payload with the 12 bytes of timestamps every segment carries (RFC 7323 3.2). */
    private static final int FULL_WITH_TIMESTAMPS = ANNOUNCED_MSS - 12;

    private final TcpScript script = new TcpScript(TcpStackConfig.defaults(), OUR_ISS);

    @AfterEach
    void close() {
        script.close();
    }

    @Test
    void secondFullSizedSegmentCarryingTimestampsIsAcknowledgedAtOnce() {
        script.listen();
        script.receive(tcp().syn().seq(PEER_ISS).mss(MSS).ts(100, 0).win(65535));
        script.expectSend(tcp().syn().ack(PEER).mss(ANNOUNCED_MSS).tsEcr(100));
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(101, 0).win(65535));
        script.receive(tcp().ack().seq(PEER).ack(OURS).ts(102, 0).len(FULL_WITH_TIMESTAMPS).win(65535));
        script.expectNothing();
        script.receive(tcp().ack().seq(PEER + FULL_WITH_TIMESTAMPS).ack(OURS).ts(103, 0)
                .len(FULL_WITH_TIMESTAMPS).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 2 * FULL_WITH_TIMESTAMPS).tsEcr(102));
        script.expectNothing();
    }

    @Test
    void twoFullSegmentsInOneBatchGetOneAck() {
        Handshakes.acceptPlain(script);
        script.receiveBatch(
                tcp().ack().seq(PEER).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 2 * ANNOUNCED_MSS));
        script.expectNothing();
        script.advanceMillis(100);
        script.expectNothing();
    }

    @Test
    void fourFullSegmentsInOneBatchGetOneAckCoveringThemAll() {
        Handshakes.acceptPlain(script);
        script.receiveBatch(
                tcp().ack().seq(PEER).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + 2 * ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + 3 * ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 4 * ANNOUNCED_MSS));
        script.expectNothing();
    }

    @Test
    void batchEndingWithHalfAnAckDueLeavesItToTheDelayedAckTimer() {
        Handshakes.acceptPlain(script);
        script.receiveBatch(
                tcp().ack().seq(PEER).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + 2 * ANNOUNCED_MSS).ack(OURS).len(100).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 2 * ANNOUNCED_MSS + 100));
        script.expectNothing();
        script.receiveBatch(tcp().ack().seq(PEER + 2 * ANNOUNCED_MSS + 100).ack(OURS).len(100).win(65535));
        script.expectNothing();
        script.advanceMillis(40);
        script.expectSend(tcp().ack().ack(PEER + 2 * ANNOUNCED_MSS + 200));
    }

    @Test
    void eachOutOfOrderSegmentInOneBatchIsAcknowledgedAtOnce() {
        Handshakes.acceptPlain(script);
        // RFC 5681 4.2: an immediate duplicate ACK for each out-of-order segment, for the sender's dup count
        script.receiveBatch(
                tcp().ack().seq(PEER + ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535),
                tcp().ack().seq(PEER + 2 * ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER));
        script.expectSend(tcp().ack().ack(PEER));
        script.expectNothing();
    }

    @Test
    void inOrderSegmentAfterAFilledHoleIsAcknowledgedWithoutDelay() {
        Handshakes.acceptPlain(script);
        script.receive(tcp().ack().seq(PEER + ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER));
        script.receive(tcp().ack().seq(PEER).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 2 * ANNOUNCED_MSS));
        // A lone in-order segment would wait for the delayed-ACK timer; after a loss it is ACKed at once
        script.receive(tcp().ack().seq(PEER + 2 * ANNOUNCED_MSS).ack(OURS).len(ANNOUNCED_MSS).win(65535));
        script.expectSend(tcp().ack().ack(PEER + 3 * ANNOUNCED_MSS));
        script.expectNothing();
    }
}
