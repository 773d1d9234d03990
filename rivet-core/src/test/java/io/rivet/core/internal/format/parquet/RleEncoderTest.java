package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rivet's RLE / bit-packing hybrid encoder, decoded by parquet-java's own decoder. */
class RleEncoderTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 8, 9, 13, 17, 24, 31})
    void encode_ints_decodesToTheSameValues(int bitWidth) throws IOException {
        SplittableRandom random = new SplittableRandom(bitWidth);
        int max = bitWidth == 0 ? 0 : bitWidth == 31 ? Integer.MAX_VALUE : (1 << bitWidth) - 1;
        for (int pattern = 0; pattern < 6; pattern++) {
            int count = 1 + random.nextInt(5000);
            int[] values = new int[count];
            for (int i = 0; i < count; i++) {
                values[i] = switch (pattern) {
                    case 0 -> draw(random, max);
                    // long runs mixed with literals: exercises the borrowing at run boundaries
                    case 1 -> (i / (1 + random.nextInt(20))) % 3 == 0 ? max : draw(random, max);
                    case 2 -> max;
                    case 3 -> i % 9 < 8 ? 0 : max;
                    case 4 -> i < count / 2 ? draw(random, max) : max / 2;
                    default -> i % 2 == 0 ? max : 0;
                };
            }
            PageBytes out = new PageBytes(16);
            RleEncoder.encode(values, count, bitWidth, out);
            assertDecodes(values, count, bitWidth, out);
        }
    }

    @Test
    void encode_levels_decodesToTheSameValues() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int bitWidth = 1; bitWidth <= 2; bitWidth++) {
            for (int round = 0; round < 50; round++) {
                int count = 1 + random.nextInt(3000);
                byte[] levels = new byte[count];
                int[] expected = new int[count];
                int nullEvery = 2 + random.nextInt(30);
                for (int i = 0; i < count; i++) {
                    int v = random.nextInt(nullEvery) == 0 ? 0 : (1 << bitWidth) - 1;
                    if (bitWidth == 2 && random.nextInt(5) == 0) {
                        v = random.nextInt(4);
                    }
                    levels[i] = (byte) v;
                    expected[i] = v;
                }
                PageBytes out = new PageBytes(16);
                RleEncoder.encode(levels, count, bitWidth, out);
                assertDecodes(expected, count, bitWidth, out);
            }
        }
    }

    @Test
    void rleRun_isOneRunOfTheValue() throws IOException {
        PageBytes out = new PageBytes(16);
        RleEncoder.rleRun(1, 20_000, 1, out);
        int[] expected = new int[20_000];
        java.util.Arrays.fill(expected, 1);
        assertDecodes(expected, expected.length, 1, out);
        assertEquals(4, out.size(), "varint(40000) takes 3 bytes, the value 1");
    }

    @Test
    void bitWidth_ofMaximumValue() {
        assertEquals(0, RleEncoder.bitWidth(0));
        assertEquals(1, RleEncoder.bitWidth(1));
        assertEquals(2, RleEncoder.bitWidth(3));
        assertEquals(3, RleEncoder.bitWidth(4));
        assertEquals(17, RleEncoder.bitWidth(131_071));
    }

    private static int draw(SplittableRandom random, int max) {
        return max == Integer.MAX_VALUE ? random.nextInt() & Integer.MAX_VALUE : random.nextInt(max + 1);
    }

    private static void assertDecodes(int[] expected, int count, int bitWidth, PageBytes out) throws IOException {
        RunLengthBitPackingHybridDecoder decoder = new RunLengthBitPackingHybridDecoder(bitWidth,
                new ByteArrayInputStream(out.array, 0, out.size()));
        for (int i = 0; i < count; i++) {
            assertEquals(expected[i], decoder.readInt(), "value " + i + " of " + count + ", width " + bitWidth);
        }
    }
}
