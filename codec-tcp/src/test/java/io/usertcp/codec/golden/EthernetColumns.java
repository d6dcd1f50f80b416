package io.usertcp.codec.golden;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.usertcp.codec.ethernet.EthernetFrame;
import io.usertcp.testing.pcap.TsharkFields;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares an Ethernet view with the eth.* columns of a tshark row. */
final class EthernetColumns {
    private EthernetColumns() {
    }

    /** Destination, source, EtherType, and the frame length as captured. */
    static void assertMatches(TsharkFields.Row row, EthernetFrame ethernet) {
        assertAll("Ethernet header",
                () -> assertEquals(hex(row, "eth.dst"), String.format("%012x", ethernet.destination()), "eth.dst"),
                () -> assertEquals(hex(row, "eth.src"), String.format("%012x", ethernet.source()), "eth.src"),
                () -> assertEquals(row.intValue("eth.type"), ethernet.etherType(), "eth.type"),
                () -> assertEquals(row.intValue("frame.cap_len"), ethernet.length(), "frame.cap_len"));
    }

    /**
     * The bytes between the end of the upper-layer packet (as the upper view measured it) and the end of
     * the frame are exactly what tshark calls padding and trailer; none when tshark shows neither.
     */
    static void assertBytesAfter(TsharkFields.Row row, EthernetFrame ethernet, int upperLayerEnd) {
        String expected = (row.has("eth.padding") ? hex(row, "eth.padding") : "")
                + (row.has("eth.trailer") ? hex(row, "eth.trailer") : "");
        ByteBuf buf = ethernet.buffer();
        int frameEnd = ethernet.offset() + ethernet.length();
        assertEquals(expected, ByteBufUtil.hexDump(buf, upperLayerEnd, frameEnd - upperLayerEnd),
                "eth.padding and eth.trailer");
    }

    private static String hex(TsharkFields.Row row, String field) {
        return ByteBufUtil.hexDump(row.bytes(field));
    }
}
