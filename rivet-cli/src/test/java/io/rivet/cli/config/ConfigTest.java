package io.rivet.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ChunkedMode;
import io.rivet.Compression;
import io.rivet.CsvFormat;
import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.FullMode;
import io.rivet.IncrementalMode;
import io.rivet.ParquetFormat;
import io.rivet.Profile;
import io.rivet.TimeWindowMode;
import io.rivet.UriSink;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static final Map<String, String> ENV = Map.of(
            "PG_URL", "postgresql://app:secret@db.internal:5432/shop",
            "PG_PASSWORD", "s3cret-value",
            "SLACK_URL", "https://hooks.slack.com/services/T/B/X");

    @TempDir
    Path dir;

    private RivetConfig load(String yaml) {
        return ConfigLoader.parse(yaml, "rivet.yaml", dir.resolve("rivet.yaml"), ENV);
    }

    private ConfigException fail(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml));
    }

    /** A valid file with one export whose extra keys (indented for the export mapping) are {@code extra}. */
    private static String withExport(String extra) {
        return """
                source:
                  type: postgres
                  url_env: PG_URL
                exports:
                  - name: orders
                    table: public.orders
                    format: parquet
                    destination: {type: local, path: out}
                """ + extra.indent(4);
    }

    private Export single(String yaml) {
        List<Export> exports = load(yaml).exports();
        assertEquals(1, exports.size());
        return exports.get(0);
    }

    private static void assertOnly(ConfigException e, String expected) {
        assertEquals(List.of(expected), e.problems(), "problems");
    }

    // ---- valid configurations ----

    @Test
    void full_mode_defaults() {
        Export e = single(withExport(""));
        assertEquals("orders", e.name());
        assertEquals("public.orders", e.table());
        assertNull(e.query());
        assertInstanceOf(FullMode.class, e.mode());
        assertEquals(Profile.BALANCED, e.effectiveProfile());
        assertEquals(Format_parquet(Compression.ZSTD), e.format());
        assertEquals(dir.resolve("out").toUri(), ((UriSink) e.sink()).uri());
        assertEquals("postgres", e.source().dialect());
        assertEquals("postgresql://app:secret@db.internal:5432/shop", e.source().url());
        assertNull(e.maxFileSize());
        assertFalse(e.skipEmpty());
        assertTrue(e.quality().isEmpty());
    }

    private static ParquetFormat Format_parquet(Compression c) {
        return io.rivet.Format.parquet().withCompression(c);
    }

    @Test
    void incremental_mode_with_tie_breaker_and_lookback() {
        Export e = single(withExport("""
                mode: incremental
                cursor_column: updated_at
                tie_breaker_column: id
                lookback_s: 300
                """));
        IncrementalMode m = assertInstanceOf(IncrementalMode.class, e.mode());
        assertEquals("updated_at", m.cursorColumn());
        assertEquals("id", m.tieBreaker());
        assertEquals(Duration.ofMinutes(5), m.lookback());
    }

    @Test
    void chunked_mode_with_column_size_and_parallelism() {
        Export e = single(withExport("""
                mode: chunked
                chunk_column: id
                chunk_size: 250_000
                parallel: 4
                """));
        ChunkedMode m = assertInstanceOf(ChunkedMode.class, e.mode());
        assertEquals("id", m.column());
        assertEquals(250_000, m.chunkSize());
        assertEquals(4, m.parallelism());
    }

    @Test
    void chunked_mode_without_column_uses_the_primary_key() {
        Export e = single(withExport("mode: chunked\n"));
        ChunkedMode m = assertInstanceOf(ChunkedMode.class, e.mode());
        assertNull(m.column());
        assertEquals(ChunkedMode.DEFAULT_CHUNK_SIZE, m.chunkSize());
        assertEquals(1, m.parallelism());
    }

    @Test
    void time_window_mode_in_days() {
        Export e = single(withExport("""
                mode: time_window
                time_column: created_at
                days_window: 7
                """));
        TimeWindowMode m = assertInstanceOf(TimeWindowMode.class, e.mode());
        assertEquals("created_at", m.column());
        assertEquals(Duration.ofDays(7), m.window());
    }

    @Test
    void host_form_builds_a_postgres_url_with_the_default_port_and_resolves_password_env() {
        Export e = single("""
                source:
                  type: postgres
                  host: db.internal
                  user: reader
                  database: shop
                  password_env: PG_PASSWORD
                exports:
                  - {name: orders, table: orders, format: parquet, destination: {type: local, path: out}}
                """);
        assertEquals("jdbc:postgresql://db.internal:5432/shop", e.source().url());
        assertEquals("reader", e.source().user());
        assertEquals("postgres", e.source().dialect());
        assertEquals("s3cret-value", e.source().resolvePassword());
        assertFalse(e.source().toString().contains("s3cret"), e.source().toString());
    }

    @Test
    void host_form_for_mysql_defaults_to_port_3306_and_takes_an_explicit_port() {
        Export mysql = single("""
                source: {type: mysql, host: 10.0.0.5, user: reader, database: shop}
                exports:
                  - {name: orders, table: orders, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals("jdbc:mysql://10.0.0.5:3306/shop", mysql.source().url());
        assertEquals("mysql", mysql.source().dialect());
        Export pg = single("""
                source: {type: postgres, host: localhost, port: 6543, database: shop}
                exports:
                  - {name: orders, table: orders, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals("jdbc:postgresql://localhost:6543/shop", pg.source().url());
    }

    @Test
    void url_without_password_is_accepted_and_sets_the_dialect() {
        Export e = single("""
                source:
                  url: mysql://reader@db.internal:3306/shop
                exports:
                  - {name: orders, table: orders, format: parquet, destination: {type: local, path: out}}
                """);
        assertEquals("mysql://reader@db.internal:3306/shop", e.source().url());
        assertEquals("mysql", e.source().dialect());
    }

    @Test
    void tuning_merges_field_by_field_and_the_export_wins() {
        Export e = single("""
                source:
                  url_env: PG_URL
                  tuning: {profile: safe, batch_size: 5000, throttle_ms: 100}
                exports:
                  - name: orders
                    table: orders
                    format: parquet
                    destination: {type: local, path: out}
                    tuning: {batch_size: 1000, statement_timeout_s: 60, max_retries: 2}
                """);
        assertEquals(Profile.SAFE, e.profile());
        Profile p = e.effectiveProfile();
        assertEquals(1000, p.batchRows());
        assertNull(p.batchMemory());
        assertEquals(Duration.ofMillis(100), p.throttle());
        assertEquals(Duration.ofSeconds(60), p.statementTimeout());
        assertEquals(Duration.ofSeconds(10), p.lockTimeout(), "from the safe profile");
        assertEquals(2, p.maxRetries());
    }

    @Test
    void export_profile_overrides_the_source_profile() {
        Export e = single("""
                source: {url_env: PG_URL, tuning: {profile: safe}}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}, tuning: {profile: fast}}
                """);
        assertEquals(Profile.FAST, e.effectiveProfile());
    }

    @Test
    void csv_with_size_limit_and_skip_empty() {
        Export e = single("""
                source: {url_env: PG_URL}
                exports:
                  - name: orders
                    table: orders
                    format: csv
                    compression: none
                    max_file_size: 256MB
                    skip_empty: true
                    destination: {type: local, path: /data/exports}
                """);
        assertInstanceOf(CsvFormat.class, e.format());
        assertEquals(DataSize.ofMebibytes(256), e.maxFileSize());
        assertTrue(e.skipEmpty());
        assertEquals(Path.of("/data/exports").toUri(), ((UriSink) e.sink()).uri(), "absolute paths stay");
    }

    @Test
    void strict_types_is_off_by_default_and_read_from_yaml() {
        assertFalse(single(withExport("")).strictTypes());
        assertTrue(single(withExport("strict_types: true\n")).strictTypes());
        assertFalse(single(withExport("strict_types: false\n")).strictTypes());
    }

    @Test
    void parquet_compression_and_row_group_size() {
        Export e = single(withExport("compression: snappy\nrow_group_size: 64MB\n"));
        ParquetFormat f = assertInstanceOf(ParquetFormat.class, e.format());
        assertEquals(Compression.SNAPPY, f.compression());
        assertEquals(DataSize.ofMebibytes(64), f.rowGroupSize());
    }

    @Test
    void s3_and_gcs_destinations_become_uri_sinks_with_options() {
        RivetConfig c = load("""
                source: {url_env: PG_URL}
                exports:
                  - name: a
                    table: t
                    format: parquet
                    destination: {type: s3, bucket: my-bucket, prefix: /exports/daily/, region: eu-west-1,
                                  endpoint: "http://127.0.0.1:9000"}
                  - name: b
                    table: t
                    format: parquet
                    destination: {type: gcs, bucket: my-gcs-bucket}
                """);
        UriSink s3 = (UriSink) c.exports().get(0).sink();
        assertEquals(URI.create("s3://my-bucket/exports/daily"), s3.uri());
        assertEquals(Map.of("region", "eu-west-1", "endpoint", "http://127.0.0.1:9000"), s3.options());
        UriSink gcs = (UriSink) c.exports().get(1).sink();
        assertEquals(URI.create("gs://my-gcs-bucket/"), gcs.uri());
        assertEquals(Map.of(), gcs.options());
    }

    @Test
    void cloudDestinationKeys_becomeProviderOptions_secretsOnlyByVariableName() throws IOException {
        Path key = Files.writeString(dir.resolve("sa.json"), "{}");
        RivetConfig c = ConfigLoader.parse("""
                source: {url_env: PG_URL}
                exports:
                  - name: a
                    table: t
                    format: parquet
                    destination: {type: s3, bucket: lake, region: eu-west-1, path_style: false,
                                  access_key_env: AWS_KEY, secret_key_env: AWS_SECRET, session_token_env: AWS_TOKEN,
                                  sse: kms, sse_kms_key_id: alias/lake, part_size: 16MB, upload_threads: 4,
                                  parts_in_flight: 3, max_attempts: 7, checksums: true}
                  - name: b
                    table: t
                    format: parquet
                    destination: {type: gcs, bucket: lake, credentials_file: sa.json, project_id: shop,
                                  chunk_size: 16MB, max_attempts: 3}
                """, "rivet.yaml", dir.resolve("rivet.yaml"),
                Map.of("PG_URL", "postgresql://app@db/shop", "AWS_KEY", "AKIA", "AWS_SECRET", "s", "AWS_TOKEN", "t"));
        Map<String, String> s3 = ((UriSink) c.exports().get(0).sink()).options();
        assertEquals(Map.ofEntries(Map.entry("region", "eu-west-1"), Map.entry("path_style", "false"),
                Map.entry("checksums", "true"), Map.entry("access_key_env", "AWS_KEY"),
                Map.entry("secret_key_env", "AWS_SECRET"), Map.entry("session_token_env", "AWS_TOKEN"),
                Map.entry("sse", "kms"), Map.entry("sse_kms_key_id", "alias/lake"),
                Map.entry("part_size", Long.toString(16L * 1024 * 1024)), Map.entry("upload_threads", "4"),
                Map.entry("parts_in_flight", "3"), Map.entry("max_attempts", "7")), s3);
        assertFalse(s3.containsValue("AKIA"), "the variable's value stays in the environment");
        Map<String, String> gcs = ((UriSink) c.exports().get(1).sink()).options();
        assertEquals(Map.of("credentials_file", key.toString(), "project_id", "shop",
                "chunk_size", Long.toString(16L * 1024 * 1024), "max_attempts", "3"), gcs);
    }

    @Test
    void cloudDestinationMistakes_areReportedTogether() {
        ConfigException e = fail("""
                source: {url_env: PG_URL}
                exports:
                  - name: a
                    table: t
                    format: parquet
                    destination: {type: s3, bucket: lake, access_key_env: NOT_SET, secret_key_env: PG_URL,
                                  credentials_file: k.json, sse: rot13}
                  - name: b
                    table: t
                    format: parquet
                    destination: {type: gcs, bucket: lake, region: eu-west-1, credentials_file: missing.json,
                                  chunk_size: 100KB}
                  - name: c
                    table: t
                    format: parquet
                    destination: {type: local, path: out, endpoint: "http://x"}
                """);
        List<String> p = e.problems();
        assertTrue(p.contains("rivet.yaml: exports[0].destination.credentials_file does not apply to a s3 destination;"
                + " remove it"), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.contains("exports[0].destination.access_key_env names the environment"
                + " variable NOT_SET, which is not set")), p.toString());
        assertTrue(p.contains("rivet.yaml: exports[0].destination.sse must be s3 (SSE-S3) or kms (SSE-KMS) but is"
                + " \"rot13\""), p.toString());
        assertTrue(p.contains("rivet.yaml: exports[1].destination.region does not apply to a gcs destination; remove"
                + " it"), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.contains("exports[1].destination.credentials_file names")
                && m.contains("which does not exist")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.contains("exports[1].destination.chunk_size must be a size of at"
                + " least")), p.toString());
        assertTrue(p.contains("rivet.yaml: exports[2].destination.endpoint does not apply to a local destination;"
                + " remove it"), p.toString());
    }

    @Test
    void inlineCloudSecrets_areRefusedWithoutEchoingThem() {
        ConfigException e = fail("""
                source: {url_env: PG_URL}
                exports:
                  - name: a
                    table: t
                    format: parquet
                    destination: {type: s3, bucket: lake, secret_access_key: wJalrXUtnFEMI-K7MDENG}
                """);
        assertEquals(1, e.problems().size(), e.problems().toString());
        String m = e.problems().get(0);
        assertTrue(m.contains("exports[0].destination.secret_access_key is not allowed"), m);
        assertTrue(m.contains("access_key_env / secret_key_env"), m);
        assertFalse(m.contains("wJalrXUtnFEMI"), m);
    }

    @Test
    void quality_gates() {
        Export e = single(withExport("""
                quality:
                  row_count_min: 1
                  row_count_max: 1_000_000
                  null_ratio_max: {email: 0.05, phone: 1}
                  unique_columns: [id, email]
                """));
        assertEquals(1L, e.quality().rowCountMin());
        assertEquals(1_000_000L, e.quality().rowCountMax());
        assertEquals(Map.of("email", 0.05, "phone", 1.0), e.quality().nullRatioMax());
        assertEquals(List.of("id", "email"), e.quality().uniqueColumns());
    }

    @Test
    void query_file_is_read_relative_to_the_config_and_loses_its_semicolon() throws IOException {
        Files.createDirectories(dir.resolve("sql"));
        Files.writeString(dir.resolve("sql/orders.sql"), "select id, total\nfrom orders\nwhere total > 0;\n");
        Export e = single("""
                source: {url_env: PG_URL}
                exports:
                  - {name: orders, query_file: sql/orders.sql, format: parquet, destination: {type: local, path: out}}
                """);
        assertEquals("select id, total\nfrom orders\nwhere total > 0", e.query());
        assertNull(e.table());
    }

    @Test
    void on_schema_drift_is_parsed_and_checked() {
        assertEquals(io.rivet.SchemaDriftPolicy.FAIL, load(withExport("on_schema_drift: fail\n")).exports().get(0)
                .onSchemaDrift());
        assertEquals(io.rivet.SchemaDriftPolicy.WARN, load(withExport("")).exports().get(0).onSchemaDrift());
        ConfigException e = assertThrows(ConfigException.class, () -> load(withExport("on_schema_drift: explode\n")));
        assertTrue(e.problems().toString().contains("on_schema_drift is \"explode\"; use warn, continue or fail"),
                e.problems().toString());
    }

    @Test
    void slack_notifications_are_kept() {
        RivetConfig c = load(withExport("") + """
                notifications:
                  slack:
                    webhook_url_env: SLACK_URL
                    on: [failure, schema_change]
                """);
        SlackNotifications s = c.slack().orElseThrow();
        assertEquals("SLACK_URL", s.webhookUrlEnv());
        assertEquals(Set.of("failure", "schema_change"), s.on());
        assertEquals(Set.of("failure"), load(withExport("") + "notifications: {slack: {webhook_url_env: SLACK_URL}}\n")
                .slack().orElseThrow().on(), "default");
        assertTrue(load(withExport("")).slack().isEmpty());
    }

    @Test
    void several_exports_keep_file_order_and_the_config_directory() {
        RivetConfig c = load("""
                source: {url_env: PG_URL}
                exports:
                  - {name: b, table: t2, format: parquet, destination: {type: local, path: out}}
                  - {name: a, table: t1, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(List.of("b", "a"), c.exports().stream().map(Export::name).toList());
        assertEquals(dir, c.directory());
    }

    @Test
    void load_reads_a_file_and_resolves_paths_against_its_directory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("conf"));
        Path file = sub.resolve("rivet.yaml");
        Files.writeString(file, withExport(""));
        RivetConfig c = ConfigLoader.load(file, ENV);
        assertEquals(sub.resolve("out").toUri(), ((UriSink) c.exports().get(0).sink()).uri());
    }

    @Test
    void the_shipped_example_is_valid() throws IOException {
        String example;
        try (var in = ConfigTest.class.getResourceAsStream("/rivet.example.yaml")) {
            example = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Files.createDirectories(dir.resolve("sql"));
        Files.writeString(dir.resolve("sql/events.sql"), "select * from events");
        RivetConfig c = ConfigLoader.parse(example, "rivet.example.yaml", dir.resolve("rivet.yaml"),
                Map.of("DATABASE_URL", "postgresql://reader:pw@db:5432/shop", "SLACK_WEBHOOK_URL", "https://x"));
        assertEquals(List.of("countries", "events", "orders", "recent_sessions"),
                c.exports().stream().map(Export::name).toList());
        assertEquals(List.of("full", "incremental", "chunked", "time_window"),
                c.exports().stream().map(e -> e.mode().name()).toList());
        assertEquals(URI.create("s3://my-data-lake/raw/shop"), ((UriSink) c.exports().get(1).sink()).uri());
        assertEquals(Profile.SAFE, c.exports().get(1).effectiveProfile());
        assertEquals(20_000, c.exports().get(2).effectiveProfile().batchRows());
        assertEquals(Set.of("failure", "schema_change"), c.slack().orElseThrow().on());
    }

    // ---- unknown keys ----

    @Test
    void unknown_export_key_names_the_full_path_and_suggests_the_right_one() {
        ConfigException e = fail(withExport("mode: chunked\nchunk_colum: id\n"));
        assertOnly(e, "rivet.yaml: unknown key \"exports[0].chunk_colum\" — did you mean \"chunk_column\"?");
    }

    @Test
    void unknown_keys_at_every_level_are_reported_together() {
        ConfigException e = fail("""
                sourse: {}
                source:
                  url_env: PG_URL
                  tuning: {batch_sise: 10}
                exports:
                  - name: orders
                    table: orders
                    format: parquet
                    destination: {type: local, pth: out}
                    quality: {row_count_mn: 1}
                notifications:
                  slak: {}
                """);
        assertEquals(List.of(
                "rivet.yaml: unknown key \"sourse\" — did you mean \"source\"?",
                "rivet.yaml: unknown key \"source.tuning.batch_sise\" — did you mean \"batch_size\"?",
                "rivet.yaml: unknown key \"exports[0].destination.pth\" — did you mean \"path\"?",
                "rivet.yaml: exports[0].destination.path is required: the output directory, relative to the"
                        + " config file or absolute",
                "rivet.yaml: unknown key \"exports[0].quality.row_count_mn\" — did you mean \"row_count_min\"?",
                "rivet.yaml: unknown key \"notifications.slak\" — did you mean \"slack\"?"), e.problems());
        assertTrue(e.getMessage().contains("row_count_mn") && e.getMessage().contains("sourse"), e.getMessage());
    }

    @Test
    void unknown_key_with_no_close_match_lists_the_allowed_keys() {
        ConfigException e = fail(withExport("colour: blue\n"));
        String p = e.problems().get(0);
        assertTrue(p.startsWith("rivet.yaml: unknown key \"exports[0].colour\" — allowed keys here: name, table,"), p);
    }

    @Test
    void a_prefix_of_a_key_is_suggested() {
        ConfigException e = fail(withExport("compress: zstd\n"));
        assertOnly(e, "rivet.yaml: unknown key \"exports[0].compress\" — did you mean \"compression\"?");
    }

    @Test
    void tuning_keys_outside_tuning_say_where_they_belong() {
        ConfigException e = fail(withExport("batch_size: 5000\n"));
        assertOnly(e, "rivet.yaml: \"exports[0].batch_size\" belongs under tuning: write exports[0].tuning.batch_size");
    }

    @Test
    void rust_only_keys_get_specific_advice() {
        ConfigException e = fail(withExport("chunk_checkpoint: true\n"));
        assertOnly(e, "rivet.yaml: \"exports[0].chunk_checkpoint\" is not supported: chunk checkpoints are always"
                + " on; remove the key");
    }

    // ---- YAML syntax ----

    @Test
    void yaml_syntax_error_gives_line_and_column() {
        ConfigException e = fail("""
                source:
                  url_env: PG_URL
                exports: [ {name: a
                """);
        assertEquals(1, e.problems().size());
        String p = e.problems().get(0);
        assertTrue(p.matches("rivet\\.yaml:4:1: YAML syntax error: .*"), p);
    }

    @Test
    void bad_indentation_is_a_syntax_error_at_its_line() {
        ConfigException e = fail("source:\n  url_env: PG_URL\n url: x\n");
        assertTrue(e.problems().get(0).startsWith("rivet.yaml:3:2: YAML syntax error: "), e.problems().get(0));
    }

    @Test
    void duplicate_keys_are_errors_with_their_line() {
        ConfigException e = fail("source:\n  url_env: PG_URL\n  url_env: OTHER\n");
        assertTrue(e.problems().get(0).matches("rivet\\.yaml:3:\\d+: YAML error: duplicate key 'url_env'.*"),
                e.problems().get(0));
    }

    @Test
    void empty_file_and_non_mapping_file() {
        assertOnly(fail(""), "rivet.yaml: the file is empty; it needs source: and exports: (see rivet.example.yaml)");
        assertTrue(fail("- a\n- b\n").problems().get(0).startsWith("rivet.yaml: the file must be a mapping"));
    }

    // ---- secrets ----

    @Test
    void inline_password_key_is_rejected() {
        ConfigException e = fail("""
                source: {type: postgres, host: db, database: shop, user: app, password: hunter2}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}
                """);
        assertOnly(e, "rivet.yaml: source.password is not allowed: put the password in an environment variable and"
                + " use password_env / url_env");
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void url_with_inline_credentials_is_rejected_without_echoing_them() {
        for (String url : List.of("postgresql://app:hunter2@db:5432/shop",
                "jdbc:postgresql://db:5432/shop?user=app&password=hunter2",
                "mysql://root:hunter2@localhost/shop")) {
            ConfigException e = fail("source: {url: \"" + url + "\"}\nexports:\n"
                    + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n");
            assertOnly(e, "rivet.yaml: source.url contains a password: put the password in an environment variable"
                    + " and use password_env / url_env");
            assertFalse(e.getMessage().contains("hunter2"), url);
        }
    }

    @Test
    void missing_url_env_variable_is_named() {
        ConfigException e = fail("""
                source: {url_env: RIVET_NOT_SET_URL}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}
                """);
        assertOnly(e, "rivet.yaml: source.url_env names the environment variable RIVET_NOT_SET_URL, which is not set;"
                + " export it before running, e.g. export RIVET_NOT_SET_URL=postgresql://user:password@host:5432/db");
    }

    @Test
    void missing_password_env_variable_is_named() {
        ConfigException e = fail("""
                source: {type: postgres, host: db, database: shop, password_env: RIVET_NOT_SET_PW}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}
                """);
        assertOnly(e, "rivet.yaml: source.password_env names the environment variable RIVET_NOT_SET_PW, which is not"
                + " set; export it before running, e.g. export RIVET_NOT_SET_PW=...");
    }

    @Test
    void a_variable_name_that_may_be_a_secret_is_not_echoed() {
        ConfigException e = fail("""
                source: {type: postgres, host: db, database: shop, password_env: hunter2pw}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}
                """);
        assertOnly(e, "rivet.yaml: source.password_env names an environment variable that is not set (its name is"
                + " not shown because it is not in upper case and may be a secret written by mistake); password_env"
                + " takes the NAME of a variable, e.g. SHOP_DB_PASSWORD");
        assertFalse(e.getMessage().contains("hunter2"));
        ConfigException notAName = fail("source: {url_env: \"postgresql://u:hunter2@db/x\"}\nexports:\n"
                + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n");
        assertFalse(notAName.getMessage().contains("hunter2"), notAName.getMessage());
        assertTrue(notAName.getMessage().contains("source.url_env must name an environment variable"));
    }

    @Test
    void slack_webhook_inline_is_rejected_and_its_variable_must_be_set() {
        ConfigException e = fail(withExport("") + """
                notifications:
                  slack: {webhook_url: "https://hooks.slack.com/services/x", on: [failure, sometimes]}
                """);
        assertEquals(List.of(
                "rivet.yaml: notifications.slack.webhook_url is not allowed: a webhook URL is a secret; put it in an"
                        + " environment variable and use webhook_url_env",
                "rivet.yaml: notifications.slack.webhook_url_env is required: the environment variable holding the"
                        + " Slack webhook URL",
                "rivet.yaml: notifications.slack.on contains \"sometimes\"; use failure, success, schema_change,"
                        + " degraded"), e.problems());
        assertOnly(fail(withExport("") + "notifications: {slack: {webhook_url_env: NO_SUCH_HOOK}}\n"),
                "rivet.yaml: notifications.slack.webhook_url_env names the environment variable NO_SUCH_HOOK, which"
                        + " is not set; export it before running, e.g. export NO_SUCH_HOOK=https://hooks.slack.com/services/...");
    }

    // ---- source shape ----

    @Test
    void source_needs_exactly_one_way_to_name_the_database() {
        assertOnly(fail("source: {type: postgres}\nexports:\n"
                        + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n"),
                "rivet.yaml: source needs a database: set url_env (an environment variable holding the URL), url"
                        + " (without a password), or host, port and database");
        assertOnly(fail("source: {url_env: PG_URL, host: db, database: x, type: postgres}\nexports:\n"
                        + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n"),
                "rivet.yaml: source names the database more than once: use only one of url, url_env, or"
                        + " host/port/database");
    }

    @Test
    void source_type_and_url_scheme_must_agree() {
        assertOnly(fail("source: {type: mysql, url_env: PG_URL}\nexports:\n"
                        + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n"),
                "rivet.yaml: the URL in PG_URL is a postgres URL but source.type is mysql; make them agree or remove"
                        + " source.type");
        assertOnly(fail("source: {type: oracle, host: db, database: x}\nexports:\n"
                        + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n"),
                "rivet.yaml: source.type must be postgres or mysql but is \"oracle\"");
    }

    // ---- mode combinations ----

    @Test
    void cursor_column_without_incremental_mode_names_the_export_and_key() {
        ConfigException e = fail(withExport("cursor_column: updated_at\n"));
        assertOnly(e, "rivet.yaml: exports[0].cursor_column is set, but exports[0] (\"orders\") has mode full;"
                + " cursor_column needs mode: incremental (set the mode or remove the key)");
    }

    @Test
    void keys_of_other_modes_are_errors() {
        ConfigException e = fail(withExport("mode: incremental\ncursor_column: id\nparallel: 4\ndays_window: 3\n"));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("exports[0].parallel is set, but exports[0] (\"orders\") has mode"
                + " incremental; parallel needs mode: chunked"), e.getMessage());
        assertTrue(e.problems().get(1).contains("days_window needs mode: time_window"), e.getMessage());
    }

    @Test
    void incremental_needs_a_cursor_column() {
        assertOnly(fail(withExport("mode: incremental\n")), "rivet.yaml: exports[0].cursor_column is required:"
                + " incremental mode reads rows whose cursor column passed the last run's value");
    }

    @Test
    void time_window_needs_column_and_days() {
        ConfigException e = fail(withExport("mode: time_window\n"));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("exports[0].time_column is required"));
        assertTrue(e.problems().get(1).contains("exports[0].days_window is required"));
        assertTrue(fail(withExport("mode: time_window\ntime_column: t\ndays_window: 0\n")).problems().get(0)
                .contains("exports[0].days_window must be a whole number from 1 to 36500 but is 0"));
    }

    @Test
    void chunked_query_needs_a_chunk_column() {
        ConfigException e = fail("""
                source: {url_env: PG_URL}
                exports:
                  - {name: q, query: "select * from t", mode: chunked, format: parquet, destination: {type: local, path: out}}
                """);
        assertOnly(e, "rivet.yaml: exports[0].chunk_column is required: exports[0] (\"q\") reads a query, and only a"
                + " table's primary key can be found without it");
    }

    @Test
    void unknown_mode_suggests_the_closest() {
        assertOnly(fail(withExport("mode: chunkd\n")), "rivet.yaml: exports[0].mode must be full, incremental,"
                + " chunked or time_window but is \"chunkd\" — did you mean \"chunked\"?");
    }

    @Test
    void numbers_out_of_range_are_reported_with_the_range() {
        ConfigException e = fail(withExport("mode: chunked\nparallel: 65\nchunk_size: abc\n"));
        assertEquals(List.of(
                "rivet.yaml: exports[0].chunk_size must be a whole number from 1 to 9223372036854775807 but is \"abc\"",
                "rivet.yaml: exports[0].parallel must be a whole number from 1 to 64 but is 65"), e.problems());
    }

    // ---- what to read ----

    @Test
    void exactly_one_of_table_query_query_file() {
        assertOnly(fail("""
                source: {url_env: PG_URL}
                exports:
                  - {name: a, table: t, query: "select 1", format: parquet, destination: {type: local, path: out}}
                """), "rivet.yaml: exports[0] (\"a\") must have only one of table (schema.table), query (a SELECT) or"
                + " query_file (a .sql file beside the config)");
        assertOnly(fail("""
                source: {url_env: PG_URL}
                exports:
                  - {name: a, format: parquet, destination: {type: local, path: out}}
                """), "rivet.yaml: exports[0] (\"a\") needs table (schema.table), query (a SELECT) or query_file (a"
                + " .sql file beside the config)");
    }

    @Test
    void query_file_outside_the_config_directory_is_refused() {
        String base = "source: {url_env: PG_URL}\nexports:\n  - {name: a, format: parquet,"
                + " destination: {type: local, path: out}, query_file: %s}\n";
        assertOnly(fail(base.formatted("/etc/passwd")), "rivet.yaml: exports[0].query_file must be a path relative"
                + " to the config file's directory, not an absolute path (\"/etc/passwd\")");
        assertOnly(fail(base.formatted("sql/../../secret.sql")), "rivet.yaml: exports[0].query_file must stay inside"
                + " the config file's directory; \"..\" is not allowed (\"sql/../../secret.sql\")");
        assertOnly(fail(base.formatted("missing.sql")), "rivet.yaml: exports[0].query_file cannot be read: "
                + dir.resolve("missing.sql") + " (no such file)");
    }

    @Test
    void table_name_rules_of_the_sdk_are_reported_with_the_export() {
        ConfigException e = fail(withExport("").replace("table: public.orders", "table: \"my table\""));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("rivet.yaml: exports[0] (\"orders\"): table \"my table\" must be"),
                e.getMessage());
    }

    @Test
    void export_names_must_be_unique_and_present() {
        ConfigException e = fail("""
                source: {url_env: PG_URL}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}
                  - {name: a, table: u, format: parquet, destination: {type: local, path: out}}
                  - {table: v, format: parquet, destination: {type: local, path: out}}
                """);
        assertEquals(List.of(
                "rivet.yaml: exports[1].name \"a\" is also the name of exports[0]; names must be unique (they name the"
                        + " output prefix and the stored state)",
                "rivet.yaml: exports[2].name is required: a unique name; it names the output prefix and the stored"
                        + " state"), e.problems());
    }

    // ---- format and destination ----

    @Test
    void format_is_required_and_checked() {
        assertOnly(fail(withExport("").replace("    format: parquet\n", "")),
                "rivet.yaml: exports[0].format is required: parquet or csv");
        assertOnly(fail(withExport("").replace("format: parquet", "format: avro")),
                "rivet.yaml: exports[0].format must be parquet or csv but is \"avro\"");
        assertOnly(fail(withExport("compression: lz4\n")),
                "rivet.yaml: exports[0].compression must be zstd, snappy, gzip or none but is \"lz4\"");
    }

    @Test
    void parquet_compression_level() {
        ParquetFormat f = assertInstanceOf(ParquetFormat.class,
                single(withExport("compression: gzip\ncompression_level: 9\n")).format());
        assertEquals(Compression.GZIP, f.compression());
        assertEquals(9, f.compressionLevel().getAsInt());
        f = assertInstanceOf(ParquetFormat.class, single(withExport("")).format());
        assertTrue(f.compressionLevel().isEmpty(), "no level unless set: the profile's default applies");
    }

    @Test
    void compression_level_outside_the_codecs_range_or_for_csv_is_named() {
        assertOnly(fail(withExport("compression: gzip\ncompression_level: 12\n")),
                "rivet.yaml: exports[0].compression_level: compression level 12 is out of range for gzip; use 1"
                        + " (fastest) to 9 (smallest), or leave it unset for 6");
        assertOnly(fail(withExport("compression: snappy\ncompression_level: 2\n")),
                "rivet.yaml: exports[0].compression_level: compression snappy takes no level; remove the level, or"
                        + " choose zstd or gzip");
        assertOnly(fail(withExport("compression_level: 0\n")),
                "rivet.yaml: exports[0].compression_level must be a whole number from 1 to 22 but is 0");
        assertOnly(fail(withExport("compression_level: 3\n").replace("format: parquet", "format: csv")),
                "rivet.yaml: exports[0].compression_level applies to parquet only; remove it for csv");
    }

    @Test
    void csv_allows_only_no_compression() {
        assertOnly(fail(withExport("compression: zstd\n").replace("format: parquet", "format: csv")),
                "rivet.yaml: exports[0].compression is \"zstd\", but CSV files are written uncompressed; remove the"
                        + " key or set it to none");
    }

    @Test
    void max_file_size_must_be_a_size() {
        assertOnly(fail(withExport("max_file_size: lots\n")), "rivet.yaml: exports[0].max_file_size must be a size"
                + " of at least 1KB such as 256MB or 1GB, but is \"lots\"");
    }

    @Test
    void destination_rules() {
        assertOnly(fail(withExport("").replace("    destination: {type: local, path: out}\n", "")),
                "rivet.yaml: exports[0].destination is required: e.g. {type: local, path: ./out} or {type: s3,"
                        + " bucket: my-bucket, prefix: exports}");
        assertOnly(fail(withExport("").replace("{type: local, path: out}", "{type: local, path: out, bucket: b}")),
                "rivet.yaml: exports[0].destination.bucket does not apply to a local destination; remove it");
        assertOnly(fail(withExport("").replace("{type: local, path: out}", "{type: s3, prefix: x}")),
                "rivet.yaml: exports[0].destination.bucket is required: the bucket name (it must exist)");
        assertOnly(fail(withExport("").replace("{type: local, path: out}", "{type: azure, bucket: b}")),
                "rivet.yaml: exports[0].destination.type must be local, s3 or gcs but is \"azure\"");
        assertOnly(fail(withExport("").replace("{type: local, path: out}", "{type: local, path: \"out/{date}\"}")),
                "rivet.yaml: exports[0].destination.path contains a placeholder; placeholders such as {date} are not"
                        + " supported: every run already writes below <path>/<export>/<run id>/");
    }

    // ---- tuning and quality values ----

    @Test
    void bad_profile_suggests_the_closest() {
        assertOnly(fail(withExport("tuning: {profile: fsat}\n")),
                "rivet.yaml: exports[0].tuning.profile must be safe, balanced or fast but is \"fsat\" — did you mean"
                        + " \"fast\"?");
    }

    @Test
    void quality_values_are_checked() {
        ConfigException e = fail(withExport("quality: {row_count_min: 10, row_count_max: 5, null_ratio_max: {email:"
                + " 1.5}}\n"));
        assertEquals(List.of(
                "rivet.yaml: exports[0].quality.row_count_min (10) is greater than row_count_max (5)",
                "rivet.yaml: exports[0].quality.null_ratio_max.email must be a number from 0.0 to 1.0 but is 1.5"),
                e.problems());
    }

    @Test
    void problems_in_several_exports_are_all_reported() {
        ConfigException e = fail("""
                source: {url_env: PG_URL}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}, parallel: 2}
                  - {name: b, table: t, format: xls, destination: {type: local, path: out}}
                  - {name: c, table: t, format: parquet}
                """);
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("exports[0].parallel"));
        assertTrue(e.problems().get(1).contains("exports[1].format"));
        assertTrue(e.problems().get(2).contains("exports[2].destination is required"));
    }
}
