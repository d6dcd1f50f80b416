package io.usertcp.codec.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.FrameBuffers;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Frames captured with tcpdump on a Linux veth (198.18.3.1 pinging 198.18.3.2), decoded and written again. */
class LinuxFrameRoundTripTest {
    private static final String ECHO_REQUEST = "020000000002 020000000001 0800"
            + "45000054 626c4000 40014615 c6120301 c6120302"
            + "08005b09 37e70001 9957016b00000000 fd780e0000000000"
            + "101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f 3031323334353637";
    /** Linux answers without DF and with its own identification. */
    private static final String ECHO_REPLY = "020000000001 020000000002 0800"
            + "45000054 20990000 4001c7e8 c6120302 c6120301"
            + "00006309 37e70001 9957016b00000000 fd780e0000000000"
            + "101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f 3031323334353637";

    @ParameterizedTest
    @ValueSource(strings = {ECHO_REQUEST, ECHO_REPLY})
    void echoFrameIsWrittenBackByteForByte(String hex) {
        String captured = hex.replace(" ", "");
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(captured));
        ByteBuf out = new FrameBuffers(PooledByteBufAllocator.DEFAULT).allocate(64);
        try {
            EthernetFrame ethernet = new EthernetFrame();
            Ipv4Packet ip = new Ipv4Packet();
            IcmpMessage icmp = new IcmpMessage();
            assertNull(ethernet.wrap(in, 0, in.readableBytes()));
            assertNull(ip.wrap(in, ethernet.payloadOffset(), ethernet.payloadLength()));
            assertNull(icmp.wrap(in, ip.payloadOffset(), ip.payloadLength()));

            out.writeBytes(in, icmp.payloadOffset(), icmp.payloadLength());
            IcmpMessageWriter.prependEcho(out, icmp.type(), icmp.identifier(), icmp.sequenceNumber());
            Ipv4HeaderWriter.prepend(out, ip.typeOfService(), ip.identification(), ip.flagsAndFragmentOffset(),
                    ip.ttl(), ip.protocol(), ip.sourceAddress(), ip.destinationAddress());
            EthernetHeaderWriter.prepend(out, ethernet.destination(), ethernet.source(), ethernet.etherType());

            assertEquals(captured, ByteBufUtil.hexDump(out));
        } finally {
            in.release();
            out.release();
        }
    }
}
