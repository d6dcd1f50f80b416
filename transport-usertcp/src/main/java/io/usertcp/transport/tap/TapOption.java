package io.usertcp.transport.tap;

/** Optional TUNSETIFF flags (linux/if_tun.h) beyond the IFF_TAP | IFF_NO_PI every device gets. */
public enum TapOption {
    /**
     * IFF_MULTI_QUEUE: the device accepts several file descriptors, one queue each, opened with the same
     * name; without it a second open of an attached device fails with EBUSY.
     */
    MULTI_QUEUE(0x100),
    /**
     * IFF_VNET_HDR: every frame read or written is preceded by a {@value TapDevice#VNET_HEADER_LENGTH}-byte
     * virtio_net_hdr. {@link TapDevice} passes it through untouched; offloads are not enabled.
     */
    VNET_HDR(0x4000);

    final int flag;

    TapOption(int flag) {
        this.flag = flag;
    }
}
