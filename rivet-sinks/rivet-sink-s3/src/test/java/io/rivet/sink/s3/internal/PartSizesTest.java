package io.rivet.sink.s3.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartSizesTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void partsDoubleEveryThousandUpToTheCap() {
        long base = 8 * MIB;
        assertEquals(8 * MIB, PartSizes.size(base, 1));
        assertEquals(8 * MIB, PartSizes.size(base, 1000));
        assertEquals(16 * MIB, PartSizes.size(base, 1001));
        assertEquals(32 * MIB, PartSizes.size(base, 2001));
        assertEquals(1024 * MIB, PartSizes.size(base, 7001));
        assertEquals(1024 * MIB, PartSizes.size(base, 10_000), "capped at 1 GiB");
    }

    @Test
    void tenThousandPartsHoldFarMoreThanAnyRivetFile() {
        long capacity = PartSizes.capacity(8 * MIB);
        // 1000 x 8 MiB x (1 + 2 + ... + 128) + 2000 x 1 GiB
        assertEquals(1000L * 8 * MIB * 255 + 2000L * 1024 * MIB, capacity);
        assertTrue(capacity > 3L * 1024 * 1024 * MIB, "more than 3 TiB: " + capacity);
        assertTrue(PartSizes.capacity(5 * MIB) > 2L * 1024 * 1024 * MIB, "even with the smallest parts");
    }

    @Test
    void sizesNeverShrinkAndStayWithinS3Limits() {
        for (long base : new long[] {PartSizes.MIN_PART, 8 * MIB, 64 * MIB, PartSizes.MAX_PART}) {
            int previous = 0;
            for (int part = 1; part <= PartSizes.MAX_PARTS; part += 37) {
                int size = PartSizes.size(base, part);
                assertTrue(size >= previous && size >= PartSizes.MIN_PART && size <= PartSizes.MAX_PART,
                        base + "/" + part);
                previous = size;
            }
        }
    }

    @Test
    void partNumbersOutsideS3sRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PartSizes.size(8 * MIB, 0));
        assertThrows(IllegalArgumentException.class, () -> PartSizes.size(8 * MIB, 10_001));
    }
}
