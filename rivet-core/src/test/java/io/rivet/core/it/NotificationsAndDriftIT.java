package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.SchemaDriftPolicy;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.SchemaDriftException;
import io.rivet.notify.NotificationEvent;
import io.rivet.notify.SlackNotifier;
import io.rivet.state.StateStores;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema drift policies and Slack notifications, end to end against PostgreSQL and a local HTTP server. */
class NotificationsAndDriftIT {
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path out;
    private HttpServer slack;
    private final List<String> posts = new CopyOnWriteArrayList<>();
    private int slackStatus = 200;

    @BeforeAll
    static void database() {
        db = TestDatabases.postgres().createDatabase("drift_it");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @BeforeEach
    void startSlack() throws Exception {
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                posts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(slackStatus, -1);
            exchange.close();
        });
        slack.start();
    }

    @AfterEach
    void stopSlack() {
        slack.stop(0);
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/hook");
    }

    private Rivet engine(SlackNotifier notifier) {
        Rivet.Builder b = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet")));
        if (notifier != null) {
            b.addListener(notifier);
        }
        return b.build();
    }

    private Export.Builder export(String name, String table) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .table(table).sink(Sink.local(out));
    }

    @Test
    void drift_fail_writesNothingAndKeepsTheBaseline() {
        db.execute("CREATE TABLE drift_fail (id int PRIMARY KEY, v text)", "INSERT INTO drift_fail VALUES (1, 'a')");
        Export e = export("drift_fail", "drift_fail").onSchemaDrift(SchemaDriftPolicy.FAIL).build();
        try (Rivet rivet = engine(null)) {
            ExportResult first = rivet.run(e);
            assertFalse(first.schemaChanged());
            db.execute("ALTER TABLE drift_fail ALTER COLUMN id TYPE bigint", "ALTER TABLE drift_fail ADD COLUMN w int");

            SchemaDriftException drift = assertThrows(SchemaDriftException.class, () -> rivet.run(e));
            assertTrue(drift.getMessage().contains("column id changed from int32 to int64"), drift.getMessage());
            assertTrue(drift.getMessage().contains("column w added (int32)"), drift.getMessage());
            assertEquals(List.of(first.runId()), runDirectories("drift_fail"), "the failed run wrote nothing");
            assertThrows(SchemaDriftException.class, () -> rivet.run(e), "the old baseline is kept");

            ExportResult accepted = rivet.run(e.toBuilder().onSchemaDrift(SchemaDriftPolicy.WARN).build());
            assertTrue(accepted.schemaChanged());
            assertTrue(accepted.warnings().get(0).contains("schema changed"), accepted.warnings().toString());
            assertFalse(rivet.run(e).schemaChanged(), "the warned run accepted the new schema");
            rivet.stateStore().close();
        }
    }

    @Test
    void slack_announcesFailureSuccessDegradedAndSchemaChange() {
        db.execute("CREATE TABLE notified (id int PRIMARY KEY, v text)", "INSERT INTO notified VALUES (1, 'a')");
        SlackNotifier notifier = SlackNotifier.builder(hook()).events(EnumSet.allOf(NotificationEvent.class)).build();
        try (Rivet rivet = engine(notifier)) {
            rivet.run(export("notified", "notified").build());
            assertEquals(1, posts.size());
            assertTrue(posts.get(0).contains("\"value\":\"notified\"") && posts.get(0).contains("succeeded")
                    && posts.get(0).contains("\"title\":\"Rows\",\"value\":\"1\""), posts.get(0));

            db.execute("ALTER TABLE notified ADD COLUMN w int");
            rivet.run(export("notified", "notified").build());
            assertEquals(3, posts.size(), posts.toString());
            assertTrue(posts.get(1).contains("succeeded with warnings"), posts.get(1));
            assertTrue(posts.get(2).contains("schema changed") && posts.get(2).contains("column w added"), posts.get(2));

            assertThrows(RivetConfigException.class, () -> rivet.run(export("missing", "no_such_table").build()));
            assertEquals(4, posts.size());
            assertTrue(posts.get(3).contains("\"color\":\"danger\"") && posts.get(3).contains("no_such_table"),
                    posts.get(3));
            rivet.stateStore().close();
        }
    }

    @Test
    void slack_unreachableOrFailingWebhookNeverFailsTheExport() {
        db.execute("CREATE TABLE unbothered (id int PRIMARY KEY)", "INSERT INTO unbothered VALUES (1), (2)");
        slackStatus = 500;
        SlackNotifier failing = SlackNotifier.builder(hook()).events(EnumSet.of(NotificationEvent.SUCCESS)).build();
        SlackNotifier dead = SlackNotifier.builder(URI.create("http://127.0.0.1:1/hook"))
                .events(EnumSet.of(NotificationEvent.SUCCESS)).build();
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).addListener(failing).addListener(dead)
                .build()) {
            ExportResult r = rivet.run(export("unbothered", "unbothered").build());
            assertEquals(2, r.rows());
            assertEquals(1, posts.size(), "the failing webhook was called once and its 500 ignored");
        }
    }

    private List<String> runDirectories(String exportName) {
        return DuckDb.filesUnder(out.resolve(exportName)).stream().map(f -> f.substring(0, f.indexOf('/')))
                .distinct().toList();
    }
}
