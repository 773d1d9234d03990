package io.rivet.core.internal.dialect.postgres;

/**
 * Parses PostgreSQL's text renderings (DateStyle ISO, as pgjdbc requires) straight from the bytes the driver
 * received, without creating objects. Each method throws {@link NumberFormatException} for text it does not
 * understand and {@link ArithmeticException} for a value outside what the target holds; the caller turns these into
 * an error naming the column. Instances keep a read position, so each reader owns one; not thread-safe.
 */
final class PgText {

    /** The read position of the value being parsed. */
    private int pos;

    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

    PgText() {
    }

    /** Whether {@code b[off..off+len)} is {@code infinity} or {@code -infinity} (dates and timestamps). */
    static boolean isInfinity(byte[] b, int off, int len) {
        return (len == 8 || len == 9) && (b[off] == 'i' || b[off] == '-' && b[off + 1] == 'i');
    }

    /** A decimal integer (optional sign). */
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

    /** Days since 1970-01-01 of {@code YYYY-MM-DD[ BC]} (the year may have more than four digits). */
    int parseEpochDay(byte[] b, int off, int len) {
        int end = off + len;
        pos = off;
        long epochDay = datePart(b, end);
        if (pos != end) {
            throw new NumberFormatException("trailing text after date");
        }
        return Math.toIntExact(epochDay);
    }

    /** Microseconds since midnight of {@code HH:MM:SS[.ffffff]} (PostgreSQL allows 24:00:00). */
    long parseTimeMicros(byte[] b, int off, int len) {
        pos = off;
        long micros = timePart(b, off + len);
        if (pos != off + len) {
            throw new NumberFormatException("trailing text after time");
        }
        return micros;
    }

    /** Microseconds since 1970-01-01 00:00 of {@code YYYY-MM-DD HH:MM:SS[.ffffff][ BC]}, as a wall clock. */
    long parseTimestampMicros(byte[] b, int off, int len) {
        return timestamp(b, off, len, false);
    }

    /**
     * Microseconds since the epoch of {@code YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM[:SS]][ BC]}: the rendering of a
     * timestamptz in any session time zone (Rivet's sessions use UTC, so the offset is {@code +00}).
     */
    long parseTimestamptzMicros(byte[] b, int off, int len) {
        return timestamp(b, off, len, true);
    }

    private long timestamp(byte[] b, int off, int len, boolean withOffset) {
        int end = off + len;
        boolean bc = len > 3 && b[end - 3] == ' ' && b[end - 2] == 'B' && b[end - 1] == 'C';
        int textEnd = bc ? end - 3 : end;
        pos = off;
        long year = year(b, textEnd);
        if (bc) {
            year = 1 - year;
        }
        long epochDay = monthDay(b, textEnd, year);
        expect(b, textEnd, ' ');
        long micros = timePart(b, textEnd);
        if (withOffset) {
            micros -= offsetSeconds(b, textEnd) * MICROS_PER_SECOND;
        }
        if (pos != textEnd) {
            throw new NumberFormatException("trailing text after timestamp");
        }
        return Math.addExact(Math.multiplyExact(epochDay, MICROS_PER_DAY), micros);
    }

    private long datePart(byte[] b, int end) {
        boolean bc = end - pos > 3 && b[end - 3] == ' ' && b[end - 2] == 'B' && b[end - 1] == 'C';
        int textEnd = bc ? end - 3 : end;
        long year = year(b, textEnd);
        if (bc) {
            year = 1 - year;
        }
        long day = monthDay(b, textEnd, year);
        if (bc) {
            pos += 3;
        }
        return day;
    }

    private long year(byte[] b, int end) {
        int i = pos;
        long year = 0;
        int digits = 0;
        while (i < end && b[i] != '-') {
            year = year * 10 + digit(b[i++]);
            if (++digits > 7) {
                throw new NumberFormatException("year too long");
            }
        }
        if (digits < 4) {
            throw new NumberFormatException("year too short");
        }
        pos = i;
        return year;
    }

