package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a database: options, usage errors and configuration errors. */
class RivetCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int rivet(Map<String, String> env, String... args) {
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), env, false).execute(args);
    }

    @Test
    void version_prints_the_project_version() {
        assertEquals(0, rivet(Map.of(), "--version"));
        assertTrue(out.toString().matches("rivet \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)\\R"), out.toString());
    }

    @Test
    void help_lists_the_commands_and_exit_codes() {
        assertEquals(0, rivet(Map.of(), "--help"));
        assertTrue(out.toString().contains("run ") && out.toString().contains("demo "), out.toString());
        assertTrue(out.toString().contains("4 schema drift"), out.toString());
        assertEquals(0, rivet(Map.of(), "run", "--help"));
        assertTrue(out.toString().contains("--resume"), out.toString());
    }

    @Test
    void every_command_has_help() {
        assertEquals(0, rivet(Map.of(), "--verbose", "--help"));
        String[] commands = {"run", "doctor", "demo", "metrics", "state", "check", "init"};
        for (String command : commands) {
            assertTrue(out.toString().contains("  " + command + " "), command + " missing from:\n" + out);
        }
        for (String command : commands) {
            assertEquals(0, rivet(Map.of(), command, "--help"), command + ": " + err);
            assertTrue(out.toString().contains("Usage: rivet " + command), out.toString());
        }
    }

    @Test
    void usage_errors_exit_1_with_an_error_line() {
        assertEquals(1, rivet(Map.of(), "run", "--no-such-flag"));
        assertTrue(err.toString().startsWith("error: Unknown option: '--no-such-flag'"), err.toString());
        assertEquals(1, rivet(Map.of(), "frobnicate"));
        assertTrue(err.toString().contains("'frobnicate'"), err.toString());
        assertEquals(1, rivet(Map.of()));
        assertTrue(err.toString().contains("error: a command is required"), err.toString());
    }

    @Test
    void demo_rejects_a_bad_row_count_before_starting_anything() {
        assertEquals(1, rivet(Map.of(), "demo", "--rows", "0"));
        assertTrue(err.toString().contains("error: --rows must be from 1 to 500000000 but was 0"), err.toString());
        assertFalse(out.toString().contains("Starting"), out.toString());
    }

    @Test
    void missing_config_file_exits_1() {
        assertEquals(1, rivet(Map.of(), "run", "-c", dir.resolve("nope.yaml").toString()));
        assertEquals("error: " + dir.resolve("nope.yaml") + ": no such file; pass the configuration with -c <file>"
                + " (see rivet.example.yaml)" + System.lineSeparator(), err.toString());
    }

    @Test
    void config_problems_print_one_error_line_each_and_no_stack_trace() throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source: {url_env: DB_URL}
                exports:
                  - {name: a, table: t, format: parquet, destination: {type: local, path: out}, chunk_colum: id}
                  - {name: b, table: t, format: parquet, destination: {type: local, path: out}, skip_emtpy: true}
                """);
        assertEquals(1, rivet(Map.of("DB_URL", "postgresql://localhost/db"), "run", "-c", file.toString()));
        String[] lines = err.toString().split(System.lineSeparator());
        assertEquals(2, lines.length, err.toString());
        assertEquals("error: " + file + ": unknown key \"exports[0].chunk_colum\" — did you mean \"chunk_column\"?",
                lines[0]);
        assertEquals("error: " + file + ": unknown key \"exports[1].skip_emtpy\" — did you mean \"skip_empty\"?",
                lines[1]);
        assertFalse(Files.exists(dir.resolve("out")));
        assertFalse(Files.exists(dir.resolve(".rivet")));
    }

    @Test
    void verbose_adds_the_stack_trace() throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "source: {url_env: NOT_SET_ANYWHERE}\nexports:\n"
                + "  - {name: a, table: t, format: parquet, destination: {type: local, path: out}}\n");
        assertEquals(1, rivet(Map.of(), "run", "--verbose", "-c", file.toString()));
        assertTrue(err.toString().contains("NOT_SET_ANYWHERE, which is not set"), err.toString());
        assertTrue(err.toString().contains("at io.rivet.cli.config.ConfigLoader"), err.toString());
    }

    @Test
    void unknown_export_name_lists_the_known_ones() throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "source: {url_env: DB_URL}\nexports:\n"
                + "  - {name: orders, table: t, format: parquet, destination: {type: local, path: out}}\n"
                + "  - {name: users, table: u, format: parquet, destination: {type: local, path: out}}\n");
        assertEquals(1, rivet(Map.of("DB_URL", "postgresql://localhost/db"), "run", "-c", file.toString(),
                "-e", "ordrs"));
        assertEquals("error: no export named ordrs in " + file + "; its exports are: orders, users"
                + System.lineSeparator(), err.toString());
    }
}
