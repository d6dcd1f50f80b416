package io.usertcp.codec.benchmark;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ethernet.EthernetHeaderWriter;
import io.usertcp.codec.ethernet.MacAddress;
import io.usertcp.codec.ipv4.Ipv4Address;
import io.usertcp.codec.ipv4.Ipv4HeaderWriter;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.codec.tcp.TcpFlags;
import io.usertcp.codec.tcp.TcpOptions;
import io.usertcp.codec.tcp.TcpSegmentWriter;

/**
 * The segments of one established connection as the stack sends them, with Linux's defaults: TCP with
 * the timestamps option (RFC 7323, on for every Linux connection), IPv4 with DF set and a fresh
 * identification, Ethernet. Sequence number, identification and TSval advance with every segment, as
 * they would on the wire, and nothing is allocated per segment.
 */
final class ConnectionSegments {
    /** A full segment on a 1500-byte MTU with timestamps: 1500 - 20 (IPv4) - 32 (TCP with timestamps). */
    static final int FULL_PAYLOAD = 1448;

    private static final int LOCAL = Ipv4Address.parse("198.18.0.1");
    private static final int REMOTE = Ipv4Address.parse("198.18.0.2");
    private static final long LOCAL_MAC = MacAddress.parse("02:00:c6:12:00:01");
    private static final long REMOTE_MAC = MacAddress.parse("02:00:c6:12:00:02");
    private static final int LOCAL_PORT = 8080;
    private static final int REMOTE_PORT = 40001;
    private static final int WINDOW = 502;
    private static final int TS_ECR = 0x0BADF00D;

    private final TcpOptions options = new TcpOptions();
    private int sequence = 0x1A2B3C4D;
    private int identification;
    private int tsVal = 0x00C0FFEE;

    /**
     * Prepends TCP, IPv4 and Ethernet headers to the payload readable in {@code buf}, a
     * {@link io.usertcp.codec.FrameBuffers} buffer; afterwards the whole frame is readable.
     */
    void prependHeaders(ByteBuf buf) {
        int payloadLength = buf.readableBytes();
        int flags = payloadLength == 0 ? TcpFlags.ACK : TcpFlags.PSH | TcpFlags.ACK;
        options.clear().setTimestamps(tsVal++, TS_ECR);
        TcpSegmentWriter.prepend(buf, LOCAL, REMOTE, LOCAL_PORT, REMOTE_PORT, sequence, 0x5E6F7081, flags, WINDOW, 0,
                options);
        sequence += payloadLength;
        Ipv4HeaderWriter.prepend(buf, 0, identification++, Ipv4Packet.FLAG_DONT_FRAGMENT,
                Ipv4HeaderWriter.DEFAULT_TTL, Ipv4Packet.PROTOCOL_TCP, LOCAL, REMOTE);
        EthernetHeaderWriter.prepend(buf, REMOTE_MAC, LOCAL_MAC, EthernetFrame.ETHERTYPE_IPV4);
    }
}
