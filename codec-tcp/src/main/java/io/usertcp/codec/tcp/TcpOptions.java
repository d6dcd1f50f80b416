package io.usertcp.codec.tcp;

import io.netty.buffer.ByteBuf;
import io.usertcp.codec.DropReason;

/**
 * The TCP options of one segment: filled by {@link #parse} on the way in, set by the engine and read by
 * {@link TcpSegmentWriter} on the way out. Mutable and reusable, one per event loop, so no segment
 * allocates. Only the options the stack acts on are kept; others are skipped.
 *
 * <p>{@link #write} lays options out exactly as Linux does (MSS; timestamps, with SACK-permitted folded
 * into the timestamps' padding word; SACK-permitted alone; window scale; SACK blocks), each group padded
 * with NOPs to a 32-bit boundary, so the 32-bit values (timestamps, SACK edges) sit 4-byte aligned.
 * Matching Linux byte for byte lets tests compare our segments with frames captured from the kernel.
 */
public final class TcpOptions {
    // RFC 9293 3.1, RFC 7323 and RFC 2018 option kinds and their fixed lengths.
    private static final int END_OF_OPTION_LIST = 0;
    private static final int NO_OPERATION = 1;
    private static final int MAXIMUM_SEGMENT_SIZE = 2;
    private static final int MAXIMUM_SEGMENT_SIZE_LENGTH = 4;
    private static final int WINDOW_SCALE = 3;
    private static final int WINDOW_SCALE_LENGTH = 3;
    private static final int SACK_PERMITTED = 4;
    private static final int SACK_PERMITTED_LENGTH = 2;
    private static final int SACK = 5;
    private static final int SACK_BLOCK_LENGTH = 8;
    private static final int TIMESTAMPS = 8;
    private static final int TIMESTAMPS_LENGTH = 10;

    /** RFC 9293 3.1: a data offset of 15 words leaves 40 bytes for options. */
    public static final int MAX_LENGTH = 40;
    /** RFC 2018 3: a SACK option carries at most 4 blocks (3 beside timestamps). */
    public static final int MAX_SACK_BLOCKS = 4;

    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackEdges = new int[2 * MAX_SACK_BLOCKS];

    public TcpOptions() {
        clear();
    }

    /** Forgets every option. */
    public TcpOptions clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /**
     * Replaces this holder's content with the options in {@code length} bytes at absolute index
     * {@code offset}, with no alignment assumed. Returns null when they are well formed, else
     * {@link DropReason#BAD_OPTION_LENGTH} and the holder is left empty. Never moves the buffer's indexes.
     */
    public DropReason parse(ByteBuf buf, int offset, int length) {
        clear();
        int end = offset + length;
        int index = offset;
        while (index < end) {
            int kind = buf.getUnsignedByte(index);
            if (kind == END_OF_OPTION_LIST) {
                // RFC 9293 3.2: the list ends here; what follows is padding, whatever its value
                return null;
            }
            if (kind == NO_OPERATION) {
                index++;
                continue;
            }
            // RFC 9293 3.2: every other kind has a length byte counting kind, length and data
            if (end - index < 2) {
                return reject();
            }
            int optionLength = buf.getUnsignedByte(index + 1);
            if (optionLength < 2 || optionLength > end - index || !read(buf, index, kind, optionLength)) {
                return reject();
            }
            index += optionLength;
        }
        return null;
    }

    private DropReason reject() {
        clear();
        return DropReason.BAD_OPTION_LENGTH;
    }

    /** Stores one option whose length fits the option space; false when a known kind has the wrong length. */
    private boolean read(ByteBuf buf, int index, int kind, int optionLength) {
        switch (kind) {
            case MAXIMUM_SEGMENT_SIZE:
                if (optionLength != MAXIMUM_SEGMENT_SIZE_LENGTH) {
                    return false;
                }
                mss = buf.getUnsignedShort(index + 2);
                return true;
            case WINDOW_SCALE:
                if (optionLength != WINDOW_SCALE_LENGTH) {
                    return false;
                }
                windowScale = buf.getUnsignedByte(index + 2);
                return true;
            case SACK_PERMITTED:
                if (optionLength != SACK_PERMITTED_LENGTH) {
                    return false;
                }
                sackPermitted = true;
                return true;
            case TIMESTAMPS:
                if (optionLength != TIMESTAMPS_LENGTH) {
                    return false;
                }
                timestamps = true;
                tsVal = buf.getInt(index + 2);
                tsEcr = buf.getInt(index + 6);
                return true;
            case SACK:
                return readSackBlocks(buf, index, optionLength);
            default:
                // RFC 9293 3.1 (RFC 1122 4.2.2.5): an unknown kind is skipped by its length
                return true;
        }
    }

    private boolean readSackBlocks(ByteBuf buf, int index, int optionLength) {
        // RFC 2018 3: length is 2 + 8 per block, with 1 to 4 blocks
        int blockBytes = optionLength - 2;
        int count = blockBytes / SACK_BLOCK_LENGTH;
        if (blockBytes % SACK_BLOCK_LENGTH != 0 || count < 1 || count > MAX_SACK_BLOCKS) {
            return false;
        }
        for (int i = 0; i < 2 * count; i++) {
            sackEdges[i] = buf.getInt(index + 2 + 4 * i);
        }
        sackBlockCount = count;
        return true;
    }

    /** Maximum segment size in bytes, or -1 when absent. */
    public int mss() {
        return mss;
    }

