package io.usertcp.tcp.simulation;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;

import static io.usertcp.tcp.SequenceNumbers.after;

/**
 * A deterministic loss pattern for congestion window traces, placed on the sender between its Ethernet layer
 * and the link: it drops exactly one new data segment of the watched connection each time that connection's
 * cwnd has reached {@code thresholdBytes}, once the previous drop has been repaired (SND.UNA passed it) and no
 * recovery is running. Each drop is then one congestion event at a window the test chose.
 */
final class ChosenSegmentDropper extends ChannelOutboundHandlerAdapter {
    static final String NAME = "drop-chosen";

    private final int thresholdBytes;
    private TcpConnection watched;
    private boolean started;
    private int highestEnd;
    private boolean dropOutstanding;
    private int droppedSeq;
    private int drops;

    ChosenSegmentDropper(int thresholdBytes) {
        this.thresholdBytes = thresholdBytes;
    }

    void watch(TcpConnection connection) {
        watched = connection;
    }

    int drops() {
        return drops;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (watched != null && msg instanceof ByteBuf && shouldDrop((ByteBuf) msg)) {
            ((ByteBuf) msg).release();
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    private boolean shouldDrop(ByteBuf frame) {
        int base = frame.readerIndex();
        if (frame.readableBytes() < EthernetFrame.HEADER_LENGTH + 40
                || frame.getUnsignedShort(base + 12) != EthernetFrame.ETHERTYPE_IPV4
                || frame.getUnsignedByte(base + EthernetFrame.HEADER_LENGTH + 9) != Ipv4Packet.PROTOCOL_TCP) {
            return false;
        }
        int ip = base + EthernetFrame.HEADER_LENGTH;
        int ipHeader = (frame.getUnsignedByte(ip) & 0x0F) * 4;
        int tcp = ip + ipHeader;
        if (frame.getUnsignedShort(tcp) != watched.localPort()) {
            return false;
        }
        int payload = frame.getUnsignedShort(ip + 2) - ipHeader - (frame.getUnsignedByte(tcp + 12) >> 4) * 4;
        int seq = frame.getInt(tcp + 4);
        if (payload == 0) {
            return false;
        }
        int end = seq + payload;
        boolean fresh = !started || after(end, highestEnd);
        if (!fresh) {
            return false;
        }
        started = true;
        highestEnd = end;
        TcpControlBlock tcb = watched.controlBlock();
        if (dropOutstanding && after(tcb.sndUna, droppedSeq)) {
            dropOutstanding = false;
        }
        if (dropOutstanding || tcb.inRecovery || watched.congestionControl() == null
                || watched.congestionControl().congestionWindow() < thresholdBytes) {
            return false;
        }
        dropOutstanding = true;
        droppedSeq = seq;
        drops++;
        return true;
    }
}
