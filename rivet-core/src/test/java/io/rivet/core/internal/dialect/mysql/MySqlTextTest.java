package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MySqlTextTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01", "2024-02-29", "1000-01-01", "9999-12-31", "0001-01-01", "1969-12-31",
        "2000-03-01", "1900-02-28"})
    void dates_matchJavaTime(String text) {
        assertEquals(LocalDate.parse(text).toEpochDay(), MySqlText.parseEpochDay(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-00-00", "2024-00-15", "2024-05-00", "0000-01-00"})
    void zeroAndPartlyZeroDates_areReportedAsZero(String text) {
        assertEquals(MySqlText.ZERO, MySqlText.parseEpochDay(b(text), 0, text.length()));
        String dt = text + " 00:00:00";
        assertEquals(MySqlText.ZERO, MySqlText.parseDateTimeMicros(b(dt), 0, dt.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"})
    void impossibleCalendarDates_fail(String text) {
        assertThrows(ArithmeticException.class, () -> MySqlText.parseEpochDay(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-1-01", "2024/01/01", "20240101xx", "2024-01-0a"})
    void malformedDates_fail(String text) {
        assertThrows(NumberFormatException.class, () -> MySqlText.parseEpochDay(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @CsvSource({
        "'2024-01-02 03:04:05', 2024-01-02T03:04:05",
        "'2024-01-02 03:04:05.5', 2024-01-02T03:04:05.5",
        "'2024-01-02 03:04:05.123', 2024-01-02T03:04:05.123",
        "'1969-12-31 23:59:59.999999', 1969-12-31T23:59:59.999999",
        "'9999-12-31 23:59:59.999999', 9999-12-31T23:59:59.999999",
        "'1000-01-01 00:00:00.000001', 1000-01-01T00:00:00.000001",
    })
    void datetimes_matchJavaTime(String text, String iso) {
        long expected = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0).atOffset(ZoneOffset.UTC),
                LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC));
        assertEquals(expected, MySqlText.parseDateTimeMicros(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-02 24:00:00", "2024-01-02 10:60:00", "2024-01-02 10:00:00.1234567",
        "2024-01-02T10:00:00", "2024-01-02 10:00:00."})
    void malformedDatetimes_fail(String text) {
        assertThrows(NumberFormatException.class, () -> MySqlText.parseDateTimeMicros(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @CsvSource({
        "00:00:00, 0",
        "12:34:56, 45296000000",
        "-00:00:01, -1000000",
        "-00:00:00.5, -500000",
        "838:59:59, 3020399000000",
        "-838:59:59.000000, -3020399000000",
        "100:00:00.000001, 360000000001",
        "23:59:59.999999, 86399999999",
    })
    void times_areSignedMicroseconds(String text, long micros) {
        assertEquals(micros, MySqlText.parseTimeMicros(b(text), 0, text.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12:34", "12:60:00", "ab:00:00", ":00:00", "12:00:00.", "-"})
    void malformedTimes_fail(String text) {
        assertThrows(NumberFormatException.class, () -> MySqlText.parseTimeMicros(b(text), 0, text.length()));
    }

    @Test
    void longs_parseSignsZeroFillAndLimits() {
        assertEquals(42, MySqlText.parseLong(b("00042"), 0, 5));
        assertEquals(Long.MIN_VALUE, MySqlText.parseLong(b("-9223372036854775808"), 0, 20));
        assertEquals(Long.MAX_VALUE, MySqlText.parseLong(b("9223372036854775807"), 0, 19));
        assertThrows(ArithmeticException.class, () -> MySqlText.parseLong(b("9223372036854775808"), 0, 19));
        assertThrows(NumberFormatException.class, () -> MySqlText.parseLong(b("1.5"), 0, 3));
        assertThrows(NumberFormatException.class, () -> MySqlText.parseLong(b("-"), 0, 1));
    }

    @Test
    void daysFromCivil_agreesWithJavaTimeAcrossCenturies() {
        for (long day = LocalDate.of(-400, 1, 1).toEpochDay(); day < LocalDate.of(3000, 1, 1).toEpochDay(); day += 17) {
            LocalDate d = LocalDate.ofEpochDay(day);
            assertEquals(day, MySqlText.daysFromCivil(d.getYear(), d.getMonthValue(), d.getDayOfMonth()), d::toString);
        }
    }
}
