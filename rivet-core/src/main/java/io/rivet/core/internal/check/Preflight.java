package io.rivet.core.internal.check;

import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.IncrementalMode;
import io.rivet.Profile;
import io.rivet.TimeWindowMode;
import io.rivet.check.CheckReport;
import io.rivet.check.Finding;
import io.rivet.core.internal.check.CheckFacts.PlanKind;
import io.rivet.core.internal.engine.ProviderRegistry;
import io.rivet.core.internal.plan.Planner;
import io.rivet.core.internal.source.SourceConnections;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.StateStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Gathers the facts of {@code rivet check} for one export: one connection, one read-only snapshot of the kind an
 * export uses (with the statement timeout capped at 60 s and the lock timeout at 10 s, so a check never hangs), and a
 * savepoint around every probe. Never reads the export's rows: it describes with {@code LIMIT 0}, asks for plans, and
 * reads the chunk key's MIN and MAX only when the plan shows that is cheap. The facts are then judged by
 * {@link CheckRules}. Confined to one call.
 */
public final class Preflight {
    private static final Duration MAX_STATEMENT = Duration.ofSeconds(60);
    private static final Duration MAX_LOCK_WAIT = Duration.ofSeconds(10);

    private final ProviderRegistry providers;
    private final StateStore store;

    /** A preflight resolving providers from {@code providers} and reading stored cursors from {@code store}. */
    public Preflight(ProviderRegistry providers, StateStore store) {
        this.providers = providers;
        this.store = store;
    }

    /**
     * Checks {@code export}.
     *
     * @throws RivetException when the source cannot be reached at all (connection or authentication failure), or the
     *     export's format has no provider
     */
    public CheckReport check(Export export) {
        FormatProvider formats = providers.format(export.format().name());
        String target = export.table() != null ? export.table() : "the query";
        CheckFacts f = new CheckFacts(export, target);
        if (export.mode() instanceof IncrementalMode) {
            f.storedCursor = store.cursor(export.name()).orElse(null);
        }
        try (SourceConnections source = SourceConnections.open(export.source(), providers, 1, export.name())) {
            Dialect dialect = source.dialect();
            f.dialect = dialect.name();
            f.inspector = dialect.inspector().orElse(null);
            Planner planner;
            try {
                planner = new Planner(export, dialect);
            } catch (RivetConfigException e) {
                f.structure.add(Finding.fail("query_invalid", e.getMessage(), null));
                return CheckRules.evaluate(f);
            }
            try (Connection c = source.open()) {
                dialect.beginSnapshot(c, settings(export.effectiveProfile()));
                try {
                    gather(c, dialect, planner, formats, f);
                } finally {
                    dialect.endSnapshot(c);
                }
            } catch (SQLException e) {
                throw SourceErrors.translate(export.name(), "checking", target, e, dialect);
            }
        }
        return CheckRules.evaluate(f);
    }

    private static SessionSettings settings(Profile p) {
        return new SessionSettings(cap(p.statementTimeout(), MAX_STATEMENT), cap(p.lockTimeout(), MAX_LOCK_WAIT));
    }

    private static Duration cap(Duration d, Duration max) {
        return d.isZero() || d.compareTo(max) > 0 ? max : d;
    }

    private void gather(Connection c, Dialect dialect, Planner planner, FormatProvider formats, CheckFacts f)
            throws SQLException {
        Export export = f.export;
        Probes probes = new Probes(c, f::notChecked);
        SourceInspector inspector = f.inspector;
        if (inspector != null) {
            f.server = probes.run("the server's role and settings", () -> inspector.server(c));
            if (f.server != null) {
                f.server.notChecked().forEach(f::notChecked);
            }
            if (export.table() != null) {
                var table = probes.run("the table's catalog entry", () -> inspector.table(c, export.table()));
                if (table != null) {
                    f.table = table.orElse(null);
                    f.tableMissing = table.isEmpty();
                }
            }
        }
        if (!f.tableMissing) {
            describe(c, dialect, planner, formats, probes, f);
        }
        if (export.table() != null && !f.tableMissing && export.mode() instanceof ChunkedMode m
                && m.column() == null) {
            f.primaryKey = probes.run("the primary key", () -> dialect.primaryKey(c, export.table()));
        }
        if (inspector != null && f.table != null) {
            f.indexes = probes.run("the table's indexes", () -> inspector.indexes(c, export.table()));
        }
        if (f.table != null) {
            f.readTables.add(f.table.name());
        }
        if (inspector != null && f.columns != null) {
            plans(c, dialect, planner, probes, f);
        }
        if (inspector != null) {
            if (export.table() == null) {
                SourceInspector.Plan read = f.plans.get(PlanKind.READ);
                if (read != null) {
                    f.readTables.addAll(read.relations());
                }
            }
            if (!f.tableMissing) {
                f.privileges = probes.run("the user's privileges", () -> inspector.privileges(c, f.readTables));
            }
            f.connections = probes.run("the connection limits and sessions", () -> inspector.connections(c));
            f.transactions = probes.run("long-running transactions",
                    () -> inspector.transactions(c, CheckRules.LONG_TRANSACTION));
        }
    }

