package io.rivet.bench;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Synthetic batches shaped like the standard fixtures (../shared/fixtures): {@code content_items} (20 mixed columns,
 * text of 10-400 characters from a Zipf-distributed vocabulary, 10-30 % NULLs) and {@code events} (5 narrow
 * columns). Values come from a fixed seed with skewed distributions, like the SQL fixtures, so results are
 * reproducible. Built once per trial; the caller closes the roots.
 */
public final class BenchData {

    /** The columns of the {@code content_items} fixture, as the PostgreSQL dialect maps them. */
    public static final List<Column> CONTENT_ITEMS = List.of(
            new Column("id", ColumnType.INT64, "int8"),
            new Column("tenant_id", ColumnType.INT32, "int4"),
            new Column("author_id", ColumnType.INT64, "int8"),
            new Column("slug", ColumnType.STRING, "varchar"),
            new Column("title", ColumnType.STRING, "varchar"),
            new Column("status", ColumnType.STRING, "varchar"),
            new Column("body", ColumnType.STRING, "text"),
            new Column("summary", ColumnType.STRING, "text"),
            new Column("price", ColumnType.decimal(12, 2), "numeric"),
            new Column("score", ColumnType.FLOAT64, "float8"),
            new Column("view_count", ColumnType.INT64, "int8"),
            new Column("like_count", ColumnType.INT32, "int4"),
            new Column("is_published", ColumnType.BOOLEAN, "bool"),
            new Column("is_featured", ColumnType.BOOLEAN, "bool"),
            new Column("external_id", ColumnType.UUID, "uuid"),
            new Column("attributes", ColumnType.JSON, "jsonb"),
            new Column("published_on", ColumnType.DATE, "date"),
            new Column("scheduled_at", ColumnType.TIMESTAMP_MICROS, "timestamp"),
            new Column("created_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"),
            new Column("updated_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"));

    /** The columns of the {@code events} fixture. */
    public static final List<Column> EVENTS = List.of(
            new Column("id", ColumnType.INT64, "int8"),
            new Column("user_id", ColumnType.INT32, "int4"),
            new Column("kind", ColumnType.INT16, "int2"),
            new Column("amount", ColumnType.decimal(10, 2), "numeric"),
            new Column("created_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"));

