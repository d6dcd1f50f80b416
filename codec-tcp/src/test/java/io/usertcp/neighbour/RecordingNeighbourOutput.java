package io.usertcp.neighbour;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/** Records what a {@link NeighbourTable} asks of its owner; releases transmitted frames on {@link #release}. */
class RecordingNeighbourOutput implements NeighbourOutput {
    record Request(int targetIp, long destinationMac) {
    }

    record Transmission(ByteBuf frame, long destinationMac) {
        /** The id the test wrote into the frame. */
        int frameId() {
            return frame.getInt(frame.readerIndex());
        }
    }

    final List<Request> requests = new ArrayList<>();
    final List<Transmission> transmissions = new ArrayList<>();
    final List<Integer> failures = new ArrayList<>();

    @Override
    public void sendArpRequest(int targetIp, long destinationMac) {
        requests.add(new Request(targetIp, destinationMac));
    }

    @Override
    public void transmit(ByteBuf frame, long destinationMac) {
        transmissions.add(new Transmission(frame, destinationMac));
    }

    @Override
    public void resolutionFailed(int ip) {
        failures.add(ip);
    }

    List<Integer> transmittedIds() {
        List<Integer> ids = new ArrayList<>();
        for (Transmission transmission : transmissions) {
            ids.add(transmission.frameId());
        }
        return ids;
    }

    void release() {
        for (Transmission transmission : transmissions) {
            transmission.frame.release();
        }
        transmissions.clear();
    }
}
