package io.usertcp.codec.golden;

import io.usertcp.codec.checksum.InternetChecksum;
import io.usertcp.codec.ipv4.Ipv4Packet;
import io.usertcp.testing.pcap.TsharkFields;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares an IPv4 view with the ip.* columns of a tshark row. Occurrence 0 is the outermost header; in an
 * ICMP error, occurrence 1 is the header it quotes.
 */
final class Ipv4Columns {
    /** tshark's ip.flags is the top three bits of the 16-bit flags and fragment offset word. */
    private static final int FLAGS_SHIFT = 13;
    private static final int FLAG_DONT_FRAGMENT = 0x02;
    private static final int FLAG_MORE_FRAGMENTS = 0x01;
    /** tshark's ip.checksum.status for a checksum it verified as good. */
    private static final int CHECKSUM_GOOD = 1;

    private Ipv4Columns() {
    }

    static void assertMatches(TsharkFields.Row row, int occurrence, Ipv4Packet ip) {
        int dsfield = row.intValue("ip.dsfield", occurrence);
        int flags = row.intValue("ip.flags", occurrence);
        boolean checksumGood = row.intValue("ip.checksum.status", occurrence) == CHECKSUM_GOOD;
        assertAll("IPv4 header, occurrence " + occurrence,
                () -> assertEquals(row.intValue("ip.version", occurrence), ip.version(), "ip.version"),
                () -> assertEquals(row.intValue("ip.hdr_len", occurrence), ip.headerLength(), "ip.hdr_len"),
                () -> assertEquals(dsfield, ip.typeOfService(), "ip.dsfield"),
                () -> assertEquals(dsfield >>> 2, ip.dscp(), "ip.dsfield DSCP"),
                () -> assertEquals(dsfield & 0x3, ip.ecn(), "ip.dsfield ECN"),
                () -> assertEquals(row.intValue("ip.len", occurrence), ip.totalLength(), "ip.len"),
                () -> assertEquals(row.intValue("ip.id", occurrence), ip.identification(), "ip.id"),
                () -> assertEquals(flags, ip.flagsAndFragmentOffset() >>> FLAGS_SHIFT, "ip.flags"),
                () -> assertEquals((flags & FLAG_DONT_FRAGMENT) != 0, ip.dontFragment(), "ip.flags DF"),
                () -> assertEquals((flags & FLAG_MORE_FRAGMENTS) != 0, ip.moreFragments(), "ip.flags MF"),
                // tshark counts the fragment offset in 8-byte units, the view in bytes
                () -> assertEquals(row.intValue("ip.frag_offset", occurrence) * 8, ip.fragmentOffset(),
                        "ip.frag_offset"),
                () -> assertEquals(row.intValue("ip.ttl", occurrence), ip.ttl(), "ip.ttl"),
                () -> assertEquals(row.intValue("ip.proto", occurrence), ip.protocol(), "ip.proto"),
                () -> assertEquals(row.intValue("ip.checksum", occurrence), ip.headerChecksum(), "ip.checksum"),
                () -> assertEquals(checksumGood,
                        InternetChecksum.verifies(ip.buffer(), ip.offset(), ip.headerLength(), 0),
                        "ip.checksum.status (good) against InternetChecksum.verifies"),
                () -> assertEquals(row.ipv4("ip.src", occurrence), ip.sourceAddress(), "ip.src"),
                () -> assertEquals(row.ipv4("ip.dst", occurrence), ip.destinationAddress(), "ip.dst"));
    }
}
