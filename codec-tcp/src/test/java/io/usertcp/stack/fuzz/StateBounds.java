package io.usertcp.stack.fuzz;

import io.usertcp.ip.reassembly.FragmentReassembler;
import io.usertcp.neighbour.NeighbourTable;
import io.usertcp.stack.StackConfig;
import io.usertcp.tcp.SequenceNumbers;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpControlBlock;
import io.usertcp.tcp.TcpListener;
import io.usertcp.tcp.TcpStackConfig;
import io.usertcp.tcp.reassembly.OutOfOrderQueue;

import java.util.ArrayList;
import java.util.List;

/**
 * What must hold of the stack under fuzz at any moment, however hostile its input: every table and queue
 * within its configured limit (connections, SYN queues, reassembly memory and datagrams, neighbour entries
 * and the frames waiting on them, each connection's out-of-order queue), and every connection's send
 * sequence numbers in order, SND.UNA <= SND.NXT <= SND.MAX (RFC 9293 3.3.1).
 */
final class StateBounds {
    private final StackConfig stack;
    private final TcpStackConfig tcp;

    StateBounds(StackConfig stack, TcpStackConfig tcp) {
        this.stack = stack;
        this.tcp = tcp;
    }

    /** Null when everything is within bounds, else each thing that is not. */
    String violations(StackHost host, List<TcpListener> listeners) {
        List<String> found = new ArrayList<>();
        if (host.engine.connectionCount() > tcp.maxConnections()) {
            found.add(host.engine.connectionCount() + " connections");
        }
        for (TcpListener listener : listeners) {
            if (listener.synQueueLength() > tcp.synQueueLimit()) {
                found.add("a SYN queue of " + listener.synQueueLength());
            }
        }
        FragmentReassembler reassembler = host.stack.ipv4().reassembler();
        if (reassembler.heldBytes() > stack.reassembly().maxMemoryBytes()
                || reassembler.trackedDatagrams() > stack.reassembly().maxDatagrams()) {
            found.add("reassembly holding " + reassembler.heldBytes() + " bytes of "
                    + reassembler.trackedDatagrams() + " datagrams");
        }
        NeighbourTable neighbours = host.stack.neighbours();
        if (neighbours.size() > stack.neighbours().capacity()
                || neighbours.waitingFrames() > stack.neighbours().queuedFramesTotal()) {
            found.add(neighbours.size() + " neighbours with " + neighbours.waitingFrames() + " frames waiting");
        }
        host.engine.forEachConnection(connection -> check(connection, found));
        return found.isEmpty() ? null : String.join("; ", found);
    }

    private void check(TcpConnection connection, List<String> found) {
        OutOfOrderQueue outOfOrder = connection.outOfOrderQueue();
        if (outOfOrder.heldBytes() > Math.min(outOfOrder.maxBytes(), tcp.outOfOrderMaxBytes())
                || outOfOrder.heldPieces() > Math.min(outOfOrder.maxPieces(), tcp.outOfOrderMaxSegments())) {
            found.add(connection + " holding " + outOfOrder.heldBytes() + " bytes in " + outOfOrder.heldPieces()
                    + " pieces out of order");
        }
        TcpControlBlock tcb = connection.controlBlock();
        if (!SequenceNumbers.beforeOrEqual(tcb.sndUna, tcb.sndNxt)
                || !SequenceNumbers.beforeOrEqual(tcb.sndNxt, tcb.sndMax)) {
            found.add(connection + " " + connection.state() + " with SND.UNA " + Integer.toUnsignedString(tcb.sndUna)
                    + ", SND.NXT " + Integer.toUnsignedString(tcb.sndNxt) + ", SND.MAX "
                    + Integer.toUnsignedString(tcb.sndMax));
        }
    }
}
