package io.usertcp.testing.pcap;

/**
 * One captured frame together with what tshark decoded from it.
 *
 * @param number the frame's 1-based number, as tshark and Wireshark show it
 */
public record GoldenFrame(int number, PcapRecord record, TsharkFields.Row fields) {

    /** The captured bytes, starting with the Ethernet header. */
    public byte[] bytes() {
        return record.frame();
    }
}
