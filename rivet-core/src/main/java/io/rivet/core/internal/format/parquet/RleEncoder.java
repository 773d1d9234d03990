package io.rivet.core.internal.format.parquet;

/**
 * Parquet's RLE / bit-packing hybrid encoding (used for definition and repetition levels and dictionary indices),
 * encoded in one pass over a whole page's values:
 * runs of 8 or more equal values become RLE runs ({@code varint(count << 1)} then the value in
 * {@code ceil(bitWidth / 8)} little-endian bytes); everything else is bit-packed in groups of 8
 * ({@code varint(groups << 1 | 1)} then the values, least significant bit first). A bit-packed run that is followed by
 * another run holds a multiple of 8 values, borrowing from the next RLE run; only the last one is padded with zeros.
 * Stateless.
 */
final class RleEncoder {

    private RleEncoder() {
    }

    /** Bits needed for values {@code 0..maxValue}: 0 for 0, 1 for 1, 2 for 2..3, ... */
    static int bitWidth(int maxValue) {
        return 32 - Integer.numberOfLeadingZeros(maxValue);
    }

    /** Encodes {@code values[0..count)} (each {@code < 2^bitWidth}) into {@code out}. */
    static void encode(int[] values, int count, int bitWidth, PageBytes out) {
        int literalStart = 0;
        int i = 0;
        while (i < count) {
            int v = values[i];
            int j = i + 1;
            while (j < count && values[j] == v) {
                j++;
            }
            int run = j - i;
            if (run >= 8) {
                int pending = i - literalStart;
                int borrow = (8 - (pending & 7)) & 7;
                i += borrow;
                run -= borrow;
                packInts(values, literalStart, i, bitWidth, out);
                if (run > 0) {
                    rleRun(v, run, bitWidth, out);
                }
                literalStart = j;
            }
            i = j;
        }
        packInts(values, literalStart, count, bitWidth, out);
    }

    /** Encodes levels {@code values[0..count)} (each {@code < 2^bitWidth}) into {@code out}. */
    static void encode(byte[] values, int count, int bitWidth, PageBytes out) {
        int literalStart = 0;
        int i = 0;
        while (i < count) {
            byte v = values[i];
            int j = i + 1;
            while (j < count && values[j] == v) {
                j++;
            }
            int run = j - i;
            if (run >= 8) {
                int pending = i - literalStart;
                int borrow = (8 - (pending & 7)) & 7;
                i += borrow;
                run -= borrow;
                packBytes(values, literalStart, i, bitWidth, out);
                if (run > 0) {
                    rleRun(v, run, bitWidth, out);
                }
                literalStart = j;
            }
            i = j;
        }
        packBytes(values, literalStart, count, bitWidth, out);
    }

    /** One RLE run of {@code count} copies of {@code value}. */
    static void rleRun(int value, int count, int bitWidth, PageBytes out) {
        out.writeUnsignedVarInt(count << 1);
        out.writeLE(value, (bitWidth + 7) >>> 3);
    }

    private static void packInts(int[] values, int from, int to, int bitWidth, PageBytes out) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        int groups = (n + 7) >>> 3;
        out.writeUnsignedVarInt(groups << 1 | 1);
        out.ensure(groups * bitWidth);
        byte[] a = out.array;
        int p = out.size;
        long acc = 0;
        int bits = 0;
        int end = from + groups * 8;
        for (int k = from; k < end; k++) {
            long v = k < to ? values[k] & 0xFFFF_FFFFL : 0;
            acc |= v << bits;
            bits += bitWidth;
            while (bits >= 8) {
                a[p++] = (byte) acc;
                acc >>>= 8;
                bits -= 8;
            }
        }
        out.size = p;
    }

    private static void packBytes(byte[] values, int from, int to, int bitWidth, PageBytes out) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        int groups = (n + 7) >>> 3;
        out.writeUnsignedVarInt(groups << 1 | 1);
        out.ensure(groups * bitWidth);
        byte[] a = out.array;
        int p = out.size;
        long acc = 0;
        int bits = 0;
        int end = from + groups * 8;
        for (int k = from; k < end; k++) {
            long v = k < to ? values[k] & 0xFF : 0;
            acc |= v << bits;
            bits += bitWidth;
            while (bits >= 8) {
                a[p++] = (byte) acc;
                acc >>>= 8;
                bits -= 8;
            }
        }
        out.size = p;
    }
}
