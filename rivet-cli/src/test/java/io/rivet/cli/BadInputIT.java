package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input matrix: each broken configuration or misuse ends with the documented exit code, a message naming
 * what is wrong and how to fix it, and nothing written. docs/reliability.md lists the same cases.
 */
class BadInputIT {
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void database() {
        db = TestDatabases.postgres().createDatabase("bad_input");
        db.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(8,2))",
                "INSERT INTO items VALUES (1, 'a', 1.50), (2, NULL, NULL)",
                "CREATE TABLE spans (id int PRIMARY KEY, span interval)", "INSERT INTO spans VALUES (1, '1 day')",
                "CREATE TABLE nulls (k int, v text)", "INSERT INTO nulls VALUES (1, 'a'), (NULL, 'b')");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static String url() {
        String u = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user();
        return db.password() == null || db.password().isEmpty() ? u : u + "&password=" + db.password();
    }

    /** One case: its name, the YAML (with {DEST} for an output directory), the exit code, a message fragment. */
    static Stream<Arguments> cases() {
        String src = "source: {type: postgres, url_env: DB_URL}\nexports:\n";
        String exp = "  - name: e\n    format: parquet\n    destination: {type: local, path: out}\n";
        return Stream.of(
                Arguments.of("yaml syntax", "source: {type: postgres\nexports: [", 1, "line"),
                Arguments.of("unknown top key", src + exp + "    table: items\nextra: 1\n", 1, "unknown key \"extra\""),
                Arguments.of("misspelled key", src + exp + "    tabel: items\n", 1, "did you mean \"table\""),
                Arguments.of("missing env var", "source: {type: postgres, url_env: NOT_SET_ANYWHERE}\nexports:\n"
                        + exp + "    table: items\n", 1, "NOT_SET_ANYWHERE"),
                Arguments.of("inline password", "source: {type: postgres, host: 127.0.0.1, user: u, password: p}\n"
                        + "exports:\n" + exp + "    table: items\n", 1, "password_env"),
                Arguments.of("unknown role", "source: {type: postgres, url_env: BAD_ROLE_URL}\nexports:\n" + exp
                        + "    table: items\n", 1, "role \"rivet_no_such_role\" does not exist"),
                Arguments.of("unreachable host", "source: {type: postgres, url_env: DEAD_URL}\nexports:\n" + exp
                        + "    table: items\n    tuning: {max_retries: 0}\n", 2, "refused"),
                Arguments.of("missing table", src + exp + "    table: public.no_such\n", 1, "no_such"),
                Arguments.of("missing cursor column", src + exp + "    table: items\n    mode: incremental\n"
                        + "    cursor_column: updated\n", 1, "cursor_column \"updated\""),
                Arguments.of("missing chunk column", src + exp + "    table: items\n    mode: chunked\n"
                        + "    chunk_column: nope\n", 1, "chunk_column \"nope\""),
                Arguments.of("misspelled tuning key", src + exp + "    table: items\n"
                        + "    tuning: {batch_sise: 100}\n", 1, "did you mean \"batch_size\""),
                Arguments.of("nulls in chunk column", src + exp + "    table: nulls\n    mode: chunked\n"
                        + "    chunk_column: k\n", 1, "NULL"),
                Arguments.of("negative chunk size", src + exp + "    table: items\n    mode: chunked\n"
                        + "    chunk_size: -5\n", 1, "chunk_size"),
                Arguments.of("parallel 0", src + exp + "    table: items\n    mode: chunked\n    parallel: 0\n", 1,
                        "parallel"),
                Arguments.of("negative max_file_size", src + exp + "    table: items\n    max_file_size: -1MB\n", 1,
                        "max_file_size"),
                Arguments.of("zero days_window", src + exp + "    table: items\n    mode: time_window\n"
                        + "    time_column: id\n    days_window: 0\n", 1, "days_window"),
                Arguments.of("time column not a time", src + exp + "    table: items\n    mode: time_window\n"
                        + "    time_column: id\n    days_window: 3\n", 1, "time_column \"id\""),
                Arguments.of("unknown mode", src + exp + "    table: items\n    mode: sometimes\n", 1, "mode"),
                Arguments.of("unknown format", src + "  - name: e\n    format: xlsx\n    table: items\n"
                        + "    destination: {type: local, path: out}\n", 1, "format"),
                Arguments.of("csv with compression", src + "  - name: e\n    format: csv\n    compression: zstd\n"
                        + "    table: items\n    destination: {type: local, path: out}\n", 1, "compression"),
                Arguments.of("unknown profile", src + exp + "    table: items\n    tuning: {profile: turbo}\n", 1,
                        "turbo"),
                Arguments.of("unsupported column type", src + exp + "    table: spans\n", 1, "interval"),
                Arguments.of("two statements", src + exp + "    query: \"select 1; delete from items\"\n", 1,
                        "more than one statement"),
                Arguments.of("injection in table", src + exp + "    table: \"items; DROP TABLE items\"\n", 1,
                        "must be table or schema.table"),
                Arguments.of("injection in cursor column", src + exp + "    table: items\n    mode: incremental\n"
                        + "    cursor_column: \"id; DROP TABLE items --\"\n", 1, "is not a column"),
                Arguments.of("table and query", src + exp + "    table: items\n    query: select 1\n", 1, "query"),
                Arguments.of("no destination", src + "  - name: e\n    format: parquet\n    table: items\n", 1,
                        "destination"),
                Arguments.of("bad export name", src + "  - name: \"../up\"\n    format: parquet\n    table: items\n"
                        + "    destination: {type: local, path: out}\n", 1, "name"),
                Arguments.of("unwritable destination", src + "  - name: e\n    format: parquet\n    table: items\n"
                        + "    destination: {type: local, path: /proc/rivet-out}\n", 1, "/proc/rivet-out"),
                Arguments.of("query_file escaping", src + "  - name: e\n    format: parquet\n"
                        + "    query_file: ../../etc/passwd\n    destination: {type: local, path: out}\n", 1, ".."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput_exitsWithItsCodeNamesTheProblemAndWritesNothing(String name, String yaml, int code, String fragment)
            throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", url());
        env.put("BAD_ROLE_URL", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=rivet_no_such_role");
        env.put("DEAD_URL", "jdbc:postgresql://127.0.0.1:1/db?user=x&connectTimeout=2");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new RivetCli(new PrintWriter(out), new PrintWriter(err), env, false).execute("run", "-c",
                file.toString());
        assertEquals(code, exit, name + ": " + err);
        assertTrue(err.toString().contains(fragment), name + ": expected \"" + fragment + "\" in: " + err);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> written = files.filter(Files::isRegularFile).filter(p -> !p.equals(file))
                    .filter(p -> !p.startsWith(dir.resolve(".rivet"))).toList();
            assertEquals(List.of(), written, name + ": nothing written");
        }
    }
}
