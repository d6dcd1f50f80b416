package io.usertcp.neighbour;

import io.netty.buffer.ByteBuf;

/**
 * What a {@link NeighbourTable} asks of the layer that owns it, which does the actual I/O: the table
 * decides, the owner builds and sends frames. Called on the owner's thread from inside the table's
 * methods; the table has finished updating itself before each call, so the owner may call back into it.
 */
public interface NeighbourOutput {
    /**
     * Send an ARP request for {@code targetIp} with an Ethernet destination of {@code destinationMac}:
     * {@link io.usertcp.codec.ethernet.MacAddress#BROADCAST} while resolving, the cached address when
     * reconfirming a stale entry.
     */
    void sendArpRequest(int targetIp, long destinationMac);

    /**
     * Send a frame that waited for resolution. {@code frame} holds what follows the Ethernet header (an
     * IPv4 packet) with headroom in front for it; ownership passes to the callee, which must release it.
     */
    void transmit(ByteBuf frame, long destinationMac);

    /**
     * Resolution of {@code ip} failed after every request: its waiting frames are already dropped, and
     * connections to it should learn that the host is unreachable.
     */
    void resolutionFailed(int ip);
}
