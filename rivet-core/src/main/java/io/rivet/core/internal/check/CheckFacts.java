package io.rivet.core.internal.check;

import io.rivet.Export;
import io.rivet.check.Finding;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.SourceInspector;
import io.rivet.state.CursorState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a preflight observed about one export, gathered by {@link Preflight} and judged by {@link CheckRules}. A field
 * left {@code null} was not observed (the probe was not possible or not allowed; {@link #notChecked} says why).
 * Mutable, confined to one check.
 */
final class CheckFacts {
    /** Which statement a plan belongs to. */
    enum PlanKind {
        /** The rows one run reads (for chunked: the whole table). */
        READ("the export's read"),
        /** Incremental: the newest cursor value, read by every run. */
        UPPER_BOUND("the cursor upper bound read by every run"),
        /** Chunked: MIN and MAX of the chunk key, read by every run. */
        BOUNDS("the chunk key bounds read by every run"),
        /** Chunked: the first chunk's read. */
        CHUNK("each chunk's read");

        final String purpose;

        PlanKind(String purpose) {
            this.purpose = purpose;
        }
    }

    final Export export;
    /** {@code schema.table} as configured, or {@code the query}. */
    final String target;
    /** The dialect's name. */
    String dialect;
    /** The dialect's probes, or null when it has none. */
    SourceInspector inspector;

    SourceInspector.Server server;
    SourceInspector.Connections connections;
    SourceInspector.Transactions transactions;
    SourceInspector.Privileges privileges;
    /** The exported table's catalog entry (table exports only). */
    SourceInspector.Table table;
    /** Whether the inspector looked the table up and did not find it. */
    boolean tableMissing;
    List<SourceInspector.Index> indexes;
    /** The single-column primary key (list of one), empty for none, null when unknown. */
    List<String> primaryKey;
    /** The described columns, or null when describing failed. */
    List<Column> columns;
    /** FAIL findings about the table, query or its types (from describing, or the format's check). */
    final List<Finding> structure = new ArrayList<>();
    final Map<PlanKind, SourceInspector.Plan> plans = new LinkedHashMap<>();
    /** Chunked: MIN and MAX of the key when they could be read cheaply, else null. */
    Long keyMin;
    Long keyMax;
    /** Incremental: the stored cursor, or null before the first run. */
    CursorState storedCursor;
    /** The relations the export reads (the table, or those in the query's plan). */
    final List<String> readTables = new ArrayList<>();
    /** What could not be checked: {what, why}. */
    final List<String[]> notChecked = new ArrayList<>();

    CheckFacts(Export export, String target) {
        this.export = export;
        this.target = target;
    }

    void notChecked(String what, String why) {
        notChecked.add(new String[] {what, why});
    }
}
