package io.rivet.core.internal.source;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.DecimalVector;

/**
 * Exact decimals from the text a database prints ({@code -123.45}), for the text-protocol value writers of every
 * dialect. The fast path parses up to 18 digits into a long without allocating; anything else goes through
 * {@link BigDecimal}. Stateless.
 */
public final class DecimalText {

    /** What {@link #unscaled} returns when the text needs {@link #exact} instead. */
    static final long NOT_FAST = Long.MIN_VALUE;

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private DecimalText() {
    }

    /**
     * Sets {@code vector[index]} to the decimal printed in {@code b[off..off+len)}: through a long when it has at most
     * 18 digits and at most {@code scale} fraction digits (no allocation), else through {@link BigDecimal}.
     *
     * @return false, leaving the vector alone, when the value needs rounding or more than {@code precision} digits
     * @throws NumberFormatException if the text is not a number
     */
    public static boolean set(DecimalVector vector, int index, byte[] b, int off, int len, int precision, int scale) {
        long unscaled = unscaled(b, off, len, scale);
        if (unscaled == NOT_FAST) {
            BigDecimal v = exact(b, off, len, precision, scale);
            if (v == null) {
                return false;
            }
            vector.setSafe(index, v);
            return true;
        }
        if (!fits(unscaled, precision)) {
            return false;
        }
        vector.setSafe(index, unscaled);
        return true;
    }

    /**
     * The value of {@code b[off..off+len)} (an optional sign, digits, an optional point) unscaled at {@code scale},
     * or {@link #NOT_FAST} when it has more than 18 digits, more fraction digits than {@code scale}, no digits, or
     * anything else (an exponent, say).
     */
    static long unscaled(byte[] b, int off, int len, int scale) {
        int end = off + len;
        int i = off;
        byte first = b[off];
        boolean negative = first == '-';
        if (negative || first == '+') {
            i++;
        }
        long unscaled = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '.' && fraction < 0) {
                fraction = 0;
                continue;
            }
            int d = c - '0';
            if (d < 0 || d > 9 || ++digits > 18) {
                return NOT_FAST;
            }
            unscaled = unscaled * 10 + d;
            if (fraction >= 0) {
                fraction++;
            }
        }
        int f = Math.max(fraction, 0);
        if (digits == 0 || f > scale || digits + (scale - f) > 18) {
            return NOT_FAST;
        }
        unscaled *= POW10[scale - f];
        return negative ? -unscaled : unscaled;
    }

    /** Whether an unscaled value from {@link #unscaled} has at most {@code precision} digits. */
    static boolean fits(long unscaled, int precision) {
        return precision >= 19 || Math.abs(unscaled) < POW10[precision];
    }

    /**
     * The value of {@code b[off..off+len)} at exactly {@code scale}, or {@code null} when that needs rounding or more
     * than {@code precision} digits.
     *
     * @throws NumberFormatException if the text is not a number
     */
    static BigDecimal exact(byte[] b, int off, int len, int precision, int scale) {
        BigDecimal v;
        try {
            v = new BigDecimal(new String(b, off, len, StandardCharsets.ISO_8859_1)).setScale(scale);
        } catch (ArithmeticException e) {
            return null;
        }
        return v.precision() > precision ? null : v;
    }
}
