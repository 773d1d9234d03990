package io.rivet.core.internal.check;

import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.IncrementalMode;
import io.rivet.TimeWindowMode;
import io.rivet.check.Finding;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The columns an export's mode names, resolved against the described columns the way the planner resolves them
 * (exact name first, then ignoring case), with a FAIL finding for every one that is missing or has a type the mode
 * cannot use. The type rules mirror {@link io.rivet.core.internal.plan.Planner}'s: integer chunk keys; date or
 * timestamp time columns.
 *
 * @param chunk the chunk key (chunked), or null
 * @param cursor the cursor (incremental), or null
 * @param tieBreaker the tie-breaker (incremental), or null
 * @param time the time column (time window), or null
 * @param problems FAIL findings for columns that do not resolve
 */
record ModeColumns(Column chunk, Column cursor, Column tieBreaker, Column time, List<Finding> problems) {
    static final Set<ColumnType.Kind> INTEGER_KEYS =
            EnumSet.of(ColumnType.Kind.INT16, ColumnType.Kind.INT32, ColumnType.Kind.INT64);
    static final Set<ColumnType.Kind> TIME_KINDS = EnumSet.of(ColumnType.Kind.DATE,
            ColumnType.Kind.TIMESTAMP_MICROS, ColumnType.Kind.TIMESTAMP_MICROS_UTC);

    /**
     * Resolves the mode's columns.
     *
     * @param primaryKey the table's single-column primary key (a list of one), an empty list when it has none, or
     *     {@code null} when unknown
     */
    static ModeColumns resolve(Export export, String target, List<Column> columns, List<String> primaryKey) {
        List<Finding> problems = new ArrayList<>();
        String name = export.name();
        Column chunk = null;
        Column cursor = null;
        Column tie = null;
        Column time = null;
        if (export.mode() instanceof ChunkedMode m) {
            String key = m.column();
            if (key == null && primaryKey != null && primaryKey.size() != 1) {
                problems.add(Finding.fail("no_primary_key", "Export \"" + name + "\": " + target
                        + " has no single-column primary key to chunk by.",
                        "Set chunk_column (Mode.chunked(\"column\")) to an integer column without NULLs."));
            } else if (key == null && primaryKey != null) {
                key = primaryKey.get(0);
            }
            if (key != null) {
                chunk = find(columns, key, "chunk_column", export, target, problems);
                if (chunk != null && !INTEGER_KEYS.contains(chunk.type().kind())) {
                    problems.add(Finding.fail("column_type", "Export \"" + name + "\": chunk_column \"" + chunk.name()
                            + "\" has type " + chunk.sourceTypeName() + "; chunked mode needs an integer column.",
                            "Choose an integer key as chunk_column, or use mode incremental."));
                    chunk = null;
                }
            }
        } else if (export.mode() instanceof IncrementalMode m) {
            cursor = find(columns, m.cursorColumn(), "cursor_column", export, target, problems);
            if (m.tieBreaker() != null) {
                tie = find(columns, m.tieBreaker(), "tie_breaker_column", export, target, problems);
            }
        } else if (export.mode() instanceof TimeWindowMode m) {
            time = find(columns, m.column(), "time_column", export, target, problems);
            if (time != null && !TIME_KINDS.contains(time.type().kind())) {
                problems.add(Finding.fail("column_type", "Export \"" + name + "\": time_column \"" + time.name()
                        + "\" has type " + time.sourceTypeName() + "; time_window needs a date, timestamp or"
                        + " timestamptz column.", "Choose a date or timestamp column as time_column."));
                time = null;
            }
        }
        return new ModeColumns(chunk, cursor, tie, time, List.copyOf(problems));
    }

    private static Column find(List<Column> columns, String wanted, String key, Export export, String target,
            List<Finding> problems) {
        for (Column c : columns) {
            if (c.name().equals(wanted)) {
                return c;
            }
        }
        for (Column c : columns) {
            if (c.name().equalsIgnoreCase(wanted)) {
                return c;
            }
        }
        List<String> names = columns.stream().map(Column::name).toList();
        problems.add(Finding.fail("column_missing", "Export \"" + export.name() + "\": " + key + " \"" + wanted
                + "\" is not a column of " + target + ".", "Use one of its columns: " + String.join(", ", names)
                + "."));
        return null;
    }
}
