package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.codec.fuzz.ChecksumRepair;
import io.usertcp.codec.ipv4.Ipv4Packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sends a fuzz input as IPv4 fragments (RFC 791 3.2), so reassembly meets it and whatever it completes goes
 * on up with the real transport header behind it. The pieces are cut at random multiples of 8 bytes and then
 * sent in order, reversed, with one repeated, with one reaching 8 bytes back over its neighbour (the same
 * bytes or changed ones: RFC 5722's overlap), or with one missing, so the datagram times out.
 */
final class FragmentSplitter {
    private static final int IP = EthernetFrame.HEADER_LENGTH;
    private static final int MAX_PIECES = 4;

    private final StringBuilder log = new StringBuilder();

    /** What the last {@link #split} did. */
    String describe() {
        return log.toString();
    }

    /** The frame in {@code length} bytes of {@code frame} as fragments, or null if it has no IPv4 payload to cut. */
    List<byte[]> split(byte[] frame, int length, SplittableRandom random) {
        if (length < IP + Ipv4Packet.MIN_HEADER_LENGTH) {
            return null;
        }
        int headerLength = (frame[IP] & 0x0F) * 4;
        int totalLength = Math.min((frame[IP + 2] & 0xFF) << 8 | frame[IP + 3] & 0xFF, length - IP);
        int payload = totalLength - headerLength;
        if (headerLength < Ipv4Packet.MIN_HEADER_LENGTH || payload < 16) {
            return null;
        }
        int pieces = 2 + random.nextInt(Math.min(MAX_PIECES - 1, payload / 8 - 1));
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = payload;
        for (int i = 1; i < pieces; i++) {
            cuts[i] = 8 * (1 + random.nextInt((payload - 1) / 8));
        }
        Arrays.sort(cuts);
        int identification = random.nextInt(0x10000);
        List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            if (cuts[i] < cuts[i + 1]) {
                fragments.add(fragment(frame, headerLength, payload, cuts[i], cuts[i + 1], identification));
            }
        }
        log.setLength(0);
        log.append(fragments.size()).append(" fragments, id ").append(identification);
        vary(fragments, frame, headerLength, payload, identification, random);
        return fragments;
    }

    private void vary(List<byte[]> fragments, byte[] frame, int headerLength, int payload, int identification,
                      SplittableRandom random) {
        int last = fragments.size() - 1;
        switch (random.nextInt(6)) {
            case 0 -> {
                Collections.reverse(fragments);
                log.append(", reversed");
            }
            case 1 -> {
                int repeated = random.nextInt(fragments.size());
                fragments.add(random.nextInt(fragments.size() + 1), fragments.get(repeated).clone());
                log.append(", piece ").append(repeated).append(" twice");
            }
            case 2 -> {
                if (last == 0) {
                    return;
                }
                int piece = 1 + random.nextInt(last);
                byte[] original = fragments.get(piece);
                int start = fragmentOffset(original) - 8;
                int end = start + 8 + totalLength(original) - headerLength;
                byte[] overlapping = fragment(frame, headerLength, payload, start, end, identification);
                boolean changed = random.nextBoolean();
                if (changed) {
                    overlapping[IP + headerLength] ^= (byte) 0xFF;
                }
                fragments.set(piece, overlapping);
                log.append(", piece ").append(piece).append(" reaching 8 bytes back")
                        .append(changed ? ", changed" : "");
            }
            case 3 -> {
                int missing = random.nextInt(fragments.size());
                fragments.remove(missing);
                log.append(", piece ").append(missing).append(" missing");
            }
            default -> log.append(", in order");
        }
    }

    private static int fragmentOffset(byte[] fragment) {
        return ((fragment[IP + 6] & 0x1F) << 8 | fragment[IP + 7] & 0xFF) * 8;
    }

    private static int totalLength(byte[] fragment) {
        return (fragment[IP + 2] & 0xFF) << 8 | fragment[IP + 3] & 0xFF;
    }

    /** The payload bytes {@code start..end} of the datagram in {@code frame}, with its link and IPv4 headers. */
    private static byte[] fragment(byte[] frame, int headerLength, int payload, int start, int end,
                                   int identification) {
        byte[] piece = new byte[IP + headerLength + end - start];
        System.arraycopy(frame, 0, piece, 0, IP + headerLength);
        System.arraycopy(frame, IP + headerLength + start, piece, IP + headerLength, end - start);
        int totalLength = headerLength + end - start;
        piece[IP + 2] = (byte) (totalLength >>> 8);
        piece[IP + 3] = (byte) totalLength;
        piece[IP + 4] = (byte) (identification >>> 8);
        piece[IP + 5] = (byte) identification;
        int flagsAndOffset = (end < payload ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | start / 8;
        piece[IP + 6] = (byte) (flagsAndOffset >>> 8);
        piece[IP + 7] = (byte) flagsAndOffset;
        ByteBuf buf = Unpooled.wrappedBuffer(piece);
        ChecksumRepair.repairIpv4Header(buf, IP, piece.length - IP);
        return piece;
    }
}