    /** Window scale shift as received (RFC 7323 2.3 clamps it to 14; the engine does that), or -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** True when the timestamps option is present; only then are {@link #tsVal()} and {@link #tsEcr()} meaningful. */
    public boolean hasTimestamps() {
        return timestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    /** Number of SACK blocks, 0 to {@link #MAX_SACK_BLOCKS}. */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge (first sequence number) of SACK block {@code block}, 0-based in wire order. */
    public int sackLeftEdge(int block) {
        return sackEdges[2 * checkBlock(block)];
    }

    /** Right edge (sequence number after the last) of SACK block {@code block}, 0-based in wire order. */
    public int sackRightEdge(int block) {
        return sackEdges[2 * checkBlock(block) + 1];
    }

    private int checkBlock(int block) {
        if (block < 0 || block >= sackBlockCount) {
            throw new IndexOutOfBoundsException("SACK block " + block + " of " + sackBlockCount);
        }
        return block;
    }

    /** Sets the MSS option (0 to 65535), or removes it with -1. */
    public TcpOptions setMss(int mss) {
        if (mss < -1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("mss " + mss);
        }
        this.mss = mss;
        return this;
    }

    /** Sets the window scale option to a raw shift (0 to 255), or removes it with -1. */
    public TcpOptions setWindowScale(int shift) {
        if (shift < -1 || shift > 0xFF) {
            throw new IllegalArgumentException("window scale " + shift);
        }
        this.windowScale = shift;
        return this;
    }

    public TcpOptions setSackPermitted(boolean sackPermitted) {
        this.sackPermitted = sackPermitted;
        return this;
    }

    /** Adds the timestamps option with these values. */
    public TcpOptions setTimestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /**
     * Appends a SACK block; blocks go on the wire in the order added (RFC 2018 4: the newest first).
     *
     * @throws IllegalStateException when {@link #MAX_SACK_BLOCKS} are already present
     */
    public TcpOptions addSackBlock(int leftEdge, int rightEdge) {
        if (sackBlockCount == MAX_SACK_BLOCKS) {
            throw new IllegalStateException("already " + MAX_SACK_BLOCKS + " SACK blocks");
        }
        sackEdges[2 * sackBlockCount] = leftEdge;
        sackEdges[2 * sackBlockCount + 1] = rightEdge;
        sackBlockCount++;
        return this;
    }

    /**
     * Bytes {@link #write} produces, always a multiple of 4. It can exceed {@link #MAX_LENGTH} (for
     * example MSS, timestamps and 3 SACK blocks); keeping within it is the sender's job.
     */
    public int encodedLength() {
        int length = 0;
        if (mss >= 0) {
            length += 4;
        }
        if (timestamps) {
            length += 12;
        } else if (sackPermitted) {
            length += 4;
        }
        if (windowScale >= 0) {
            length += 4;
        }
        if (sackBlockCount > 0) {
            length += 4 + SACK_BLOCK_LENGTH * sackBlockCount;
        }
        return length;
    }

    /**
     * Writes the options at absolute {@code index} in Linux's layout and returns the index after them;
     * {@link #encodedLength()} bytes. Does not move the buffer's indexes.
     */
    public int write(ByteBuf buf, int index) {
        int i = index;
        if (mss >= 0) {
            buf.setInt(i, MAXIMUM_SEGMENT_SIZE << 24 | MAXIMUM_SEGMENT_SIZE_LENGTH << 16 | mss);
            i += 4;
        }
        if (timestamps) {
            // SACK-permitted, if offered, takes the two bytes that would otherwise pad timestamps with NOPs
            int lead = sackPermitted ? SACK_PERMITTED << 8 | SACK_PERMITTED_LENGTH : NO_OPERATION << 8 | NO_OPERATION;
            buf.setInt(i, lead << 16 | TIMESTAMPS << 8 | TIMESTAMPS_LENGTH);
            buf.setInt(i + 4, tsVal);
            buf.setInt(i + 8, tsEcr);
            i += 12;
        } else if (sackPermitted) {
            buf.setInt(i, NO_OPERATION << 24 | NO_OPERATION << 16 | SACK_PERMITTED << 8 | SACK_PERMITTED_LENGTH);
            i += 4;
        }
        if (windowScale >= 0) {
            buf.setInt(i, NO_OPERATION << 24 | WINDOW_SCALE << 16 | WINDOW_SCALE_LENGTH << 8 | windowScale);
            i += 4;
        }
        if (sackBlockCount > 0) {
            buf.setInt(i, NO_OPERATION << 24 | NO_OPERATION << 16 | SACK << 8 | (2 + SACK_BLOCK_LENGTH * sackBlockCount));
            i += 4;
            for (int edge = 0; edge < 2 * sackBlockCount; edge++) {
                buf.setInt(i, sackEdges[edge]);
                i += 4;
            }
        }
        return i;
    }

    /** For logs and test messages. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TcpOptions{");
        if (mss >= 0) {
            text.append("mss=").append(mss).append(' ');
        }
        if (windowScale >= 0) {
            text.append("wscale=").append(windowScale).append(' ');
        }
        if (sackPermitted) {
            text.append("sackOK ");
        }
        if (timestamps) {
            text.append("ts=").append(Integer.toUnsignedString(tsVal))
                    .append('/').append(Integer.toUnsignedString(tsEcr)).append(' ');
        }
        for (int block = 0; block < sackBlockCount; block++) {
            text.append(block == 0 ? "sack=" : ",")
                    .append(Integer.toUnsignedString(sackEdges[2 * block])).append('-')
                    .append(Integer.toUnsignedString(sackEdges[2 * block + 1]));
        }
        int end = text.length();
        if (text.charAt(end - 1) == ' ') {
            text.setLength(end - 1);
        }
        return text.append('}').toString();
    }
}
