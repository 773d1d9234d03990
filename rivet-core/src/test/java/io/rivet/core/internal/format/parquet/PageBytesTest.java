package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PageBytesTest {

    private static final int KNEE = PageBytes.GROWTH_KNEE;

    @Test
    void smallBuffersDoubleAndLargeOnesGrowByAnEighth() {
        assertEquals(8192, PageBytes.grownCapacity(4096, 4097));
        assertEquals(KNEE, PageBytes.grownCapacity(KNEE / 2, KNEE / 2 + 1));
        assertEquals(KNEE + KNEE / 8, PageBytes.grownCapacity(KNEE, KNEE + 1));
    }

    @Test
    void growsToWhatIsNeededWhenThatIsMore() {
        assertEquals(10_000_000, PageBytes.grownCapacity(4096, 10_000_000));
        assertEquals(3 * KNEE, PageBytes.grownCapacity(KNEE, 3L * KNEE));
    }

    @Test
    void aPageBufferEndsNearThePageSizeInsteadOfTwiceIt() {
        PageBytes b = new PageBytes(4096);
        byte[] value = new byte[300];
        while (b.size() < ColumnChunkWriter.PAGE_SIZE) {
            b.write(value, 0, value.length);
        }
        assertTrue(b.array.length < ColumnChunkWriter.PAGE_SIZE * 5L / 4, "capacity " + b.array.length);
    }

    @Test
    void refusesPagesOverTwoGigabytes() {
        assertThrows(IllegalStateException.class, () -> PageBytes.grownCapacity(KNEE, Integer.MAX_VALUE));
    }
}
