package io.usertcp.neighbour;

import java.util.Arrays;

/**
 * Doubly linked lists of slot numbers kept in preallocated arrays, so moving an entry between lists
 * (state changes, LRU touches, queued frames) allocates nothing and costs O(1). A slot is on at most one
 * list of an instance at a time. Owned by one thread.
 */
final class SlotLists {
    static final int NONE = -1;

    private final int[] previous;
    private final int[] next;
    private final int[] listOfSlot;
    private final int[] first;
    private final int[] last;
    private final int[] size;

    SlotLists(int slots, int lists) {
        previous = new int[slots];
        next = new int[slots];
        listOfSlot = new int[slots];
        first = new int[lists];
        last = new int[lists];
        size = new int[lists];
        Arrays.fill(listOfSlot, NONE);
        Arrays.fill(first, NONE);
        Arrays.fill(last, NONE);
    }

    void addLast(int list, int slot) {
        int tail = last[list];
        previous[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            first[list] = slot;
        } else {
            next[tail] = slot;
        }
        last[list] = slot;
        listOfSlot[slot] = list;
        size[list]++;
    }

    /** Unlinks the slot from whichever list holds it; a slot on no list is left alone. */
    void remove(int slot) {
        int list = listOfSlot[slot];
        if (list == NONE) {
            return;
        }
        int before = previous[slot];
        int after = next[slot];
        if (before == NONE) {
            first[list] = after;
        } else {
            next[before] = after;
        }
        if (after == NONE) {
            last[list] = before;
        } else {
            previous[after] = before;
        }
        listOfSlot[slot] = NONE;
        size[list]--;
    }

    void moveToLast(int list, int slot) {
        remove(slot);
        addLast(list, slot);
    }

    /** The oldest slot on the list, or {@link #NONE}. */
    int first(int list) {
        return first[list];
    }

    int size(int list) {
        return size[list];
    }
}
