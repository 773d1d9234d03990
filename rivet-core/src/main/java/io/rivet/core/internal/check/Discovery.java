package io.rivet.core.internal.check;

import io.rivet.Source;
import io.rivet.check.TableDiscovery;
import io.rivet.core.internal.engine.ProviderRegistry;
import io.rivet.core.internal.source.SourceConnections;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.exception.ColumnMappingException;
import io.rivet.exception.RivetConfigException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the facts of {@code rivet init} for one table or a schema, in one read-only snapshot, and hands them to
 * {@link InitAdvisor}. Reads the catalog and statistics, describes each table with {@code LIMIT 0}, and reads MIN and
 * MAX of a single integer primary key (an index lookup) when the table is not small. Confined to one call.
 */
public final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
    private static final String WHO = "init";

    private final ProviderRegistry providers;

    /** A discovery resolving dialects from {@code providers}. */
    public Discovery(ProviderRegistry providers) {
        this.providers = providers;
    }

    /**
     * Describes one table.
     *
     * @throws RivetConfigException when it does not exist, or the dialect has no probes
     */
    public TableDiscovery table(Source source, String table) {
        return run(source, table, (c, dialect, inspector, replica) -> {
            Optional<SourceInspector.Table> facts = inspector.table(c, table);
            if (facts.isEmpty()) {
                throw new RivetConfigException("table " + table + " does not exist or is not visible to this user."
                        + " Check the schema and name (schema.table; names are case-sensitive as written).");
            }
            return List.of(describe(c, dialect, inspector, facts.get(), table, replica));
        }).get(0);
    }

    /**
     * Describes every table of {@code schema}. Tables the user may not read are left out (and logged).
     *
     * @throws RivetConfigException when the schema does not exist, or the dialect has no probes
     */
    public List<TableDiscovery> schema(Source source, String schema) {
        return run(source, schema, (c, dialect, inspector, replica) -> {
            Optional<List<String>> names = inspector.tables(c, schema);
            if (names.isEmpty()) {
                throw new RivetConfigException("schema " + schema + " does not exist. Check its name (case-sensitive"
                        + " as written) and the database in the URL.");
            }
            Probes probes = new Probes(c, (what, why) -> { });
            List<TableDiscovery> found = new ArrayList<>();
            for (String name : names.get()) {
                try {
                    TableDiscovery d = probes.runOrThrow(() -> {
                        Optional<SourceInspector.Table> facts = inspector.table(c, name);
                        return facts.isEmpty() ? null : describe(c, dialect, inspector, facts.get(), name, replica);
                    });
                    if (d != null) {
                        found.add(d);
                    }
                } catch (SQLException e) {
                    if (!"42501".equals(e.getSQLState()) && e.getErrorCode() != 1142) {
                        throw e;
                    }
                    LOG.warn("init: skipping {}: {}", name, Probes.describe(e));
                }
            }
            return found;
        });
    }

    @FunctionalInterface
    private interface Work {
        List<TableDiscovery> run(Connection c, Dialect dialect, SourceInspector inspector, Boolean replica)
                throws SQLException;
    }

    private List<TableDiscovery> run(Source source, String what, Work work) {
        try (SourceConnections connections = SourceConnections.open(source, providers, 1, WHO)) {
            Dialect dialect = connections.dialect();
            SourceInspector inspector = dialect.inspector().orElseThrow(() -> new RivetConfigException(
                    "rivet init cannot inspect " + dialect.name() + " databases yet; write the export by hand (see"
                            + " rivet.example.yaml)."));
            try (Connection c = connections.open()) {
                dialect.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(60), Duration.ofSeconds(10)));
                try {
                    Probes probes = new Probes(c, (w, why) -> LOG.debug("init: could not check {}: {}", w, why));
                    SourceInspector.Server server = probes.run("the server", () -> inspector.server(c));
                    return work.run(c, dialect, inspector, server == null ? null : server.replica());
                } finally {
                    dialect.endSnapshot(c);
                }
            } catch (SQLException e) {
                throw SourceErrors.translate(WHO, "inspecting", what, e, dialect);
            }
        }
    }

    private static TableDiscovery describe(Connection c, Dialect dialect, SourceInspector inspector,
            SourceInspector.Table table, String name, Boolean replica) throws SQLException {
        List<SourceInspector.Index> indexes = inspector.indexes(c, name);
        String from = dialect.quoteTable(name);
        List<Column> columns = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        try {
            columns.addAll(dialect.describe(c, "SELECT * FROM " + from, WHO));
        } catch (ColumnMappingException all) {
            // Describe column by column to learn which ones have no mapping (describe reads no rows).
            for (SourceInspector.TableColumn tc : table.columns()) {
                try {
                    columns.addAll(dialect.describe(c, "SELECT " + dialect.quoteIdentifier(tc.name()) + " FROM " + from,
                            WHO));
                } catch (ColumnMappingException one) {
                    unmapped.add(tc.name());
                }
            }
        }
        Long min = null;
        Long max = null;
        if (table.rowEstimate() > CheckRules.SMALL_TABLE_ROWS && table.primaryKey().size() == 1) {
            String key = table.primaryKey().get(0);
            boolean integer = columns.stream().anyMatch(col -> col.name().equals(key)
                    && ModeColumns.INTEGER_KEYS.contains(col.type().kind()));
            if (integer) {
                // The primary key's index answers MIN and MAX from its two ends.
                String qk = dialect.quoteIdentifier(key);
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT MIN(" + qk + "), MAX(" + qk + ") FROM " + from)) {
                    rs.next();
                    long lo = rs.getLong(1);
                    if (!rs.wasNull()) {
                        min = lo;
                        max = rs.getLong(2);
                    }
                }
            }
        }
        return InitAdvisor.suggest(table, indexes, columns, unmapped, min, max, replica, dialect, inspector);
    }
}
