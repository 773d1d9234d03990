package io.rivet.core.internal.dialect.mysql;

/**
 * Parses MySQL's and MariaDB's text renderings (the text protocol, session {@code time_zone = '+00:00'}) straight from
 * the bytes the driver received, without creating objects. Each method throws {@link NumberFormatException} for text
 * it does not understand and {@link ArithmeticException} for a value outside what the target holds; the caller turns
 * these into an error naming the column. Zero dates are reported with {@link #ZERO}, never as a date. Stateless.
 */
final class MySqlText {

    /** What the date and datetime parsers return for a zero or partly zero date (0000-00-00, 2024-00-15). */
    static final long ZERO = Long.MIN_VALUE;

    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

    private static final int[] FRACTION_SCALE = {1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private MySqlText() {
    }

    /** A decimal integer with an optional sign (leading zeros of ZEROFILL columns are fine). */
    static long parseLong(byte[] b, int off, int len) {
        if (len <= 0) {
            throw new NumberFormatException("empty integer");
        }
        int i = off;
        int end = off + len;
        boolean negative = b[i] == '-';
        if (negative || b[i] == '+') {
            i++;
        }
        if (i == end) {
            throw new NumberFormatException("no digits");
        }
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("not a digit");
            }
            // Accumulate negatively so Long.MIN_VALUE parses without overflow.
            v = Math.subtractExact(Math.multiplyExact(v, 10), d);
        }
        return negative ? v : Math.negateExact(v);
    }

    /** Days since 1970-01-01 of {@code YYYY-MM-DD}, or {@link #ZERO} when the year, month or day part is zero. */
    static long parseEpochDay(byte[] b, int off, int len) {
        if (len != 10) {
            throw new NumberFormatException("not a date");
        }
        return epochDay(b, off);
    }

    /**
     * Microseconds since 1970-01-01 00:00 of {@code YYYY-MM-DD HH:MM:SS[.f...]} (a DATETIME as a wall clock, or a
     * TIMESTAMP rendered in the session's UTC), or {@link #ZERO} for a zero date part.
     */
    static long parseDateTimeMicros(byte[] b, int off, int len) {
        if (len < 19 || b[off + 10] != ' ') {
            throw new NumberFormatException("not a datetime");
        }
        long day = epochDay(b, off);
        int h = twoDigits(b, off + 11);
        int m = twoDigits(b, off + 14);
        int s = twoDigits(b, off + 17);
        if (b[off + 13] != ':' || b[off + 16] != ':') {
            throw new NumberFormatException("not a time of day");
        }
        int fraction = fraction(b, off + 19, off + len);
        if (day == ZERO) {
            // With or without a time ('0000-00-00 10:00:00'), a zero date part is no point in time.
            return ZERO;
        }
        if (h > 23 || m > 59 || s > 59) {
            throw new NumberFormatException("time of day out of range");
        }
        long secondOfDay = h * 3600L + m * 60L + s;
        return Math.addExact(Math.multiplyExact(day, MICROS_PER_DAY), secondOfDay * MICROS_PER_SECOND + fraction);
    }

    /**
     * Signed microseconds of a TIME, {@code [-]H...H:MM:SS[.f...]}: MySQL's TIME is an elapsed time from -838:59:59 to
     * 838:59:59, so it may be negative or longer than a day.
     */
    static long parseTimeMicros(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        long hours = 0;
        int digits = 0;
        while (i < end && b[i] != ':') {
            int d = b[i++] - '0';
            if (d < 0 || d > 9 || ++digits > 7) {
                throw new NumberFormatException("not a time");
            }
            hours = hours * 10 + d;
        }
        if (digits == 0 || i + 6 > end || b[i] != ':' || b[i + 3] != ':') {
            throw new NumberFormatException("not a time");
        }
        int m = twoDigits(b, i + 1);
        int s = twoDigits(b, i + 4);
        if (m > 59 || s > 59) {
            throw new NumberFormatException("time out of range");
        }
        int fraction = fraction(b, i + 6, end);
        long micros = ((hours * 60 + m) * 60 + s) * MICROS_PER_SECOND + fraction;
        return negative ? -micros : micros;
    }

    /** The digits after a seconds field: nothing, or {@code .} and one to six digits, as microseconds. */
    private static int fraction(byte[] b, int i, int end) {
        if (i == end) {
            return 0;
        }
        int n = end - i - 1;
        if (b[i] != '.' || n < 1 || n > 6) {
            throw new NumberFormatException("bad fractional seconds");
        }
        int v = 0;
        for (int k = i + 1; k < end; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("bad fractional seconds");
            }
            v = v * 10 + d;
        }
        return v * FRACTION_SCALE[n];
    }

    private static long epochDay(byte[] b, int off) {
        int y = twoDigits(b, off) * 100 + twoDigits(b, off + 2);
        if (b[off + 4] != '-' || b[off + 7] != '-') {
            throw new NumberFormatException("not a date");
        }
        int m = twoDigits(b, off + 5);
        int d = twoDigits(b, off + 8);
        if (m == 0 || d == 0) {
            // '0000-00-00' and the partly zero dates NO_ZERO_IN_DATE lets through ('2024-00-00', '2024-05-00').
            return ZERO;
        }
        if (m > 12 || d > lengthOfMonth(y, m)) {
            // Only ALLOW_INVALID_DATES stores these ('2024-02-31'); no calendar date matches them.
            throw new ArithmeticException("not a calendar date");
        }
        return daysFromCivil(y, m, d);
    }

    private static int twoDigits(byte[] b, int i) {
        int hi = b[i] - '0';
        int lo = b[i + 1] - '0';
        if (hi < 0 || hi > 9 || lo < 0 || lo > 9) {
            throw new NumberFormatException("not a digit");
        }
        return hi * 10 + lo;
    }

    static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; MySQL's calendar is the same). */
    static long daysFromCivil(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
