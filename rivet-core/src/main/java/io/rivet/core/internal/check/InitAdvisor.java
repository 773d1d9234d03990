package io.rivet.core.internal.check;

import io.rivet.Mode;
import io.rivet.check.TableDiscovery;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.SourceInspector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Suggests how to export a table, from its facts alone (what {@code rivet init} writes). Pure and database-neutral;
 * the rules are those of docs/design/009-check-and-init.md:
 * <ol>
 *   <li>at most {@link CheckRules#SMALL_TABLE_ROWS} estimated rows (or no estimate): {@code full};</li>
 *   <li>more, with a single-column integer primary key: {@code chunked} by it, parallelism 1 up to
 *       {@link CheckRules#BIG_TABLE_ROWS} rows, 2 up to ten times that, 4 beyond; chunks of 100,000 key values,
 *       widened so that the key range makes at most 10,000 chunks;</li>
 *   <li>more, with a timestamp column named like {@code updated_at} / {@code modified_at} that leads a usable index:
 *       {@code incremental} on it (tie-broken by a single-column primary key); a {@code created_at}-like column is the
 *       fallback, with a note that it misses updates;</li>
 *   <li>otherwise {@code full}, with a note on the index that would allow better.</li>
 * </ol>
 * Stateless.
 */
final class InitAdvisor {
    /** Key values per chunk when the key's range allows. */
    static final long CHUNK_SIZE = 100_000;
    /** Chunks are widened so that a key range makes at most this many. */
    static final long MAX_SUGGESTED_CHUNKS = 10_000;

    private static final Set<ColumnType.Kind> TIMESTAMPS =
            EnumSet.of(ColumnType.Kind.TIMESTAMP_MICROS, ColumnType.Kind.TIMESTAMP_MICROS_UTC);
    private static final String SUFFIX = "(_at|_on|_time|_ts|_date|_datetime|_timestamp)?";
    static final Pattern UPDATED = Pattern.compile("(?i)((last_)?(updated|modified|changed)|last_update|last_modified)"
            + SUFFIX + "|(update|modify|modification|change)_(time|ts|date|datetime|timestamp)|mtime");
    static final Pattern CREATED = Pattern.compile("(?i)(created|inserted|added)" + SUFFIX
            + "|(create|creation|insert)_(time|ts|date|datetime|timestamp)");
    /** Names {@code Export.table(...)} accepts; others are read through a query. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private InitAdvisor() {
    }

    /**
     * Suggests an export of {@code table}.
     *
     * @param columns the described columns that map, in table order
     * @param unmapped the names of columns whose type has no mapping
     * @param keyMin MIN of the primary key when it is a single integer column and the table is not small, else null
     * @param keyMax MAX likewise
     * @param replica whether the source is a replica, or {@code null} when unknown
     */
    static TableDiscovery suggest(SourceInspector.Table table, List<SourceInspector.Index> indexes,
            List<Column> columns, List<String> unmapped, Long keyMin, Long keyMax, Boolean replica, Dialect dialect,
            SourceInspector inspector) {
        TableDiscovery.Builder b = TableDiscovery.builder(table.name()).kind(table.kind())
                .rowEstimate(table.rowEstimate()).totalBytes(table.totalBytes()).primaryKey(table.primaryKey());
        for (SourceInspector.TableColumn c : table.columns()) {
            b.addColumn(new TableDiscovery.Column(c.name(), c.type(), c.nullable(), !unmapped.contains(c.name())));
        }
        for (SourceInspector.Index i : indexes) {
            if (i.valid() && !i.partial() && !i.columns().contains(null)) {
                b.addIndex(new TableDiscovery.Index(i.name(), i.columns(), i.unique(), i.primary()));
            }
        }
        long rows = table.rowEstimate();
        String size = rows < 0 ? "no row estimate (never analyzed)" : "~" + Text.count(rows) + " rows";
        Column key = integerKey(table, columns);
        Column updated = cursor(columns, indexes, UPDATED);
        Column created = updated == null ? cursor(columns, indexes, CREATED) : null;

        if (rows < 0) {
            b.suggestedMode(Mode.full());
            b.reason("mode full: " + table.name() + " has " + size + "; run " + inspector.analyzeSql(table.name())
                    + " and init again for a sized suggestion");
        } else if (rows <= CheckRules.SMALL_TABLE_ROWS) {
            b.suggestedMode(Mode.full());
            b.reason("mode full: " + size + " (at most " + Text.count(CheckRules.SMALL_TABLE_ROWS)
                    + "), read in one short snapshot");
        } else if (key != null) {
            int parallel = rows <= CheckRules.BIG_TABLE_ROWS ? 1 : rows <= 10 * CheckRules.BIG_TABLE_ROWS ? 2 : 4;
            long chunkSize = chunkSize(keyMin, keyMax);
            b.suggestedMode(Mode.chunked(key.name()).chunkSize(chunkSize).parallelism(parallel));
            b.reason("mode chunked: " + size + " and a single-column integer primary key (" + key.name()
                    + "), so each chunk is a short transaction and a failed run resumes");
            b.reason("chunk_size " + chunkSize + (keyMin == null ? "" : ": the key spans " + keyMin + ".." + keyMax
                    + ", about " + Text.count(chunks(keyMin, keyMax, chunkSize)) + " chunks"));
            b.reason("parallel " + parallel + ": " + (parallel == 1 ? "up to " + Text.count(CheckRules.BIG_TABLE_ROWS)
                    + " rows" : parallel == 2 ? "up to " + Text.count(10 * CheckRules.BIG_TABLE_ROWS) + " rows"
                    : "more than " + Text.count(10 * CheckRules.BIG_TABLE_ROWS) + " rows") + "; uses " + (parallel + 1)
                    + " connections");
            if (updated != null) {
                b.note("for recurring exports after the first load, mode incremental with cursor_column "
                        + updated.name() + " (indexed) reads only changed rows");
            }
        } else if (updated != null || created != null) {
            Column cursor = updated != null ? updated : created;
            var mode = Mode.incremental(cursor.name());
            List<String> pk = table.primaryKey();
            if (pk.size() == 1) {
                mode = mode.tieBreaker(pk.get(0));
            }
            b.suggestedMode(mode);
            b.reason("mode incremental: " + size + ", no single-column integer key to chunk by, and "
                    + cursor.name() + " is a timestamp that leads an index, so each run reads only new rows"
                    + (pk.size() == 1 ? "; tie_breaker_column " + pk.get(0) + " (the primary key) splits rows"
                            + " sharing a timestamp exactly" : ""));
            if (updated == null) {
                b.note(cursor.name() + " looks like a creation time: rows updated later are not exported again");
            }
            if (table.column(cursor.name()).map(SourceInspector.TableColumn::nullable).orElse(false)) {
                b.note(cursor.name() + " may hold NULL; rows whose cursor is NULL are never exported");
            }
        } else {
            b.suggestedMode(Mode.full());
            b.reason("mode full: " + size + " but no single-column integer primary key and no indexed"
                    + " updated_at-like timestamp, so the table is read in one snapshot");
            Column unindexed = firstMatching(columns, UPDATED);
            if (unindexed != null) {
                b.note("to read only changed rows, index " + unindexed.name() + " ("
                        + inspector.createIndexSql(table.name(), unindexed.name()) + ") and use mode incremental");
            }
        }

        long sizeRows = Math.max(rows, -1);
        ProfileAdvice advice = ProfileAdvice.of(replica, sizeRows, table.totalBytes());
        b.suggestedProfile(advice.profile());
        b.reason("profile " + advice.profile().name() + ": " + advice.reason());

        String query = query(table, columns, unmapped, dialect, inspector);
        if (query != null) {
            b.suggestedQuery(query);
            for (String u : unmapped) {
                String type = table.column(u).map(SourceInspector.TableColumn::type).orElse("?");
                b.note("column " + u + " (" + type + ") has no faithful mapping; the query exports it as text");
            }
        }
        return b.build();
    }

    /** The single-column integer primary key, or null. */
    private static Column integerKey(SourceInspector.Table table, List<Column> columns) {
        if (table.primaryKey().size() != 1) {
            return null;
        }
        for (Column c : columns) {
            if (c.name().equals(table.primaryKey().get(0)) && ModeColumns.INTEGER_KEYS.contains(c.type().kind())) {
                return c;
            }
        }
        return null;
    }

    /** The first timestamp column named like {@code pattern} that leads a usable btree index, or null. */
    private static Column cursor(List<Column> columns, List<SourceInspector.Index> indexes, Pattern pattern) {
        for (Column c : columns) {
            if (TIMESTAMPS.contains(c.type().kind()) && pattern.matcher(c.name()).matches()) {
                for (SourceInspector.Index i : indexes) {
                    if (i.valid() && !i.partial() && i.method().equals("btree") && c.name().equals(i.leadingColumn())) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private static Column firstMatching(List<Column> columns, Pattern pattern) {
        for (Column c : columns) {
            if (TIMESTAMPS.contains(c.type().kind()) && pattern.matcher(c.name()).matches()) {
                return c;
            }
        }
        return null;
    }

    /** 100,000 key values, widened to a round size when the range would make more than 10,000 chunks. */
    static long chunkSize(Long min, Long max) {
        if (min == null || max == null) {
            return CHUNK_SIZE;
        }
        BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
        BigInteger needed = span.add(BigInteger.valueOf(MAX_SUGGESTED_CHUNKS - 1))
                .divide(BigInteger.valueOf(MAX_SUGGESTED_CHUNKS));
        if (needed.compareTo(BigInteger.valueOf(CHUNK_SIZE)) <= 0) {
            return CHUNK_SIZE;
        }
        // Round up to 1, 2 or 5 times a power of ten, so the YAML shows a readable number.
        long n = needed.min(BigInteger.valueOf(Long.MAX_VALUE / 10)).longValue();
        long p = 1;
        while (p <= n / 10) {
            p *= 10;
        }
        for (long m : new long[] {1, 2, 5, 10}) {
            if (m * p >= n) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static long chunks(long min, long max, long size) {
        return BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).divide(BigInteger.valueOf(size))
                .add(BigInteger.ONE).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    /**
     * A query reading the table with every unmapped column cast to text, or reading a table whose name
     * {@code Export.table(...)} does not accept; null when the table can be exported by name.
     */
    private static String query(SourceInspector.Table table, List<Column> columns, List<String> unmapped,
            Dialect dialect, SourceInspector inspector) {
        String[] parts = table.name().split("\\.", 2);
        boolean plain = parts.length == 2 && PLAIN.matcher(parts[0]).matches() && PLAIN.matcher(parts[1]).matches();
        if (plain && unmapped.isEmpty()) {
            return null;
        }
        String from = parts.length == 2 ? dialect.quoteIdentifier(parts[0]) + "." + dialect.quoteIdentifier(parts[1])
                : dialect.quoteIdentifier(table.name());
        if (unmapped.isEmpty()) {
            return "SELECT * FROM " + from;
        }
        List<String> select = new ArrayList<>();
        for (SourceInspector.TableColumn c : table.columns()) {
            String q = dialect.quoteIdentifier(c.name());
            select.add(unmapped.contains(c.name()) ? inspector.castToText(q, c.type()) + " AS " + q : q);
        }
        return "SELECT " + String.join(", ", select) + " FROM " + from;
    }
}
