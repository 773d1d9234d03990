package io.rivet.core.internal.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.rivet.Source;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.DialectProvider;
import io.rivet.core.internal.engine.ProviderRegistry;
import io.rivet.exception.ProviderNotFoundException;
import io.rivet.exception.RivetConfigException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The connections of one export run and the dialect that speaks to them. A caller's {@link DataSource} is borrowed and
 * never closed; a source described by URL gets a small HikariCP pool ({@code parallelism + 1}) that this object owns
 * and closes.
 */
public final class SourceConnections implements AutoCloseable {
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final Dialect dialect;
    private final String description;

    private SourceConnections(DataSource dataSource, HikariDataSource ownedPool, Dialect dialect, String description) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.dialect = dialect;
        this.description = description;
    }

    /**
     * Resolves the dialect and prepares connections for {@code source}; opens no connection for a URL source until
     * the first {@link #open()} (HikariCP starts lazily with {@code initializationFailTimeout = -1}).
     */
    public static SourceConnections open(Source source, ProviderRegistry providers, int poolSize, String exportName) {
        if (source.dataSource() != null) {
            DialectProvider provider = source.dialect() != null ? providers.dialect(source.dialect())
                    : detect(source.dataSource(), providers, exportName);
            return new SourceConnections(source.dataSource(), null, provider.create(), source.toString());
        }
        DialectProvider provider = null;
        String jdbcUrl = null;
        if (source.dialect() != null) {
            provider = providers.dialect(source.dialect());
            jdbcUrl = provider.toJdbcUrl(source.url());
        } else {
            for (DialectProvider p : providers.dialects()) {
                String converted = p.toJdbcUrl(source.url());
                if (converted != null) {
                    provider = p;
                    jdbcUrl = converted;
                    break;
                }
            }
        }
        if (provider == null || jdbcUrl == null) {
            List<String> names = new ArrayList<>();
            providers.dialects().forEach(p -> names.add(p.name()));
            throw new ProviderNotFoundException("dialect", Source.redact(source.url()), names,
                    "Write the URL as jdbc:postgresql://host:5432/db or postgresql://user@host:5432/db"
                            + " (mysql://... for MySQL), or set the dialect explicitly.");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (source.user() != null) {
            config.setUsername(source.user());
        }
        String password = source.resolvePassword();
        if (password != null) {
            config.setPassword(password);
        }
        source.properties().forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(Math.max(1, poolSize));
        config.setMinimumIdle(0);
        config.setAutoCommit(true);
        config.setPoolName("rivet-" + exportName);
        // Long enough for any reachable server; short enough that a wrong host or password fails within seconds.
        config.setConnectionTimeout(10_000);
        // Do not connect while building: connection errors surface, classified, on first use.
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        return new SourceConnections(pool, pool, provider.create(), source.toString());
    }

    private static DialectProvider detect(DataSource ds, ProviderRegistry providers, String exportName) {
        String product;
        try (Connection c = ds.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new RivetConfigException(exportName, "Export \"" + exportName
                    + "\": cannot connect to the source to detect its dialect: " + e.getMessage()
                    + ". Check the DataSource, or name the dialect with Source.postgres(ds) / Source.mysql(ds).", e);
        }
        for (DialectProvider p : providers.dialects()) {
            if (p.supportsProduct(product)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        providers.dialects().forEach(p -> names.add(p.name()));
        throw new ProviderNotFoundException("dialect", product, names,
                "Rivet reads PostgreSQL and MySQL; name the dialect explicitly if this database speaks one of them.");
    }

    /** The dialect. */
    public Dialect dialect() {
        return dialect;
    }

    /** A redacted description of the source for messages. */
    public String description() {
        return description;
    }

    /** Borrows a connection; the caller closes it (returning it to the pool or the caller's data source). */
    public Connection open() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Closes the idle connections of the pool Rivet created (in-use ones close when returned), so that a driver that
     * only planned holds no session while executors read.
     */
    public void closeIdle() {
        if (ownedPool != null && ownedPool.getHikariPoolMXBean() != null) {
            ownedPool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** Closes the pool Rivet created; a caller's data source is left alone. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }
}
