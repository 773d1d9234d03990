package io.rivet.core.internal.format.csv;

import io.rivet.core.internal.util.UncheckedBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Text renderings of Arrow values for CSV cells, appended to a reused {@link StringBuilder} so that no object is made
 * per value (except decimals wider than a long). Forms:
 * <ul>
 *   <li>date: {@code yyyy-MM-dd}; years outside 0000..9999 get a sign ({@code +10000-01-01}, {@code -0001-12-31}),
 *       as {@link java.time.LocalDate#toString()} does</li>
 *   <li>time: {@code HH:mm:ss.ffffff}, always six fraction digits; values outside a day (MySQL TIME) keep one sign
 *       and more hour digits ({@code -838:59:59.000000})</li>
 *   <li>timestamp: {@code yyyy-MM-ddTHH:mm:ss.ffffff}, with a trailing {@code Z} for UTC instants</li>
 *   <li>decimal: plain notation with exactly {@code scale} fraction digits ({@link BigDecimal#toPlainString()})</li>
 *   <li>binary: lowercase hex without prefix; uuid: lowercase, hyphenated</li>
 * </ul>
 * Stateless.
 */
final class CsvText {

    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CsvText() {
    }

    /** Appends the proleptic Gregorian date {@code epochDay} days after 1970-01-01. */
    static void appendDate(StringBuilder sb, long epochDay) {
        // Howard Hinnant's civil_from_days: eras of 400 years (146097 days) starting on March 1st.
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0) {
            sb.append('-');
            pad(sb, -year, 4);
        } else {
            if (year > 9999) {
                sb.append('+');
            }
            pad(sb, year, 4);
        }
        sb.append('-');
        pad(sb, month, 2);
        sb.append('-');
        pad(sb, day, 2);
    }

    /** Appends a time of day (or duration) of {@code micros} microseconds as {@code HH:mm:ss.ffffff}. */
    static void appendTime(StringBuilder sb, long micros) {
        if (micros < 0) {
            sb.append('-');
            if (micros == Long.MIN_VALUE) {
                // -Long.MIN_VALUE overflows; this value cannot come from a database but must not break the file.
                appendTime(sb, Long.MAX_VALUE);
                return;
            }
            micros = -micros;
        }
        long seconds = micros / MICROS_PER_SECOND;
        pad(sb, seconds / 3600, 2);
        sb.append(':');
        pad(sb, seconds / 60 % 60, 2);
        sb.append(':');
        pad(sb, seconds % 60, 2);
        sb.append('.');
        pad(sb, micros % MICROS_PER_SECOND, 6);
    }

    /** Appends {@code micros} since the epoch as {@code yyyy-MM-ddTHH:mm:ss.ffffff}, plus {@code Z} if {@code utc}. */
    static void appendTimestamp(StringBuilder sb, long micros, boolean utc) {
        appendDate(sb, Math.floorDiv(micros, MICROS_PER_DAY));
        sb.append('T');
        appendTime(sb, Math.floorMod(micros, MICROS_PER_DAY));
        if (utc) {
            sb.append('Z');
        }
    }

    /** Appends the little-endian two's complement Decimal128 at {@code offset} of {@code data} with {@code scale}. */
    static void appendDecimal(StringBuilder sb, UncheckedBuffer data, long offset, int scale) {
        long low = data.getLong(offset);
        long high = data.getLong(offset + 8);
        if (high == (low >> 63) && low != Long.MIN_VALUE) {
            appendUnscaled(sb, low, scale);
            return;
        }
        byte[] bigEndian = new byte[16];
        for (int k = 0; k < 16; k++) {
            bigEndian[k] = data.getByte(offset + 15 - k);
        }
        sb.append(new BigDecimal(new BigInteger(bigEndian), scale).toPlainString());
    }

    /** Appends {@code unscaled / 10^scale} in plain notation; {@code unscaled} must not be Long.MIN_VALUE. */
    static void appendUnscaled(StringBuilder sb, long unscaled, int scale) {
        if (scale == 0) {
            sb.append(unscaled);
            return;
        }
        if (unscaled < 0) {
            sb.append('-');
            unscaled = -unscaled;
        }
        int digitsStart = sb.length();
        sb.append(unscaled);
        int digits = sb.length() - digitsStart;
        if (digits > scale) {
            sb.insert(sb.length() - scale, '.');
            return;
        }
        for (int k = digits; k < scale; k++) {
            sb.insert(digitsStart, '0');
        }
        sb.insert(digitsStart, "0.");
    }

    /** Appends {@code len} bytes of {@code data} from {@code start} as lowercase hex. */
    static void appendHex(StringBuilder sb, UncheckedBuffer data, long start, int len) {
        for (int k = 0; k < len; k++) {
            int b = data.getByte(start + k) & 0xFF;
            sb.append(HEX[b >> 4]).append(HEX[b & 0xF]);
        }
    }

    /** Appends the 16 bytes at {@code start} as a hyphenated lowercase UUID. */
    static void appendUuid(StringBuilder sb, UncheckedBuffer data, long start) {
        for (int k = 0; k < 16; k++) {
            if (k == 4 || k == 6 || k == 8 || k == 10) {
                sb.append('-');
            }
            int b = data.getByte(start + k) & 0xFF;
            sb.append(HEX[b >> 4]).append(HEX[b & 0xF]);
        }
    }

    /** Appends non-negative {@code value} with at least {@code width} digits. */
    private static void pad(StringBuilder sb, long value, int width) {
        long limit = 10;
        for (int w = 1; w < width; w++) {
            if (value < limit) {
                sb.append('0');
            }
            limit *= 10;
        }
        sb.append(value);
    }
}
