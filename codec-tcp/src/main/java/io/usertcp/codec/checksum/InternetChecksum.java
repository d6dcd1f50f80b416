package io.usertcp.codec.checksum;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

/**
 * The Internet checksum: RFC 1071 one's complement sum of 16-bit words, read 8 bytes at a time, and
 * RFC 1624 incremental update for header rewrites.
 *
 * <p>Sums are carried as {@code long} "partial sums" and folded once at the end: each 8-byte read adds
 * its two 32-bit halves, so 2^31 reads fit before the accumulator could overflow, far beyond any
 * datagram. Byte order follows the wire (big-endian), which is what {@link ByteBuf#getLong(int)} reads.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Adds {@code length} bytes at {@code index} to {@code partialSum}. The region must start at an even
     * offset from the start of the checksummed data; an odd final byte is padded with zero on the right
     * (RFC 1071 section 4.1).
     */
    public static long add(ByteBuf buf, int index, int length, long partialSum) {
        long sum = partialSum;
        int end = index + length;
        int i = index;
        if (length >= 8 && buf.hasMemoryAddress() && PlatformDependent.isUnaligned()) {
            // Straight from memory rather than one getLong per word: a leak-tracking buffer (Netty's ADVANCED
            // and PARANOID levels) records a stack trace on every access, which made checksums the bulk of a
            // tracked transfer's cost. The checks getLong would make are made once here.
            if (buf.refCnt() == 0) {
                throw new IllegalReferenceCountException(0);
            }
            if (index < 0 || end > buf.capacity()) {
                throw new IndexOutOfBoundsException("index " + index + ", length " + length + " exceeds capacity "
                        + buf.capacity());
            }
            long address = buf.memoryAddress();
            for (; i + 8 <= end; i += 8) {
                long word = PlatformDependent.getLong(address + i);
                if (!PlatformDependent.BIG_ENDIAN_NATIVE_ORDER) {
                    word = Long.reverseBytes(word);
                }
                sum += (word >>> 32) + (word & 0xFFFFFFFFL);
            }
        }
        for (; i + 8 <= end; i += 8) {
            long word = buf.getLong(i);
            sum += (word >>> 32) + (word & 0xFFFFFFFFL);
        }
        if (i + 4 <= end) {
            sum += buf.getUnsignedInt(i);
            i += 4;
        }
        if (i + 2 <= end) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    /** The IPv4 pseudo-header (RFC 9293 3.1, RFC 768) as a partial sum: addresses, protocol and upper-layer length. */
    public static long pseudoHeader(int sourceAddress, int destinationAddress, int protocol, int upperLayerLength) {
        return (sourceAddress & 0xFFFFFFFFL) + (destinationAddress & 0xFFFFFFFFL) + protocol + upperLayerLength;
    }

    /** Folds a partial sum into 16 bits with end-around carry. */
    public static int fold(long partialSum) {
        long sum = (partialSum & 0xFFFFFFFFL) + (partialSum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    /** The value to store in a checksum field: the complement of the folded sum. */
    public static int finish(long partialSum) {
        return ~fold(partialSum) & 0xFFFF;
    }

    /** Checksum of one region, as stored in a header (IPv4 header, ICMP message). */
    public static int compute(ByteBuf buf, int index, int length) {
        return finish(add(buf, index, length, 0));
    }

    /**
     * True when a region that includes its own checksum field verifies: its folded sum is 0xFFFF.
     * For TCP, pass the pseudo-header as {@code partialSum}.
     */
    public static boolean verifies(ByteBuf buf, int index, int length, long partialSum) {
        return fold(add(buf, index, length, partialSum)) == 0xFFFF;
    }

    /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') after a 16-bit field changes from {@code oldValue} to {@code newValue}. */
    public static int update16(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** RFC 1624 for a 32-bit field (an IPv4 address, a sequence number): both halves at once. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + ((newValue >>> 16) & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }
}
