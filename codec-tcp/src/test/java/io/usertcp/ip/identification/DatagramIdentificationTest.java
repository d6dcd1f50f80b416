package io.usertcp.ip.identification;

import io.usertcp.tcp.isn.SipHash24;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DatagramIdentificationTest {
    private static final int US = 0xC6120002;
    private static final int PEER = 0xC6120001;
    private static final int OTHER_PEER = 0xC6120063;
    private static final int TCP = 6;
    private static final int ICMP = 1;

    private final DatagramIdentification identifications =
            new DatagramIdentification(new SipHash24(0x0706050403020100L, 0x0F0E0D0C0B0A0908L));

    @Test
    void datagramsToOneDestinationTakeConsecutiveIdentifications() {
        int first = identifications.next(US, PEER, TCP);
        for (int i = 1; i <= 70_000; i++) {
            assertEquals((first + i) & 0xFFFF, identifications.next(US, PEER, TCP));
        }
    }

    // RFC 7739 5.3: what we send to one host does not move what another host sees (no idle-scan zombie)
    @Test
    void datagramsToAnotherDestinationDoNotMoveTheSequence() {
        int before = identifications.next(US, PEER, TCP);
        for (int i = 0; i < 1000; i++) {
            identifications.next(US, OTHER_PEER, TCP);
        }
        assertEquals((before + 1) & 0xFFFF, identifications.next(US, PEER, TCP));
    }

    @Test
    void destinationsStartFromUnrelatedIdentifications() {
        assertNotEquals(identifications.next(US, PEER, TCP), identifications.next(US, OTHER_PEER, TCP));
    }

    @Test
    void eachProtocolHasItsOwnSequence() {
        int tcp = identifications.next(US, PEER, TCP);
        identifications.next(US, PEER, ICMP);
        assertEquals((tcp + 1) & 0xFFFF, identifications.next(US, PEER, TCP));
    }

    @Test
    void anotherKeyGivesOtherIdentifications() {
        DatagramIdentification other = new DatagramIdentification(new SipHash24(1, 2));
        assertNotEquals(identifications.next(US, PEER, TCP), other.next(US, PEER, TCP));
    }
}
