package io.rivet.core.spi;

import io.rivet.Incubating;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The database-specific probes behind {@code rivet check} and {@code rivet init}: catalog facts, server settings,
 * sessions and plans, plus the SQL text of the fixes a report suggests. A probe returns what it observed and decides
 * nothing: what is a warning, the verdict and the recommended profile are decided by the engine, the same way for
 * every database. Obtained from {@link Dialect#inspector()}.
 *
 * <p>Every method works on a connection the engine owns, inside a read-only snapshot begun by
 * {@link Dialect#beginSnapshot}, and must not write. The engine wraps each call in a savepoint: a probe may simply
 * throw the driver's {@link SQLException} when the user may not read something, and the check reports that part as not
 * checked. Implementations are stateless and thread-safe.
 */
@Incubating(since = "0.1")
public interface SourceInspector {

    /** Facts about the server and the connected session's defaults. */
    Server server(Connection connection) throws SQLException;

    /** Connection limits and the sessions counted against them (the inspecting session included). */
    Connections connections(Connection connection) throws SQLException;

    /**
     * Catalog facts about {@code table} ({@code table} or {@code schema.table}, resolved as
     * {@link Dialect#quoteTable} quotes it), or empty when no such relation is visible to the user.
     */
    Optional<Table> table(Connection connection, String table) throws SQLException;

    /**
     * The ordinary and partitioned tables of {@code schema} as {@code schema.table}, sorted by name, or empty when the
     * schema does not exist.
     */
    Optional<List<String>> tables(Connection connection, String schema) throws SQLException;

    /** The indexes of {@code table} (all of them: the engine decides which ones help). */
    List<Index> indexes(Connection connection, String table) throws SQLException;

    /** The connected user's powers: on the server, and on each of {@code tables} (which may be empty). */
    Privileges privileges(Connection connection, List<String> tables) throws SQLException;

    /** Sessions whose open transaction is older than {@code olderThan}, the inspecting session excluded. */
    Transactions transactions(Connection connection, Duration olderThan) throws SQLException;

    /** The database's plan for {@code selectSql}, without running it. */
    Plan explain(Connection connection, String selectSql) throws SQLException;

    /** SQL that creates an index on {@code table}({@code column}) without blocking writers. */
    String createIndexSql(String table, String column);

    /**
     * SQL that creates a login role allowed only to read {@code tables} (qualified names; empty: every table of the
     * schemas they are in) in {@code database}, with at most {@code connectionLimit} connections. The password is a
     * placeholder, never a real secret.
     */
    String readOnlyRoleSql(String database, List<String> tables, int connectionLimit);

    /** SQL that refreshes the statistics of {@code table}. */
    String analyzeSql(String table);

    /** SQL that lets {@code user} see the details of every session (so long transactions of others can be checked). */
    String seeAllSessionsSql(String user);

    /** SQL an operator runs to list the transactions open longer than {@code olderThan}, with their age. */
    String longTransactionsSql(Duration olderThan);

    /** An SQL expression casting {@code quotedColumn} to text, for columns whose type Rivet cannot write. */
    String castToText(String quotedColumn);

    /**
     * An SQL expression rendering {@code quotedColumn}, of source type {@code sourceType} (as {@link TableColumn#type()}
     * gives it), as text. The default is {@link #castToText(String)}; a database whose plain cast does not give readable
     * text for some types (MySQL's spatial types) overrides it.
     */
    default String castToText(String quotedColumn, String sourceType) {
        return castToText(quotedColumn);
    }

    /**
     * What the database calls the cleanup of old row versions that an open transaction holds back, for messages about
     * long transactions and snapshots, e.g. {@code vacuum} or {@code InnoDB purge}.
     */
    String rowVersionCleanup();

    /**
     * The server.
     *
     * @param product the product name, e.g. {@code PostgreSQL}
     * @param version the server version, e.g. {@code 15.6}
     * @param database the connected database
     * @param user the connected user
     * @param replica whether the server is a read replica (a standby in recovery)
     * @param replicationLag on a replica, how far its replayed data is behind (null when unknown or not a replica)
     * @param statementTimeout the statement timeout a new session of this user gets (zero: none; null: unknown)
     * @param lockTimeout the lock wait timeout a new session gets (zero: none; null: unknown)
     * @param idleInTransactionTimeout how long a transaction may sit idle before the server ends it (zero: never; null:
     *     unknown)
     * @param replicaCancelsLongReads whether, on a replica, long reads may be cancelled when they conflict with the
     *     replay of the primary's changes
     * @param settings the raw settings the above came from, by the database's own names, for the report's facts
     * @param notChecked parts of these facts the user may not read, each as what could not be checked and why (for
     *     example the replication status without the privilege to see it); the check reports each one, and the
     *     corresponding fields hold what could be learned otherwise
     */
    record Server(String product, String version, String database, String user, boolean replica,
            Duration replicationLag, Duration statementTimeout, Duration lockTimeout,
            Duration idleInTransactionTimeout, boolean replicaCancelsLongReads, Map<String, String> settings,
            Map<String, String> notChecked) {
        /** Copies the maps, keeping their order. */
        public Server {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            notChecked = Collections.unmodifiableMap(new LinkedHashMap<>(notChecked));
        }

        /** A server whose facts were all read ({@code notChecked} empty). */
        public Server(String product, String version, String database, String user, boolean replica,
                Duration replicationLag, Duration statementTimeout, Duration lockTimeout,
                Duration idleInTransactionTimeout, boolean replicaCancelsLongReads, Map<String, String> settings) {
            this(product, version, database, user, replica, replicationLag, statementTimeout, lockTimeout,
                    idleInTransactionTimeout, replicaCancelsLongReads, settings, Map.of());
        }
    }

    /**
     * Connection limits; -1 means no limit at that level. Counts include the inspecting session.
     *
     * @param serverLimit how many sessions this user may open on the server in all (for example
     *     {@code max_connections} minus the slots reserved for superusers, unless the user is one)
     * @param serverInUse sessions open on the server
     * @param userLimit the user's own limit
     * @param userInUse the user's open sessions
     * @param databaseLimit the database's limit
     * @param databaseInUse sessions open on the database
     * @param estimated whether {@code serverInUse} is partly estimated (other users' sessions are hidden from this user)
     */
    record Connections(int serverLimit, int serverInUse, int userLimit, int userInUse, int databaseLimit,
            int databaseInUse, boolean estimated) {
    }

    /**
     * One relation.
     *
     * @param name the relation, {@code schema.table}, as the database resolved it
     * @param kind what it is: {@code table}, {@code partitioned table}, {@code view}, {@code materialized view},
     *     {@code foreign table}
     * @param rowEstimate the estimated rows from statistics, or -1 when never analyzed
     * @param totalBytes size on disk with indexes and TOAST, or -1 when unknown
     * @param columns the columns in order
     * @param primaryKey the primary key's columns in key order (empty: none)
     */
    record Table(String name, String kind, long rowEstimate, long totalBytes, List<TableColumn> columns,
            List<String> primaryKey) {
        /** Copies the lists. */
        public Table {
            columns = List.copyOf(columns);
            primaryKey = List.copyOf(primaryKey);
        }

        /** The column called {@code name} (exact match first, then ignoring case), or empty. */
        public Optional<TableColumn> column(String name) {
            for (TableColumn c : columns) {
                if (c.name().equals(name)) {
                    return Optional.of(c);
                }
            }
            return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
        }
    }

    /**
     * One column of a relation.
     *
     * @param name its name
     * @param type its type as the database writes it, e.g. {@code timestamp with time zone}
     * @param nullable whether it may hold NULL
     */
    record TableColumn(String name, String type, boolean nullable) {
    }

    /**
     * One index.
     *
     * @param name its name
     * @param method its access method, lower case (e.g. {@code btree}, {@code hash}, {@code brin})
     * @param columns its key columns in order; {@code null} elements stand for expressions
     * @param unique whether it is unique
     * @param primary whether it backs the primary key
     * @param partial whether it covers only the rows of a predicate
     * @param valid whether the planner may use it (an interrupted concurrent build leaves an invalid index)
     */
    record Index(String name, String method, List<String> columns, boolean unique, boolean primary, boolean partial,
            boolean valid) {
        /** Copies the columns (which may contain nulls). */
        public Index {
            columns = Collections.unmodifiableList(new ArrayList<>(columns));
        }

        /** The first key column, or {@code null} when it is an expression or there is none. */
        public String leadingColumn() {
            return columns.isEmpty() ? null : columns.get(0);
        }
    }

    /**
     * What the connected user may do.
     *
     * @param user the user
     * @param superuser whether it is a superuser (may do anything, bypasses every check)
     * @param otherPowers other server-wide powers beyond reading, by the database's names (e.g. {@code CREATEROLE})
     * @param unreadable the tables of the request the user may not read
     * @param writable for each table of the request the user may change, the privileges that allow it (e.g.
     *     {@code INSERT, UPDATE})
     */
    record Privileges(String user, boolean superuser, List<String> otherPowers, List<String> unreadable,
            Map<String, List<String>> writable) {
        /** Copies the values, keeping the order of the tables. */
        public Privileges {
            otherPowers = List.copyOf(otherPowers);
            unreadable = List.copyOf(unreadable);
            writable = Collections.unmodifiableMap(new LinkedHashMap<>(writable));
        }
    }

    /**
     * Long-running transactions.
     *
     * @param hiddenSessions sessions of other users whose transaction start this user may not see
     * @param longRunning the transactions older than asked, oldest first (at most 20)
     */
    record Transactions(int hiddenSessions, List<LongTransaction> longRunning) {
        /** Copies the list. */
        public Transactions {
            longRunning = List.copyOf(longRunning);
        }
    }

    /**
     * One long-running transaction.
     *
     * @param sessionId the server's id of the session (PostgreSQL pid, MySQL connection id)
     * @param user the session's user
     * @param state what the session is doing (e.g. {@code idle in transaction}, {@code active})
     * @param age how long its transaction has been open
     */
    record LongTransaction(long sessionId, String user, String state, Duration age) {
    }

    /**
     * A query plan.
     *
     * @param rows the planner's estimate of the rows returned
     * @param cost the planner's total cost, in the database's own units
     * @param summary one line: the top node and every relation read, e.g.
     *     {@code Limit <- Index Only Scan Backward using orders_updated_at_idx on public.orders}
     * @param relations every relation the plan reads, {@code schema.table} when known, without repeats
     * @param fullScans the relations read from start to end (PostgreSQL: sequential scans)
     */
    record Plan(long rows, double cost, String summary, List<String> relations, List<Scan> fullScans) {
        /** Copies the lists. */
        public Plan {
            relations = List.copyOf(relations);
            fullScans = List.copyOf(fullScans);
        }
    }

    /**
     * A relation read by a full scan.
     *
     * @param relation the relation, {@code schema.table} when known
     * @param relationRows the relation's estimated rows from statistics (-1: unknown)
     */
    record Scan(String relation, long relationRows) {
    }
}
