package io.usertcp.tcp.demux;

import com.sun.management.ThreadMXBean;
import io.usertcp.codec.ipv4.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionTableTest {
    private static final int LOCAL = Ipv4Address.parse("198.18.0.2");
    private static final int REMOTE = Ipv4Address.parse("198.18.0.1");

    /** A 4-tuple, as the reference map's key. */
    private record Tuple(int localAddress, int localPort, int remoteAddress, int remotePort) {
        static Tuple random(Random random) {
            return new Tuple(LOCAL + random.nextInt(4), random.nextInt(4) == 0 ? 80 : random.nextInt(65_536),
                    random.nextInt(), random.nextInt(65_536));
        }
    }

    private static String get(ConnectionTable<String> table, Tuple t) {
        return table.get(t.localAddress, t.localPort, t.remoteAddress, t.remotePort);
    }

    private static InsertOutcome add(ConnectionTable<String> table, Tuple t, String value) {
        return table.add(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, value);
    }

    private static String remove(ConnectionTable<String> table, Tuple t) {
        return table.remove(t.localAddress, t.localPort, t.remoteAddress, t.remotePort);
    }

    @Test
    void addedConnectionIsFoundByItsTuple() {
        ConnectionTable<String> table = new ConnectionTable<>(16, 1024);

        assertEquals(InsertOutcome.ADDED, table.add(LOCAL, 80, REMOTE, 40_000, "a"));

        assertEquals("a", table.get(LOCAL, 80, REMOTE, 40_000));
        assertEquals(1, table.size());
    }

    @Test
    void tuplesDifferingInOneFieldAreDistinct() {
        ConnectionTable<String> table = new ConnectionTable<>(16, 1024);
        table.add(LOCAL, 80, REMOTE, 40_000, "base");

        assertNull(table.get(LOCAL + 1, 80, REMOTE, 40_000));
        assertNull(table.get(LOCAL, 81, REMOTE, 40_000));
        assertNull(table.get(LOCAL, 80, REMOTE + 1, 40_000));
        assertNull(table.get(LOCAL, 80, REMOTE, 40_001));
        assertNull(table.get(REMOTE, 40_000, LOCAL, 80), "local and remote halves swapped");
        assertNull(table.get(LOCAL, 40_000, REMOTE, 80), "ports swapped");
    }

    @Test
    void addingATupleAlreadyPresentKeepsTheFirstConnection() {
        ConnectionTable<String> table = new ConnectionTable<>(16, 1024);
        table.add(LOCAL, 80, REMOTE, 40_000, "first");

        assertEquals(InsertOutcome.ALREADY_PRESENT, table.add(LOCAL, 80, REMOTE, 40_000, "second"));

        assertEquals("first", table.get(LOCAL, 80, REMOTE, 40_000));
        assertEquals(1, table.size());
    }

    @Test
    void removeReturnsTheConnectionAndForgetsIt() {
        ConnectionTable<String> table = new ConnectionTable<>(16, 1024);
        table.add(LOCAL, 80, REMOTE, 40_000, "a");

        assertEquals("a", table.remove(LOCAL, 80, REMOTE, 40_000));

        assertNull(table.get(LOCAL, 80, REMOTE, 40_000));
        assertNull(table.remove(LOCAL, 80, REMOTE, 40_000));
        assertEquals(0, table.size());
    }

    @Test
    void extremeAddressesAndPortsAreKeptApart() {
        ConnectionTable<String> table = new ConnectionTable<>(16, 1024);
        int[] addresses = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        int[] ports = {0, 1, 0x7FFF, 0x8000, 0xFFFF};
        for (int address : addresses) {
            for (int port : ports) {
                assertEquals(InsertOutcome.ADDED,
                        table.add(address, port, ~address, port ^ 0xFFFF, address + ":" + port));
            }
        }
        for (int address : addresses) {
            for (int port : ports) {
                assertEquals(address + ":" + port, table.get(address, port, ~address, port ^ 0xFFFF));
            }
        }
        assertEquals(addresses.length * ports.length, table.size());
    }

    @Test
    void fullTableRefusesNewTuples() {
        ConnectionTable<String> table = new ConnectionTable<>(2, 3);
        for (int port = 1; port <= 3; port++) {
            assertEquals(InsertOutcome.ADDED, table.add(LOCAL, 80, REMOTE, port, "c" + port));
        }

        assertEquals(InsertOutcome.FULL, table.add(LOCAL, 80, REMOTE, 4, "c4"));

        assertNull(table.get(LOCAL, 80, REMOTE, 4));
        assertEquals(3, table.size());
        table.remove(LOCAL, 80, REMOTE, 1);
        assertEquals(InsertOutcome.ADDED, table.add(LOCAL, 80, REMOTE, 4, "c4"));
    }

    @Test
    void tableGrowsAndKeepsEveryEntry() {
        ConnectionTable<String> table = new ConnectionTable<>(1, 100_000);
        int initialBuckets = table.bucketCount();
        for (int port = 0; port < 10_000; port++) {
            table.add(LOCAL, 80, REMOTE, port, "c" + port);
        }

        assertTrue(table.bucketCount() > initialBuckets);
        assertTrue(table.size() * 2 <= table.bucketCount(), "load stays at or below one half");
        for (int port = 0; port < 10_000; port++) {
            assertEquals("c" + port, table.get(LOCAL, 80, REMOTE, port));
        }
    }

    @Test
    void randomOperationsAgreeWithHashMap() {
        Random random = new Random(42);
        ConnectionTable<String> table = new ConnectionTable<>(8, 1 << 20);
        Map<Tuple, String> reference = new HashMap<>();
        List<Tuple> known = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            int operation = random.nextInt(10);
            Tuple tuple = !known.isEmpty() && random.nextBoolean() ? known.get(random.nextInt(known.size()))
                    : Tuple.random(random);
            if (operation < 5) {
                String value = "v" + step;
                InsertOutcome expected = reference.containsKey(tuple) ? InsertOutcome.ALREADY_PRESENT
                        : InsertOutcome.ADDED;
                assertEquals(expected, add(table, tuple, value), "step " + step);
                if (reference.putIfAbsent(tuple, value) == null) {
                    known.add(tuple);
                }
            } else if (operation < 8) {
                assertEquals(reference.remove(tuple), remove(table, tuple), "step " + step);
            } else {
                assertEquals(reference.get(tuple), get(table, tuple), "step " + step);
            }
            assertEquals(reference.size(), table.size(), "step " + step);
        }
        for (Tuple tuple : known) {
            assertEquals(reference.get(tuple), get(table, tuple));
        }
    }

    @Test
    void removingFromProbeRunsKeepsTheRestFindable() {
        ConnectionTable<String> table = new ConnectionTable<>(64, 1024);
        // Three overlapping runs: homes 5, 6 and 7, each with several members
        List<Tuple> all = new ArrayList<>(tuplesWithHomeBucket(table, 5, 5));
        all.addAll(tuplesWithHomeBucket(table, 6, 3));
        all.addAll(tuplesWithHomeBucket(table, 7, 3));
        Random random = new Random(11);
        Collections.shuffle(all, random);
        for (Tuple tuple : all) {
            assertEquals(InsertOutcome.ADDED, add(table, tuple, tuple.toString()));
        }
        Set<Tuple> present = new HashSet<>(all);
        List<Tuple> removalOrder = new ArrayList<>(all);
        Collections.shuffle(removalOrder, random);

        for (Tuple victim : removalOrder) {
            assertEquals(victim.toString(), remove(table, victim));
            present.remove(victim);
            for (Tuple tuple : all) {
                assertEquals(present.contains(tuple) ? tuple.toString() : null, get(table, tuple),
                        tuple + " after removing " + victim);
            }
        }
        assertEquals(0, table.size());
    }

    @Test
    void removalAtTheEndOfTheArrayShiftsWrappedMembersBack() {
        ConnectionTable<String> table = new ConnectionTable<>(64, 1024);
        int last = table.bucketCount() - 1;
        List<Tuple> atEnd = tuplesWithHomeBucket(table, last, 4);
        List<Tuple> atStart = tuplesWithHomeBucket(table, 0, 2);
        for (Tuple tuple : atEnd) {
            add(table, tuple, "end");
        }
        for (Tuple tuple : atStart) {
            add(table, tuple, "start");
        }

        remove(table, atEnd.get(0));
        remove(table, atStart.get(0));

        for (Tuple tuple : atEnd.subList(1, atEnd.size())) {
            assertEquals("end", get(table, tuple));
        }
        assertEquals("start", get(table, atStart.get(1)));
        assertEquals(4, table.size());
    }

    /** Tuples whose probe runs start at {@code bucket}, found by trying random remote ports. */
    private static List<Tuple> tuplesWithHomeBucket(ConnectionTable<String> table, int bucket, int count) {
        List<Tuple> tuples = new ArrayList<>();
        Random random = new Random(bucket);
        while (tuples.size() < count) {
            Tuple tuple = new Tuple(LOCAL, 443, random.nextInt(), random.nextInt(65_536));
            int home = table.homeBucket(tuple.localAddress, tuple.localPort, tuple.remoteAddress, tuple.remotePort);
            if (home == bucket) {
                tuples.add(tuple);
            }
        }
        return tuples;
    }

    @Test
    void forEachVisitsEveryEntryOnce() {
        ConnectionTable<String> table = new ConnectionTable<>(4, 1024);
        for (int port = 0; port < 100; port++) {
            table.add(LOCAL, 80, REMOTE + port, port, "c" + port);
        }
        Set<String> seen = new HashSet<>();

        table.forEach((localAddress, localPort, remoteAddress, remotePort, connection) -> {
            assertEquals(LOCAL, localAddress);
            assertEquals(80, localPort);
            assertEquals(REMOTE + remotePort, remoteAddress);
            assertEquals("c" + remotePort, connection);
            assertTrue(seen.add(connection), "visited twice: " + connection);
        });

        assertEquals(100, seen.size());
    }

    @Test
    void forEachRefusesAVisitorThatChangesTheTable() {
        ConnectionTable<String> table = new ConnectionTable<>(4, 1024);
        table.add(LOCAL, 80, REMOTE, 1, "a");
        table.add(LOCAL, 80, REMOTE, 2, "b");

        assertThrows(ConcurrentModificationException.class, () -> table.forEach(
                (localAddress, localPort, remoteAddress, remotePort, connection) ->
                        table.remove(localAddress, localPort, remoteAddress, remotePort)));
    }

    @Test
    void tablesAreSeededDifferently() {
        ConnectionTable<String> first = new ConnectionTable<>(1 << 16, 1 << 16);
        ConnectionTable<String> second = new ConnectionTable<>(1 << 16, 1 << 16);
        int sameHome = 0;
        for (int port = 0; port < 1000; port++) {
            if (first.homeBucket(LOCAL, 80, REMOTE, port) == second.homeBucket(LOCAL, 80, REMOTE, port)) {
                sameHome++;
            }
        }

        assertTrue(sameHome < 10, sameHome + " of 1000 tuples share a home bucket in two tables");
    }

    @Test
    void lookupsAllocateNothing() {
        ConnectionTable<String> table = new ConnectionTable<>(4096, 4096);
        Random random = new Random(7);
        int[] remoteAddresses = new int[1024];
        int[] remotePorts = new int[1024];
        for (int i = 0; i < remoteAddresses.length; i++) {
            remoteAddresses[i] = random.nextInt();
            remotePorts[i] = random.nextInt(65_536);
            table.add(LOCAL, 80, remoteAddresses[i], remotePorts[i], "c" + i);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        int found = lookUp(table, remoteAddresses, remotePorts, 200_000);

        long before = threads.getThreadAllocatedBytes(threadId);
        found += lookUp(table, remoteAddresses, remotePorts, 1_000_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(600_000, found);
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by 1,000,000 lookups");
    }

    /** Looks tuples up round robin, alternately present and absent (another local port); counts the hits. */
    private static int lookUp(ConnectionTable<String> table, int[] remoteAddresses, int[] remotePorts, int lookups) {
        int found = 0;
        for (int i = 0; i < lookups; i++) {
            int k = (i >>> 1) & (remoteAddresses.length - 1);
            int localPort = (i & 1) == 0 ? 80 : 81;
            if (table.get(LOCAL, localPort, remoteAddresses[k], remotePorts[k]) != null) {
                found++;
            }
        }
        return found;
    }

    @Test
    void addAndRemoveAllocateNothingOnceSized() {
        ConnectionTable<String> table = new ConnectionTable<>(2048, 2048);
        String connection = "c";
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        churn(table, connection, 20_000);

        long before = threads.getThreadAllocatedBytes(threadId);
        churn(table, connection, 200_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(0, table.size());
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by 200,000 adds and removes");
    }

    private static void churn(ConnectionTable<String> table, String connection, int rounds) {
        for (int i = 0; i < rounds; i++) {
            int remotePort = i & 1023;
            table.add(LOCAL, 80, REMOTE, remotePort, connection);
            if (i >= 512) {
                table.remove(LOCAL, 80, REMOTE, (i - 512) & 1023);
            }
        }
        for (int i = rounds - 512; i < rounds; i++) {
            table.remove(LOCAL, 80, REMOTE, i & 1023);
        }
    }
}
