package io.usertcp.tcp.demux;

import com.sun.management.ThreadMXBean;
import io.usertcp.codec.ipv4.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerTableTest {
    private static final int WILDCARD = Ipv4Address.UNSPECIFIED;
    private static final int FIRST = Ipv4Address.parse("198.18.0.2");
    private static final int SECOND = Ipv4Address.parse("198.18.0.3");

    @Test
    void exactAddressIsFound() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(FIRST, 80, "first:80");

        assertEquals("first:80", table.lookup(FIRST, 80));
        assertNull(table.lookup(SECOND, 80));
        assertNull(table.lookup(FIRST, 81));
    }

    @Test
    void wildcardListenerAcceptsForEveryLocalAddress() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(WILDCARD, 80, "*:80");

        assertEquals("*:80", table.lookup(FIRST, 80));
        assertEquals("*:80", table.lookup(SECOND, 80));
        assertNull(table.lookup(FIRST, 443));
    }

    @Test
    void exactAddressTakesPrecedenceOverTheWildcard() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(WILDCARD, 80, "*:80");
        table.add(FIRST, 80, "first:80");

        assertEquals("first:80", table.lookup(FIRST, 80));
        assertEquals("*:80", table.lookup(SECOND, 80));
    }

    @Test
    void removingTheExactListenerFallsBackToTheWildcard() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(WILDCARD, 80, "*:80");
        table.add(FIRST, 80, "first:80");

        assertEquals("first:80", table.remove(FIRST, 80));

        assertEquals("*:80", table.lookup(FIRST, 80));
        assertEquals(1, table.size());
    }

    @Test
    void getMatchesOnlyTheExactBinding() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(WILDCARD, 80, "*:80");

        assertNull(table.get(FIRST, 80));
        assertEquals("*:80", table.get(WILDCARD, 80));
    }

    @Test
    void bindingTheSamePairTwiceKeepsTheFirstListener() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(FIRST, 80, "first");

        assertEquals(InsertOutcome.ALREADY_PRESENT, table.add(FIRST, 80, "second"));

        assertEquals("first", table.lookup(FIRST, 80));
    }

    @Test
    void fullTableRefusesNewListeners() {
        ListenerTable<String> table = new ListenerTable<>(1, 2);
        table.add(FIRST, 80, "a");
        table.add(FIRST, 81, "b");

        assertEquals(InsertOutcome.FULL, table.add(FIRST, 82, "c"));
        assertEquals(2, table.maxEntries());
    }

    @Test
    void forEachListsEveryListener() {
        ListenerTable<String> table = new ListenerTable<>(4, 64);
        table.add(WILDCARD, 80, "*:80");
        table.add(FIRST, 80, "first:80");
        table.add(SECOND, 443, "second:443");
        Map<String, String> seen = new HashMap<>();

        table.forEach((localAddress, localPort, listener) ->
                seen.put(Ipv4Address.format(localAddress) + ":" + localPort, listener));

        assertEquals(Map.of("0.0.0.0:80", "*:80", "198.18.0.2:80", "first:80", "198.18.0.3:443", "second:443"),
                seen);
    }

    @Test
    void wildcardFallbackAllocatesNothing() {
        ListenerTable<String> table = new ListenerTable<>(64, 64);
        for (int port = 1; port <= 32; port++) {
            table.add(WILDCARD, port, "*:" + port);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        int found = lookUp(table, 200_000);

        long before = threads.getThreadAllocatedBytes(threadId);
        found += lookUp(table, 1_000_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(600_000, found);
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by 1,000,000 lookups");
    }

    /** Looks up ports 1 to 64 on a specific address: the first 32 through the wildcard, the rest missing. */
    private static int lookUp(ListenerTable<String> table, int lookups) {
        int found = 0;
        for (int i = 0; i < lookups; i++) {
            if (table.lookup(FIRST, 1 + (i & 63)) != null) {
                found++;
            }
        }
        return found;
    }
}
