package io.usertcp.codec.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TcpFlagsTest {
    @Test
    void setBitsAreNamedInBitOrderJoinedWithBars() {
        assertEquals("SYN|ACK", TcpFlags.toString(TcpFlags.ACK | TcpFlags.SYN));
    }

    @Test
    void everyControlBitHasItsName() {
        assertEquals("FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|AE", TcpFlags.toString(0x1FF));
    }

    @Test
    void noBitsSetReadsNone() {
        assertEquals("NONE", TcpFlags.toString(0));
    }

    @Test
    void reservedBitsAreShownInHex() {
        assertEquals("FIN|RESERVED(0xa00)", TcpFlags.toString(0xA01));
    }

    @Test
    void bitsAboveTheTwelveBitFieldAreIgnored() {
        assertEquals("RST", TcpFlags.toString(0xF004));
        assertEquals("NONE", TcpFlags.toString(0x1000));
    }

    @Test
    void constantsMatchTheirWirePositions() {
        int[] flags = {TcpFlags.FIN, TcpFlags.SYN, TcpFlags.RST, TcpFlags.PSH, TcpFlags.ACK, TcpFlags.URG,
                TcpFlags.ECE, TcpFlags.CWR, TcpFlags.AE};
        for (int bit = 0; bit < flags.length; bit++) {
            assertEquals(1 << bit, flags[bit], "bit " + bit);
        }
        assertEquals(TcpFlags.ALL, 0x1FF | TcpFlags.RESERVED);
    }
}
