package io.rivet.core.internal.format.parquet;

import java.util.Arrays;

/**
 * The two dictionaries of a column chunk: fixed-width values as 64-bit keys (integers, float bits), and byte strings.
 * Open addressing with linear probing over arrays, ids in insertion order; nothing is allocated per value (arrays
 * double as they fill). One per column writer; not thread-safe.
 */
final class Dictionaries {

    private Dictionaries() {
    }

    /**
     * SplitMix64's finalizer: every key bit reaches the low bits the table uses. (A multiply and a fold of the two
     * halves clusters badly on sequential keys, such as ids.)
     */
    static int mix(long key) {
        long z = (key ^ (key >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return (int) (z ^ (z >>> 31));
    }

    /** 64-bit keys to ids. Slots hold key and id side by side, so a probe touches one cache line. */
    static final class Longs {
        /** Slot {@code i}: the key at {@code 2i}, the id plus one at {@code 2i + 1} (0: empty). */
        private long[] table = new long[128];
        private long[] values = new long[32];
        private int size;

        int size() {
            return size;
        }

        long value(int id) {
            return values[id];
        }

        /** The id of {@code key}, added if new. */
        int idOf(long key) {
            long[] t = table;
            int mask = (t.length >>> 1) - 1;
            int h = mix(key) & mask;
            while (true) {
                long id = t[2 * h + 1];
                if (id == 0) {
                    return add(key, h);
                }
                if (t[2 * h] == key) {
                    return (int) id - 1;
                }
                h = (h + 1) & mask;
            }
        }

        private int add(long key, int slot) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size] = key;
            table[2 * slot] = key;
            table[2 * slot + 1] = ++size;
            if (size * 4 > table.length) {
                rehash();
            }
            return size - 1;
        }

        private void rehash() {
            long[] bigger = new long[table.length * 2];
            int mask = (bigger.length >>> 1) - 1;
            for (int id = 0; id < size; id++) {
                int h = mix(values[id]) & mask;
                while (bigger[2 * h + 1] != 0) {
                    h = (h + 1) & mask;
                }
                bigger[2 * h] = values[id];
                bigger[2 * h + 1] = id + 1;
            }
            table = bigger;
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(table, 0);
                size = 0;
            }
        }
    }

    /** Byte strings to ids; the strings live back to back in one arena. */
    static final class Bytes {
        private int[] slots = new int[64];
        private int[] hashes = new int[32];
        private int[] offsets = new int[33];
        private byte[] arena = new byte[1024];
        private int size;

        int size() {
            return size;
        }

        byte[] arena() {
            return arena;
        }

        int offset(int id) {
            return offsets[id];
        }

        int length(int id) {
            return offsets[id + 1] - offsets[id];
        }

        /** The id of {@code b[off..off+len)}, added if new; {@code hash} is {@link #hash} of the same bytes. */
        int idOf(byte[] b, int off, int len, int hash) {
            int mask = slots.length - 1;
            int h = hash & mask;
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    return add(b, off, len, hash, h);
                }
                int id = s - 1;
                if (hashes[id] == hash && Arrays.equals(arena, offsets[id], offsets[id + 1], b, off, off + len)) {
                    return id;
                }
                h = (h + 1) & mask;
            }
        }

        private int add(byte[] b, int off, int len, int hash, int slot) {
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, size * 2);
                offsets = Arrays.copyOf(offsets, size * 2 + 1);
            }
            int start = offsets[size];
            if (arena.length - start < len) {
                arena = Arrays.copyOf(arena, PageBytes.grownCapacity(arena.length, (long) start + len));
            }
            System.arraycopy(b, off, arena, start, len);
            hashes[size] = hash;
            offsets[size + 1] = start + len;
            slots[slot] = ++size;
            if (size * 2 > slots.length) {
                rehash();
            }
            return size - 1;
        }

        private void rehash() {
            int[] bigger = new int[slots.length * 2];
            int mask = bigger.length - 1;
            for (int id = 0; id < size; id++) {
                int h = hashes[id] & mask;
                while (bigger[h] != 0) {
                    h = (h + 1) & mask;
                }
                bigger[h] = id + 1;
            }
            slots = bigger;
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(slots, 0);
                size = 0;
            }
        }

        /** A 32-bit hash of {@code b[off..off+len)}, eight bytes at a time. */
        static int hash(byte[] b, int off, int len) {
            long h = len * 0x9E37_79B9_7F4A_7C15L;
            int i = off;
            int end = off + len;
            for (; i + 8 <= end; i += 8) {
                h = (h ^ PageBytes.getLongLE(b, i)) * 0xFF51_AFD7_ED55_8CCDL;
                h ^= h >>> 29;
            }
            long tail = 0;
            for (int k = 0; i < end; i++, k += 8) {
                tail |= (b[i] & 0xFFL) << k;
            }
            h = (h ^ tail) * 0xC4CE_B9FE_1A85_EC53L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
