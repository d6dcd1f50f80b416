package io.usertcp.neighbour;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressIndexTest {
    @Test
    void randomChurnAgreesWithAReferenceMap() {
        int capacity = 64;
        AddressIndex index = new AddressIndex(capacity, 12345);
        Map<Integer, Integer> reference = new HashMap<>();
        List<Integer> present = new ArrayList<>();
        Random random = new Random(42);
        // A small address range makes probe runs collide, exercising backward-shift removal.
        for (int step = 0; step < 200_000; step++) {
            int address = 0xC612_0000 + random.nextInt(256);
            boolean full = reference.size() == capacity;
            if (reference.containsKey(address) && (full || random.nextBoolean())) {
                index.remove(address);
                reference.remove(address);
                present.remove(Integer.valueOf(address));
            } else if (!reference.containsKey(address) && !full) {
                int slot = random.nextInt(capacity);
                index.put(address, slot);
                reference.put(address, slot);
                present.add(address);
            }
            int probe = random.nextBoolean() && !present.isEmpty()
                    ? present.get(random.nextInt(present.size())) : 0xC612_0000 + random.nextInt(256);
            assertEquals(reference.getOrDefault(probe, AddressIndex.ABSENT), index.get(probe), "step " + step);
        }
        for (int address = 0xC612_0000; address < 0xC612_0100; address++) {
            assertEquals(reference.getOrDefault(address, AddressIndex.ABSENT), index.get(address));
        }
    }

    @Test
    void removingAnAbsentAddressChangesNothing() {
        AddressIndex index = new AddressIndex(4, 0);
        index.put(0xC612_0001, 3);

        index.remove(0xC612_0002);

        assertEquals(3, index.get(0xC612_0001));
        assertEquals(AddressIndex.ABSENT, index.get(0xC612_0002));
    }
}
