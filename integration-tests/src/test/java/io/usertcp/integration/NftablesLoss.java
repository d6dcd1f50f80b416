package io.usertcp.integration;

import io.usertcp.testing.host.CommandResult;
import io.usertcp.testing.host.NetworkNamespace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random loss on the kernel's side of the link, since this kernel has no netem: an nftables table in the test's
 * namespace whose input and output hooks drop {@code percent}% of the IPv4 packets to and from the stack
 * ({@code numgen random mod 100 < percent drop}), with counters. {@link #close()} deletes the table; removing
 * the namespace would too.
 */
final class NftablesLoss implements AutoCloseable {
    private static final String TABLE = "utcp_loss";
    private static final Pattern DROPPED = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");

    private final NetworkNamespace namespace;
    private boolean removed;

    private NftablesLoss(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /** Drops {@code percent}% of the packets between the kernel and {@code peer}, both ways. */
    static NftablesLoss start(NetworkNamespace namespace, String peer, int percent) {
        if (percent < 1 || percent > 99) {
            throw new IllegalArgumentException("loss must be 1..99%: " + percent);
        }
        namespace.execOrThrow("nft", "add table inet " + TABLE + "; "
                + "add chain inet " + TABLE + " input { type filter hook input priority 0; policy accept; }; "
                + "add chain inet " + TABLE + " output { type filter hook output priority 0; policy accept; }; "
                + "add rule inet " + TABLE + " input ip saddr " + peer + " numgen random mod 100 < " + percent
                + " counter drop; "
                + "add rule inet " + TABLE + " output ip daddr " + peer + " numgen random mod 100 < " + percent
                + " counter drop");
        return new NftablesLoss(namespace);
    }

    /** Packets the rules dropped so far, both hooks together. */
    long droppedPackets() {
        CommandResult listing = namespace.execOrThrow("nft", "list", "table", "inet", TABLE);
        Matcher matcher = DROPPED.matcher(listing.stdout());
        long dropped = 0;
        while (matcher.find()) {
            dropped += Long.parseLong(matcher.group(1));
        }
        return dropped;
    }

    /** Deletes the table. Idempotent. */
    @Override
    public void close() {
        if (!removed) {
            removed = true;
            namespace.execOrThrow("nft", "delete", "table", "inet", TABLE);
        }
    }
}
