package io.rivet.core.internal.format.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rivet.core.internal.util.UncheckedBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.junit.jupiter.api.Test;

class CsvTextTest {

    private static String date(long epochDay) {
        StringBuilder sb = new StringBuilder();
        CsvText.appendDate(sb, epochDay);
        return sb.toString();
    }

    @Test
    void appendDate_matchesLocalDateEverywhereInArrowsRange() {
        for (long day = -800_000; day <= 3_000_000; day++) {
            assertEquals(LocalDate.ofEpochDay(day).toString(), date(day), "epoch day " + day);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            int day = random.nextInt();
            assertEquals(LocalDate.ofEpochDay(day).toString(), date(day), "epoch day " + day);
        }
        assertEquals("-5877641-06-23", date(Integer.MIN_VALUE));
        assertEquals("+5881580-07-11", date(Integer.MAX_VALUE));
        assertEquals("0000-12-31", date(LocalDate.of(0, 12, 31).toEpochDay()));
    }

    @Test
    void appendTimestamp_matchesJavaTimeWithSixFractionDigits() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
        SplittableRandom random = new SplittableRandom(11);
        long min = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        long max = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        for (int i = 0; i < 200_000; i++) {
            long micros = i == 0 ? -1 : i == 1 ? min : i == 2 ? max + 999_999 : random.nextLong(min, max);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
            StringBuilder plain = new StringBuilder();
            CsvText.appendTimestamp(plain, micros, false);
            assertEquals(iso.format(t), plain.toString());
            StringBuilder utc = new StringBuilder();
            CsvText.appendTimestamp(utc, micros, true);
            assertEquals(iso.format(t) + "Z", utc.toString());
        }
    }

    @Test
    void appendTime_rendersDayTimesAndSignedDurations() {
        assertEquals("00:00:00.000000", time(0));
        assertEquals("23:59:59.999999", time(86_400_000_000L - 1));
        assertEquals("24:00:00.000000", time(86_400_000_000L));
        assertEquals("-838:59:59.000000", time(-(838L * 3600 + 59 * 60 + 59) * 1_000_000L));
        assertEquals("-00:00:00.000001", time(-1));
    }

    private static String time(long micros) {
        StringBuilder sb = new StringBuilder();
        CsvText.appendTime(sb, micros);
        return sb.toString();
    }

    @Test
    void appendDecimal_matchesToPlainStringForEveryWidth() {
        SplittableRandom random = new SplittableRandom(3);
        try (BufferAllocator allocator = new RootAllocator();
                DecimalVector v = new DecimalVector("d", allocator, 38, 0)) {
            v.allocateNew(1);
            for (int i = 0; i < 100_000; i++) {
                int bits = 1 + random.nextInt(126);
                BigInteger unscaled = new BigInteger(bits, new java.util.Random(random.nextLong()));
                if (random.nextBoolean()) {
                    unscaled = unscaled.negate();
                }
                if (i < 4) {
                    unscaled = BigInteger.valueOf(i < 2 ? Long.MIN_VALUE : Long.MAX_VALUE).add(BigInteger.valueOf(i % 2));
                }
                int scale = random.nextInt(39);
                v.setBigEndian(0, toBigEndian16(unscaled));
                StringBuilder sb = new StringBuilder();
                CsvText.appendDecimal(sb, new UncheckedBuffer().bind(v.getDataBuffer()), 0, scale);
                assertEquals(new BigDecimal(unscaled, scale).toPlainString(), sb.toString(),
                        unscaled + " scale " + scale);
            }
        }
    }

    private static byte[] toBigEndian16(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[16];
        byte fill = (byte) (value.signum() < 0 ? 0xff : 0);
        java.util.Arrays.fill(out, fill);
        System.arraycopy(raw, 0, out, 16 - raw.length, raw.length);
        return out;
    }
}
