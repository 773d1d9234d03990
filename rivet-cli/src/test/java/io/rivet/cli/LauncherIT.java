package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.testing.TestDatabases;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/rivet} as a user does, as a child process on the jar this build made, against the local
 * PostgreSQL. It covers what only the launcher does: its JVM defaults (heap, JIT thresholds), which give way to the
 * operator's own, and its class-data archive, which must not meet a Java agent or Flight Recorder: they crash OpenJDK
 * 17 when they see classes from a dynamic archive.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabases.postgres().createDatabase("launcher_it");
        db.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, name text)",
                "INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 1000) g");
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void agentsAndFlightRecorderRunWithoutTheClassDataArchive() throws Exception {
        Path config = config();
        // The first run records the archive when this jar has none yet; the second maps it.
        for (int i = 0; i < 2; i++) {
            Result plain = launch(config, Map.of());
            assertEquals(0, plain.exit, plain.output);
        }
        try (Stream<Path> archives = Files.list(ROOT.resolve("rivet-cli/target"))) {
            assertTrue(archives.anyMatch(p -> p.getFileName().toString().matches("rivet-cds-\\d+\\.jsa")),
                    "bin/rivet recorded no class-data archive beside the jar");
        }

        Path recording = dir.resolve("rivet.jfr");
        Result jfr = launch(config, Map.of("RIVET_JAVA_OPTS", "-XX:StartFlightRecording=filename=" + recording));
        assertEquals(0, jfr.exit, jfr.output);
        assertTrue(jfr.output.contains("1,000 rows"), jfr.output);
        assertTrue(Files.size(recording) > 0, "no flight recording was written");

        Result agent = launch(config, Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + agentJar()));
        assertEquals(0, agent.exit, agent.output);
        assertTrue(agent.output.contains("1,000 rows"), agent.output);
    }

    @Test
    void jvmDefaults_applyUnlessTheOperatorSetsThem() throws Exception {
        Result defaults = launch(List.of("--version"), Map.of("RIVET_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        assertEquals(0, defaults.exit, defaults.output);
        assertTrue(flag(defaults.output, "CompileThresholdScaling").startsWith("3.0"), defaults.output);
        assertEquals(String.valueOf(256L << 20), flag(defaults.output, "MaxHeapSize"));
        assertEquals(String.valueOf(24L << 20), flag(defaults.output, "MaxNewSize"));

        Result own = launch(List.of("--version"), Map.of("RIVET_JAVA_OPTS", "-XX:+PrintFlagsFinal -Xmx300m",
                "JDK_JAVA_OPTIONS", "-XX:CompileThresholdScaling=1.5"));
        assertEquals(0, own.exit, own.output);
        assertTrue(flag(own.output, "CompileThresholdScaling").startsWith("1.5"), own.output);
        assertEquals(String.valueOf(300L << 20), flag(own.output, "MaxHeapSize"));
    }

    @Test
    void anExportDoesNotInitialiseArrowsSchemaClass() throws Exception {
        // Arrow's Schema builds a Jackson ObjectMapper and JSON reader when its class initialises: hundreds of
        // classes, tenths of a second and megabytes that an export never uses (io.rivet.core.spi.Batch).
        Path log = dir.resolve("class-init.log");
        Result run = launch(config(), Map.of("RIVET_JAVA_OPTS", "-Xlog:class+init=info:file=" + log));
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("1,000 rows"), run.output);
        String initialised = Files.readString(log);
        assertTrue(initialised.contains("Initializing 'org/apache/arrow/vector/BigIntVector'"),
                "the log names initialised classes");
        assertFalse(initialised.contains("Initializing 'org/apache/arrow/vector/types/pojo/Schema'"),
                "the export initialised org.apache.arrow.vector.types.pojo.Schema");
    }

    /** The value of one flag in {@code -XX:+PrintFlagsFinal}'s table. */
    private static String flag(String output, String name) {
        return output.lines()
                .map(String::trim)
                .filter(l -> l.matches("\\S+\\s+" + name + "\\s+=.*"))
                .map(l -> l.split("\\s+")[3])
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in the JVM's flags:\n" + output));
    }

    private Path config() throws IOException {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user();
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source:
                  type: postgres
                  url: "%s"
                exports:
                  - name: items
                    table: items
                    mode: full
                    format: parquet
                    destination: {type: local, path: "%s"}
                """.formatted(url, dir.resolve("out")));
        return file;
    }

    private record Result(int exit, String output) {
    }

    private Result launch(Path config, Map<String, String> env) throws IOException, InterruptedException {
        return launch(List.of("run", "-c", config.toString()), env);
    }

    private Result launch(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/rivet").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("RIVET_JAVA_OPTS");
        pb.environment().remove("RIVET_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/rivet did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    /** A Java agent that registers a retransforming class file transformer, as profilers and tracers do. */
    private Path agentJar() throws IOException {
        Path src = dir.resolve("agent/RetransformingAgent.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                public class RetransformingAgent {
                    public static void premain(String args, java.lang.instrument.Instrumentation inst) {
                        inst.addTransformer(new java.lang.instrument.ClassFileTransformer() { }, true);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", src.getParent().toString(), src.toString()));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "RetransformingAgent");
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> classes = Files.list(src.getParent())) {
            for (Path c : (Iterable<Path>) classes.filter(f -> f.toString().endsWith(".class"))::iterator) {
                out.putNextEntry(new JarEntry(c.getFileName().toString()));
                Files.copy(c, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
