package io.rivet.core.internal.dialect.postgres;

/**
 * Renders a numeric in PostgreSQL's binary send format ({@code int16 ndigits, int16 weight, uint16 sign, uint16
 * dscale}, then {@code ndigits} base-10000 digits) as the exact text PostgreSQL's {@code numeric_out} prints: an
 * optional {@code -}, the integer digits without leading zeros ({@code 0} when there are none), and when dscale is
 * positive a point and exactly dscale fraction digits; {@code NaN}, {@code Infinity} and {@code -Infinity} for the
 * special values. This mirrors {@code get_str_from_var} in PostgreSQL's {@code numeric.c}. Stateless.
 */
final class NumericText {

    static final int POS = 0x0000;
    static final int NEG = 0x4000;
    static final int NAN = 0xC000;
    static final int PINF = 0xD000;
    static final int NINF = 0xF000;

    private static final byte[] NAN_TEXT = {'N', 'a', 'N'};
    private static final byte[] PINF_TEXT = {'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};
    private static final byte[] NINF_TEXT = {'-', 'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

    private NumericText() {
    }

    /** An upper bound of the text's length for the numeric at {@code b[off..]} (its 8-byte header is present). */
    static int maxLength(byte[] b, int off) {
        int weight = CopyInput.getShort(b, off + 2);
        int dscale = CopyInput.getShort(b, off + 6) & 0xFFFF;
        return Math.max(1, (weight + 1) * 4) + dscale + 4 + 2 + NINF_TEXT.length;
    }

    /**
     * Writes the text of the numeric at {@code b[off..off+len)} into {@code out} (at least {@link #maxLength} long).
     *
     * @return the number of bytes written, or -1 when the value is malformed
     */
    static int format(byte[] b, int off, int len, byte[] out) {
        int ndigits = CopyInput.getShort(b, off);
        int weight = CopyInput.getShort(b, off + 2);
        int sign = CopyInput.getShort(b, off + 4) & 0xFFFF;
        int dscale = CopyInput.getShort(b, off + 6) & 0xFFFF;
        if (sign == NAN) {
            return copy(NAN_TEXT, out);
        } else if (sign == PINF) {
            return copy(PINF_TEXT, out);
        } else if (sign == NINF) {
            return copy(NINF_TEXT, out);
        } else if (sign != POS && sign != NEG || ndigits < 0 || len != 8 + 2 * ndigits) {
            return -1;
        }
        int digits = off + 8;
        int p = 0;
        if (sign == NEG) {
            out[p++] = '-';
        }
        int d;
        if (weight < 0) {
            d = weight + 1;
            out[p++] = '0';
        } else {
            for (d = 0; d <= weight; d++) {
                int dig = d < ndigits ? CopyInput.getShort(b, digits + 2 * d) : 0;
                // In the first base-10000 digit, leading decimal zeros are suppressed.
                boolean putit = d > 0;
                int d1 = dig / 1000;
                dig -= d1 * 1000;
                putit |= d1 > 0;
                if (putit) {
                    out[p++] = (byte) ('0' + d1);
                }
                d1 = dig / 100;
                dig -= d1 * 100;
                putit |= d1 > 0;
                if (putit) {
                    out[p++] = (byte) ('0' + d1);
                }
                d1 = dig / 10;
                dig -= d1 * 10;
                putit |= d1 > 0;
                if (putit) {
                    out[p++] = (byte) ('0' + d1);
                }
                out[p++] = (byte) ('0' + dig);
            }
        }
        if (dscale > 0) {
            out[p++] = '.';
            int end = p + dscale;
            // Whole base-10000 digits are written, then the text is cut at dscale fraction digits.
            for (int i = 0; i < dscale; d++, i += 4) {
                int dig = d >= 0 && d < ndigits ? CopyInput.getShort(b, digits + 2 * d) : 0;
                int d1 = dig / 1000;
                dig -= d1 * 1000;
                out[p++] = (byte) ('0' + d1);
                d1 = dig / 100;
                dig -= d1 * 100;
                out[p++] = (byte) ('0' + d1);
                d1 = dig / 10;
                dig -= d1 * 10;
                out[p++] = (byte) ('0' + d1);
                out[p++] = (byte) ('0' + dig);
            }
            p = end;
        }
        return p;
    }

    private static int copy(byte[] text, byte[] out) {
        System.arraycopy(text, 0, out, 0, text.length);
        return text.length;
    }
}
