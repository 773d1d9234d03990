package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.notify.NotificationEvent;
import io.rivet.notify.SlackNotifier;
import io.rivet.state.StateStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source sessions are read-only whatever the query tries, and credentials never leak into exceptions, logs, the
 * manifest, the state store or notifications.
 */
class SecurityIT {
    private static final String SECRET = "Sup3r-S3cret_Pw!";
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void database() {
        db = TestDatabases.postgres().createDatabase("security_it");
        db.execute("CREATE TABLE guarded (id int PRIMARY KEY, v text)",
                "INSERT INTO guarded SELECT g, 'v' || g FROM generate_series(1, 10) g",
                "CREATE SEQUENCE guarded_seq");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private Export.Builder export(String name) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .sink(Sink.local(out));
    }

    @Test
    void queriesThatTryToWriteFailAndChangeNothing() throws Exception {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            for (String query : List.of(
                    "SELECT id, nextval('guarded_seq') AS n FROM guarded",
                    "WITH gone AS (DELETE FROM guarded RETURNING *) SELECT * FROM gone",
                    "WITH up AS (UPDATE guarded SET v = 'x' RETURNING *) SELECT * FROM up")) {
                RivetConfigException e = assertThrows(RivetConfigException.class,
                        () -> rivet.run(export("writer").query(query).build()), query);
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            }
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE v = 'x'),"
                        + " (SELECT last_value FROM guarded_seq), (SELECT is_called FROM guarded_seq) FROM guarded")) {
            rs.next();
            assertEquals(10, rs.getLong(1), "no row deleted");
            assertEquals(0, rs.getLong(2), "no row updated");
            assertFalse(rs.getBoolean(4), "the sequence was never advanced");
        }
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("writer")));
    }

    @Test
    void credentialsNeverLeak() throws Exception {
        db.execute("DO $$ BEGIN CREATE ROLE rivet_secret_reader LOGIN PASSWORD '" + SECRET + "'; EXCEPTION WHEN"
                        + " duplicate_object THEN NULL; END $$",
                "GRANT SELECT ON guarded TO rivet_secret_reader");
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/hook", x -> {
            posts.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        slack.start();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        StringWriter failures = new StringWriter();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            URI parsed = URI.create(db.jdbcUrl().substring("jdbc:".length()));
            String uriWithSecret = "postgresql://rivet_secret_reader:" + SECRET + "@" + parsed.getHost() + ":"
                    + parsed.getPort() + parsed.getPath();
            Source inUrl = Source.jdbcUrl(uriWithSecret);
            Source inProperty = Source.jdbcUrl(db.jdbcUrl()).toBuilder().user("rivet_secret_reader")
                    .password(SECRET).build();
            SlackNotifier notifier = SlackNotifier.builder(URI.create("http://127.0.0.1:"
                    + slack.getAddress().getPort() + "/hook")).events(EnumSet.allOf(NotificationEvent.class)).build();
            try (Rivet rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet")))
                    .addListener(notifier).build()) {
                for (Source source : List.of(inUrl, inProperty)) {
                    Export ok = export("secret_ok").source(source).table("guarded")
                            .mode(Mode.chunked("id").chunkSize(4).parallelism(2)).build();
                    ExportResult r = rivet.run(ok);
                    assertEquals(10, r.rows());
                    failures.append(ok.toString()).append(source.toString()).append(r.toString());
                    for (String table : List.of("missing_table", "guarded_seq_missing")) {
                        RivetException e = assertThrows(RivetException.class,
                                () -> rivet.run(export("secret_fail").source(source).table(table).build()));
                        e.printStackTrace(new PrintWriter(failures));
                    }
                }
                rivet.stateStore().close();
            }
        } finally {
            System.setErr(originalErr);
            slack.stop(0);
        }
        assertEquals(6, posts.size(), "two successes and four failures were announced");
        assertFalse(failures.toString().contains(SECRET), "exceptions and toString: " + failures);
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("secret_fail: failed"), "the logs were captured");
        assertFalse(logs.toString(StandardCharsets.UTF_8).contains(SECRET), "logs");
        assertFalse(String.join("\n", posts).contains(SECRET), "notifications");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET),
                        "no written file holds the secret: " + f);
            }
        }
    }
}