    private static final String[] STATUS = {"published", "draft", "archived", "review", "scheduled"};
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or"
            + " his from at which but have an had they you were their one all we can her has there been if more when"
            + " will would who so no data table export parquet row column query stream batch chunk cursor index"
            + " snapshot transaction memory disk network storage bucket object file format schema type value null"
            + " number string date time zone offset limit order primary key foreign unique constraint partition shard"
            + " replica server client driver protocol message buffer page block group compression dictionary encoding"
            + " statistics filter predicate pushdown vector arrow record reader writer pipeline worker thread pool"
            + " connection timeout retry backoff checkpoint resume manifest summary report metric latency throughput"
            + " budget peak median average benchmark fixture customer account invoice payment product catalog price"
            + " discount shipping address country city street company employee manager project task ticket comment"
            + " article author editor review draft published archived category tag label image video audio link")
            .split(" ");
    /** 2000-01-01 .. 2025-06-30 in microseconds since 1970. */
    private static final long T0 = 946_684_800_000_000L;
    private static final long SPAN = 804_000_000_000_000L;

    private BenchData() {
    }

    /** One {@code content_items}-shaped batch of {@code rows} rows starting at id {@code firstId}. */
    public static Batch contentItems(BufferAllocator allocator, int rows, long firstId, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ firstId);
        Batch root = Batch.create(CONTENT_ITEMS, allocator);
        root.allocateNew();
        List<FieldVector> v = root.getFieldVectors();
        StringBuilder sb = new StringBuilder(512);
        byte[] uuid = new byte[16];
        for (int i = 0; i < rows; i++) {
            long id = firstId + i;
            double u = r.nextDouble();
            ((BigIntVector) v.get(0)).setSafe(i, id);
            ((IntVector) v.get(1)).setSafe(i, 1 + (int) (u * u * 500));
            ((BigIntVector) v.get(2)).setSafe(i, 1 + r.nextInt(100_000));
            ((VarCharVector) v.get(3)).setSafe(i, utf8(words(r, sb, 3, 8, '-').append('-').append(id)));
            ((VarCharVector) v.get(4)).setSafe(i, utf8(words(r, sb, 3, 18, ' ')));
            ((VarCharVector) v.get(5)).setSafe(i, utf8(sb.replace(0, sb.length(), STATUS[zipf(r, STATUS.length)])));
            ((VarCharVector) v.get(6)).setSafe(i, utf8(text(r, sb, 10 + r.nextInt(391))));
            if (r.nextDouble() < 0.3) {
                v.get(7).setNull(i);
            } else {
                ((VarCharVector) v.get(7)).setSafe(i, utf8(text(r, sb, 10 + r.nextInt(191))));
            }
            if (r.nextDouble() < 0.2) {
                v.get(8).setNull(i);
            } else {
                double p = r.nextDouble();
                ((DecimalVector) v.get(8)).setSafe(i, BigDecimal.valueOf((long) (p * p * p * 9_999_999), 2));
            }
            ((Float8Vector) v.get(9)).setSafe(i, r.nextDouble() * 100.0);
            ((BigIntVector) v.get(10)).setSafe(i, (long) Math.floor(Math.exp(r.nextDouble() * 14)) - 1);
            if (r.nextDouble() < 0.1) {
                v.get(11).setNull(i);
            } else {
                ((IntVector) v.get(11)).setSafe(i, (int) Math.floor(Math.exp(r.nextDouble() * 9)) - 1);
            }
            boolean published = r.nextDouble() < 0.6;
            ((BitVector) v.get(12)).setSafe(i, published ? 1 : 0);
            if (r.nextDouble() < 0.2) {
                v.get(13).setNull(i);
            } else {
                ((BitVector) v.get(13)).setSafe(i, r.nextDouble() < 0.05 ? 1 : 0);
            }
            if (r.nextDouble() < 0.15) {
                v.get(14).setNull(i);
            } else {
                ByteBuffer.wrap(uuid).putLong(r.nextLong()).putLong(r.nextLong());
                ((FixedSizeBinaryVector) v.get(14)).setSafe(i, uuid);
            }
            if (r.nextDouble() < 0.1) {
                v.get(15).setNull(i);
            } else {
                sb.setLength(0);
                sb.append("{\"lang\": \"").append(WORDS[zipf(r, 10)]).append("\", \"source\": \"")
                        .append(WORDS[r.nextInt(4)]).append("\", \"rev\": ").append(1 + zipf(r, 40))
                        .append(", \"tags\": [\"tag").append(1 + zipf(r, 300)).append("\", \"tag")
                        .append(1 + zipf(r, 300)).append("\"], \"flags\": {\"nsfw\": false, \"pinned\": ")
                        .append(r.nextDouble() < 0.02).append("}}");
                ((VarCharVector) v.get(15)).setSafe(i, utf8(sb));
            }
            long created = T0 + (long) (r.nextDouble() * SPAN);
            if (published) {
                ((DateDayVector) v.get(16)).setSafe(i, (int) (created / 86_400_000_000L) + r.nextInt(20));
            } else {
                v.get(16).setNull(i);
            }
            if (r.nextDouble() < 0.3) {
                v.get(17).setNull(i);
            } else {
                ((TimeStampVector) v.get(17)).setSafe(i, created + r.nextLong(2_592_000_000_000L));
            }
            ((TimeStampVector) v.get(18)).setSafe(i, created);
            ((TimeStampVector) v.get(19)).setSafe(i, created + r.nextLong(172_800_000_000L));
        }
        root.setRowCount(rows);
        return root;
    }

    /** One {@code events}-shaped batch of {@code rows} rows starting at id {@code firstId}. */
    public static Batch events(BufferAllocator allocator, int rows, long firstId, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ firstId);
        Batch root = Batch.create(EVENTS, allocator);
        root.allocateNew();
        List<FieldVector> v = root.getFieldVectors();
        for (int i = 0; i < rows; i++) {
            long id = firstId + i;
            double u = r.nextDouble();
            ((BigIntVector) v.get(0)).setSafe(i, id);
            ((IntVector) v.get(1)).setSafe(i, 1 + (int) (u * u * 1_000_000));
            ((SmallIntVector) v.get(2)).setSafe(i, (short) (1 + (int) (Math.pow(r.nextDouble(), 1.5) * 12)));
            if (r.nextDouble() < 0.15) {
                v.get(3).setNull(i);
            } else {
                double a = r.nextDouble();
                ((DecimalVector) v.get(3)).setSafe(i, BigDecimal.valueOf((long) (a * a * a * a * 999_999), 2));
            }
            ((TimeStampVector) v.get(4)).setSafe(i, 1_704_067_200_000_000L + (id - 1) * 3_000_000L
                    + r.nextLong(10_000_000L));
        }
        root.setRowCount(rows);
        return root;
    }

    private static int zipf(SplittableRandom r, int n) {
        // A cheap Zipf-like skew: the square of a uniform number favours low ranks.
        double u = r.nextDouble();
        return Math.min(n - 1, (int) (u * u * n));
    }

    private static StringBuilder words(SplittableRandom r, StringBuilder sb, int min, int max, char sep) {
        sb.setLength(0);
        int n = min + r.nextInt(max - min + 1);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(sep);
            }
            sb.append(WORDS[zipf(r, WORDS.length)]);
        }
        return sb;
    }

    private static StringBuilder text(SplittableRandom r, StringBuilder sb, int length) {
        sb.setLength(0);
        while (sb.length() < length) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[zipf(r, WORDS.length)]);
        }
        sb.setLength(length);
        return sb;
    }

    private static byte[] utf8(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