    private void describe(Connection c, Dialect dialect, Planner planner, FormatProvider formats, Probes probes,
            CheckFacts f) throws SQLException {
        Export export = f.export;
        try {
            f.columns = probes.runOrThrow(() -> dialect.describe(c, planner.baseSql(), export.name()));
        } catch (SQLException e) {
            RivetException r = SourceErrors.translate(export.name(), "describing", planner.target(), e, dialect);
            f.structure.add(Finding.fail(describeCode(e, r), r.getMessage(), null));
            return;
        } catch (RivetException e) {
            // An unmappable column type: the message names every such column and the cast to use.
            f.structure.add(Finding.fail("unsupported_type", e.getMessage(), null));
            return;
        }
        try {
            formats.check(f.columns, export.name());
        } catch (RivetException e) {
            f.structure.add(Finding.fail("unsupported_type", e.getMessage(), null));
        }
    }

    private static String describeCode(SQLException e, RivetException translated) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (state.equals("42P01") || code == 1146) {
            return "table_missing";
        }
        if (state.equals("42501") || code == 1142 || code == 1143) {
            return "permission_denied";
        }
        if (state.equals("42703") || code == 1054) {
            return "column_missing";
        }
        return translated instanceof RivetConfigException ? "query_invalid" : "source_error";
    }

    /** Asks for the plans of the statements a run executes; reads the chunk bounds only when that is cheap. */
    private void plans(Connection c, Dialect dialect, Planner planner, Probes probes, CheckFacts f)
            throws SQLException {
        Export export = f.export;
        SourceInspector inspector = f.inspector;
        ModeColumns mode = ModeColumns.resolve(export, f.target, f.columns, f.primaryKey);
        String base = planner.baseSql();
        // The probes read through the same FROM as the run; a query is wrapped, which the database flattens.
        String from = export.table() != null ? dialect.quoteTable(export.table()) : "(" + base + ") AS _rivet_c";
        String readSql = base;
        if (export.mode() instanceof IncrementalMode && mode.cursor() != null) {
            String qc = dialect.quoteIdentifier(mode.cursor().name());
            explain(probes, f, PlanKind.UPPER_BOUND, c, "SELECT " + qc + " FROM " + from + " WHERE " + qc
                    + " IS NOT NULL ORDER BY " + qc + " DESC LIMIT 1");
            if (f.storedCursor != null) {
                readSql = "SELECT * FROM " + from + " WHERE " + qc + " > "
                        + dialect.literal(f.storedCursor.value(), mode.cursor());
            }
        } else if (export.mode() instanceof TimeWindowMode m && mode.time() != null) {
            readSql = "SELECT * FROM " + from + " WHERE " + dialect.quoteIdentifier(mode.time().name()) + " >= "
                    + dialect.nowMinusSeconds(m.window().toSeconds());
        }
        explain(probes, f, PlanKind.READ, c, readSql);
        if (export.mode() instanceof ChunkedMode m && mode.chunk() != null) {
            String qk = dialect.quoteIdentifier(mode.chunk().name());
            String boundsSql = "SELECT MIN(" + qk + "), MAX(" + qk + ") FROM " + from;
            SourceInspector.Plan bounds = explain(probes, f, PlanKind.BOUNDS, c, boundsSql);
            // Cheap: the plan reads an index, or scans only relations known to be small.
            boolean cheap = bounds != null && bounds.fullScans().stream()
                    .allMatch(s -> s.relationRows() >= 0 && s.relationRows() < CheckRules.SMALL_TABLE_ROWS);
            if (cheap) {
                long[] range = probes.run("the chunk key's range", () -> {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(boundsSql)) {
                        rs.next();
                        long min = rs.getLong(1);
                        return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
                    }
                });
                if (range != null) {
                    f.keyMin = range[0];
                    f.keyMax = range[1];
                    long hi = range[0] + Math.min(m.chunkSize() - 1, range[1] - range[0]);
                    explain(probes, f, PlanKind.CHUNK, c, base + " WHERE " + qk + " BETWEEN " + range[0] + " AND "
                            + hi);
                }
            }
        }
    }

    private static SourceInspector.Plan explain(Probes probes, CheckFacts f, PlanKind kind, Connection c, String sql)
            throws SQLException {
        try {
            SourceInspector.Plan plan = probes.runOrThrow(() -> f.inspector.explain(c, sql));
            f.plans.put(kind, plan);
            return plan;
        } catch (SQLException e) {
            // The statement may carry a stored cursor value: report the SQLSTATE only, never the driver's text.
            f.notChecked("the plan of " + kind.purpose, "the database could not plan it"
                    + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"));
            return null;
        }
    }
}
