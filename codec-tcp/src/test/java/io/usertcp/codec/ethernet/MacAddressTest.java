package io.usertcp.codec.ethernet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest {
    @Test
    void formatWritesLowerCaseColonSeparatedOctets() {
        assertEquals("02:00:00:00:00:01", MacAddress.format(0x0200_0000_0001L));
        assertEquals("ab:cd:ef:01:23:45", MacAddress.format(0xABCD_EF01_2345L));
    }

    @Test
    void parseAcceptsEitherCase() {
        assertEquals(0xABCD_EF01_2345L, MacAddress.parse("ab:cd:ef:01:23:45"));
        assertEquals(0xABCD_EF01_2345L, MacAddress.parse("AB:CD:EF:01:23:45"));
    }

    @Test
    void parseThenFormatGivesBackTheText() {
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.parse("ff:ff:ff:ff:ff:ff")));
        assertEquals("00:00:00:00:00:00", MacAddress.format(MacAddress.parse("00:00:00:00:00:00")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01", "2:0:0:0:0:1:",
            "0g:00:00:00:00:01", "02:00:00:00:00:0x", " 02:00:00:00:00:1", "02:00:00:00:00:01 ", "020000000001"})
    void malformedTextIsRejectedWithTheTextInTheMessage(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(error.getMessage().contains("\"" + text + "\""), error.getMessage());
    }

    @Test
    void writeAndReadUseNetworkOrderAtAnUnalignedIndex() {
        ByteBuf buf = Unpooled.buffer(9);
        try {
            buf.writeZero(9);
            MacAddress.write(buf, 1, 0x0211_2233_4455L);
            assertEquals("00021122334455" + "0000", ByteBufUtil.hexDump(buf));
            assertEquals(0x0211_2233_4455L, MacAddress.read(buf, 1));
        } finally {
            buf.release();
        }
    }

    @Test
    void writeIgnoresBitsAbove48() {
        ByteBuf buf = Unpooled.buffer(8);
        try {
            buf.writeLong(0);
            MacAddress.write(buf, 1, 0x7FFF_0200_0000_0001L);
            assertEquals("0002000000000100", ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void broadcastIsAllOnes() {
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.BROADCAST));
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        assertFalse(MacAddress.isBroadcast(0xFFFF_FFFF_FFFEL));
    }

    @Test
    void multicastIsTheLowBitOfTheFirstOctet() {
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:00:01")));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("fe:ff:ff:ff:ff:ff")));
    }
}
