package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PgTextTest {

    private final PgText text = new PgText();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private int day(String s) {
        byte[] x = b(s);
        return text.parseEpochDay(x, 0, x.length);
    }

    private long ts(String s) {
        byte[] x = b(s);
        return text.parseTimestampMicros(x, 0, x.length);
    }

    private long tstz(String s) {
        byte[] x = b(s);
        return text.parseTimestamptzMicros(x, 0, x.length);
    }

    private static long micros(LocalDateTime t) {
        return ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), t);
    }

    @Test
    void parseEpochDay_matchesJavaTime_includingBcAndFiveDigitYears() {
        assertEquals(0, day("1970-01-01"));
        assertEquals(-1, day("1969-12-31"));
        assertEquals(LocalDate.of(1, 1, 1).toEpochDay(), day("0001-01-01"));
        assertEquals(LocalDate.of(9999, 12, 31).toEpochDay(), day("9999-12-31"));
        assertEquals(LocalDate.of(0, 12, 31).toEpochDay(), day("0001-12-31 BC"));
        assertEquals(LocalDate.of(-43, 3, 15).toEpochDay(), day("0044-03-15 BC"));
        assertEquals(LocalDate.of(-4713, 11, 24).toEpochDay(), day("4714-11-24 BC"));
        assertEquals(LocalDate.of(12345, 6, 7).toEpochDay(), day("12345-06-07"));
        assertEquals(LocalDate.of(2000, 2, 29).toEpochDay(), day("2000-02-29"));
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            LocalDate d = LocalDate.ofEpochDay(r.nextInt(3_000_000) - 1_500_000);
            assertEquals(d.toEpochDay(), day(pgDate(d)), d::toString);
        }
    }

    private static String pgDate(LocalDate d) {
        int y = d.getYear();
        String body = String.format("%04d-%02d-%02d", y > 0 ? y : 1 - y, d.getMonthValue(), d.getDayOfMonth());
        return y > 0 ? body : body + " BC";
    }

    @Test
    void parseTimestamp_exactMicros_beforeAndAfterEpoch() {
        assertEquals(0, ts("1970-01-01 00:00:00"));
        assertEquals(-1, ts("1969-12-31 23:59:59.999999"));
        assertEquals(1, ts("1970-01-01 00:00:00.000001"));
        assertEquals(500_000, ts("1970-01-01 00:00:00.5"));
        assertEquals(micros(LocalDateTime.of(2024, 3, 10, 2, 30)), ts("2024-03-10 02:30:00"));
        assertEquals(micros(LocalDateTime.of(1, 1, 1, 0, 0)), ts("0001-01-01 00:00:00"));
        assertEquals(micros(LocalDateTime.of(-4712, 1, 1, 0, 0)), ts("4713-01-01 00:00:00 BC"));
        assertEquals(micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)),
                ts("9999-12-31 23:59:59.999999"));
        Random r = new Random(7);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
        for (int i = 0; i < 20_000; i++) {
            long m = (r.nextLong() % 200_000_000_000_000_000L);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(m, 1_000_000), 0, ZoneOffset.UTC)
                    .with(ChronoField.MICRO_OF_SECOND, Math.floorMod(m, 1_000_000));
            if (t.getYear() < 1) {
                continue;
            }
            assertEquals(m, ts(t.format(f)), t::toString);
        }
    }

    @Test
    void parseTimestamptz_appliesAnyOffset() {
        assertEquals(0, tstz("1970-01-01 00:00:00+00"));
        assertEquals(-1, tstz("1969-12-31 23:59:59.999999+00"));
        assertEquals(3_600_000_000L, tstz("1970-01-01 00:00:00-01"));
        assertEquals(-(5 * 3600 + 30 * 60) * 1_000_000L, tstz("1970-01-01 00:00:00+05:30"));
        assertEquals(-(53 * 60 + 28) * 1_000_000L, tstz("1970-01-01 00:00:00+00:53:28"));
        assertEquals(micros(LocalDateTime.of(-43, 3, 15, 12, 0)), tstz("0044-03-15 12:00:00+00 BC"));
    }

    @Test
    void parseTime_allowsMidnightAtEnd() {
        byte[] x = b("24:00:00");
        assertEquals(86_400_000_000L, text.parseTimeMicros(x, 0, x.length));
        x = b("12:34:56.000001");
        assertEquals(((12 * 60 + 34) * 60 + 56) * 1_000_000L + 1, text.parseTimeMicros(x, 0, x.length));
        byte[] bad = b("24:00:01");
        assertThrows(NumberFormatException.class, () -> text.parseTimeMicros(bad, 0, bad.length));
    }

    @Test
    void malformedText_isRejected() {
        for (String s : new String[] {"1970-1-01", "70-01-01", "1970-13-01", "1970-01-01x", ""}) {
            byte[] x = b(s);
            assertThrows(NumberFormatException.class, () -> text.parseEpochDay(x, 0, x.length), s);
        }
        byte[] frac = b("1970-01-01 00:00:00.1234567");
        assertThrows(NumberFormatException.class, () -> text.parseTimestampMicros(frac, 0, frac.length));
        byte[] noZone = b("1970-01-01 00:00:00");
        assertThrows(NumberFormatException.class, () -> text.parseTimestamptzMicros(noZone, 0, noZone.length));
    }

    @Test
    void timestampBeyondInt64Micros_overflowsLoudly() {
        byte[] x = b("294276-12-31 23:59:59.999999");
        assertThrows(ArithmeticException.class, () -> text.parseTimestampMicros(x, 0, x.length));
    }

    @Test
    void isInfinity_recognisesBothSigns() {
        assertTrue(PgText.isInfinity(b("infinity"), 0, 8));
        assertTrue(PgText.isInfinity(b("-infinity"), 0, 9));
        assertFalse(PgText.isInfinity(b("2024-01-01"), 0, 10));
    }

    @Test
    void parseLong_coversInt64Range() {
        assertEquals(Long.MIN_VALUE, PgText.parseLong(b("-9223372036854775808"), 0, 20));
        assertEquals(Long.MAX_VALUE, PgText.parseLong(b("9223372036854775807"), 0, 19));
        assertThrows(ArithmeticException.class, () -> PgText.parseLong(b("9223372036854775808"), 0, 19));
        assertThrows(NumberFormatException.class, () -> PgText.parseLong(b("12a"), 0, 3));
    }

    @Test
    void parseUuid_bigEndianBytes() {
        UUID u = UUID.fromString("0123e4567-e89b-12d3-a456-426614174000".substring(1));
        byte[] out = new byte[16];
        byte[] x = b(u.toString());
        PgText.parseUuid(x, 0, x.length, out);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(16);
        bb.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        assertArrayEquals(bb.array(), out);
    }

    @Test
    void parseByteaHex_decodes() {
        assertArrayEquals(new byte[] {0, (byte) 0xff, 1}, PgText.parseByteaHex(b("\\x00ff01"), 0, 8));
        assertArrayEquals(new byte[0], PgText.parseByteaHex(b("\\x"), 0, 2));
    }
}
