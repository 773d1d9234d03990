package io.rivet.core.internal.verify;

/**
 * A set of 64-bit hashes with open addressing, capped at a fixed number of entries so its memory is bounded
 * ({@code 16 × cap} bytes at most). Not thread-safe.
 */
final class LongHashSet {
    private static final long EMPTY = 0;

    private long[] slots;
    private int size;
    private boolean hasZero;
    private final int cap;

    LongHashSet(int cap) {
        this.cap = cap;
        this.slots = new long[16];
    }

    /**
     * Adds {@code value}. Returns {@code 1} when it was new, {@code 0} when it was already present, and {@code -1}
     * when the set is full and the value was not present (so nothing can be said).
     */
    int add(long value) {
        if (value == EMPTY) {
            if (hasZero) {
                return 0;
            }
            if (size >= cap) {
                return -1;
            }
            hasZero = true;
            size++;
            return 1;
        }
        int mask = slots.length - 1;
        int i = (int) (value ^ (value >>> 32)) & mask;
        while (true) {
            long slot = slots[i];
            if (slot == EMPTY) {
                break;
            }
            if (slot == value) {
                return 0;
            }
            i = (i + 1) & mask;
        }
        if (size >= cap) {
            return -1;
        }
        slots[i] = value;
        size++;
        if (size * 2 > slots.length) {
            grow();
        }
        return 1;
    }

    int size() {
        return size;
    }

    /** Calls {@code action} with every value in the set. */
    void forEach(java.util.function.LongConsumer action) {
        if (hasZero) {
            action.accept(EMPTY);
        }
        for (long v : slots) {
            if (v != EMPTY) {
                action.accept(v);
            }
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long v : old) {
            if (v != EMPTY) {
                int i = (int) (v ^ (v >>> 32)) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = v;
            }
        }
    }
}