    private long monthDay(byte[] b, int end, long year) {
        expect(b, end, '-');
        int month = twoDigits(b, end);
        expect(b, end, '-');
        int day = twoDigits(b, end);
        if (month < 1 || month > 12 || day < 1 || day > 31) {
            throw new NumberFormatException("month or day out of range");
        }
        return epochDay(year, month, day);
    }

    /** Days from 1970-01-01 to a proleptic Gregorian date (year 0 = 1 BC); H. Hinnant's days_from_civil. */
    static long epochDay(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    private long timePart(byte[] b, int end) {
        int h = twoDigits(b, end);
        expect(b, end, ':');
        int m = twoDigits(b, end);
        expect(b, end, ':');
        int s = twoDigits(b, end);
        long micros = 0;
        int i = pos;
        if (i < end && b[i] == '.') {
            i++;
            int digits = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (++digits > 6) {
                    throw new NumberFormatException("more than 6 fractional digits");
                }
                micros = micros * 10 + (b[i++] - '0');
            }
            for (; digits < 6; digits++) {
                micros *= 10;
            }
        }
        pos = i;
        if (h > 24 || m > 59 || s > 60 || h == 24 && (m | s | micros) != 0) {
            throw new NumberFormatException("time out of range");
        }
        return ((h * 60L + m) * 60L + s) * MICROS_PER_SECOND + micros;
    }

    private long offsetSeconds(byte[] b, int end) {
        int i = pos;
        if (i >= end || b[i] != '+' && b[i] != '-') {
            throw new NumberFormatException("missing zone offset");
        }
        int sign = b[i] == '-' ? -1 : 1;
        pos = i + 1;
        long seconds = twoDigits(b, end) * 3600L;
        if (pos < end && b[pos] == ':') {
            pos++;
            seconds += twoDigits(b, end) * 60L;
            if (pos < end && b[pos] == ':') {
                pos++;
                seconds += twoDigits(b, end);
            }
        }
        return sign * seconds;
    }

    private int twoDigits(byte[] b, int end) {
        int i = pos;
        if (i + 2 > end) {
            throw new NumberFormatException("truncated");
        }
        pos = i + 2;
        return digit(b[i]) * 10 + digit(b[i + 1]);
    }

    private void expect(byte[] b, int end, char c) {
        if (pos >= end || b[pos] != c) {
            throw new NumberFormatException("expected '" + c + "'");
        }
        pos++;
    }

    private static int digit(byte c) {
        int d = c - '0';
        if (d < 0 || d > 9) {
            throw new NumberFormatException("not a digit");
        }
        return d;
    }

    /** Writes the 16 bytes of a hyphenated (or plain 32-digit) UUID into {@code out}. */
    static void parseUuid(byte[] b, int off, int len, byte[] out) {
        int n = 0;
        int hi = -1;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '-') {
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || n >= 16) {
                throw new NumberFormatException("not a UUID");
            }
            if (hi < 0) {
                hi = d;
            } else {
                out[n++] = (byte) (hi << 4 | d);
                hi = -1;
            }
        }
        if (n != 16 || hi >= 0) {
            throw new NumberFormatException("not a UUID");
        }
    }

    /** Decodes bytea hex output ({@code \x0a1b...}) into a new array. */
    static byte[] parseByteaHex(byte[] b, int off, int len) {
        if (len < 2 || b[off] != '\\' || b[off + 1] != 'x' || (len & 1) != 0) {
            throw new NumberFormatException("not bytea hex output");
        }
        byte[] out = new byte[(len - 2) / 2];
        for (int i = 0, j = off + 2; i < out.length; i++, j += 2) {
            int hi = Character.digit(b[j], 16);
            int lo = Character.digit(b[j + 1], 16);
            if (hi < 0 || lo < 0) {
                throw new NumberFormatException("not bytea hex output");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
