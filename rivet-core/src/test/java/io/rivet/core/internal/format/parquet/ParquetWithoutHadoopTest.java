package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Compression;
import io.rivet.core.internal.format.DuckDbReader;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that writing Parquet needs no Hadoop class at run time: the writer runs in a class loader built from the test
 * class path minus every Hadoop jar (Maven puts the {@code provided} hadoop-client-api there), and DuckDB reads the
 * files it wrote.
 */
class ParquetWithoutHadoopTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void write_inClassLoaderWithoutHadoop_producesReadableFilesForEveryCodec() throws Exception {
        // Surefire may hide the class path in a manifest-only jar; it publishes the real one in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertTrue(classPath.contains("hadoop-client-api"),
                "precondition: the provided Hadoop API is on the test class path, so removing it means something");
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            // Only jars of the org.apache.hadoop group; parquet-hadoop is Parquet's own and stays.
            if (!entry.isEmpty() && !entry.replace('\\', '/').contains("/org/apache/hadoop/")) {
                urls.add(toUrl(entry));
            }
        }
        try (URLClassLoader noHadoop = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("org.apache.hadoop.conf.Configuration", false, noHadoop));
            Class<?> probe = Class.forName(NoHadoopProbe.class.getName(), true, noHadoop);
            assertNotSame(NoHadoopProbe.class, probe, "the probe must come from the isolated loader");
            ((Consumer<Path>) probe.getConstructor().newInstance()).accept(dir);
        }
        try (DuckDbReader duck = new DuckDbReader()) {
            for (Compression c : Compression.values()) {
                String f = DuckDbReader.literal(dir.resolve(c.name() + ".parquet"));
                assertEquals(NoHadoopProbe.ROWS, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ")"));
                assertEquals(NoHadoopProbe.ROWS / 10,
                        duck.scalar("SELECT count(*) FROM read_parquet(" + f + ") WHERE name IS NULL"));
                assertEquals(0, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ") WHERE name <> 'name-' || id"
                        + " OR tags[1] <> id OR tags[2] IS NOT NULL OR len(tags) <> 2"));
                assertEquals(List.of(ParquetFormatWriter.codec(c).name()),
                        duck.strings("SELECT DISTINCT compression FROM parquet_metadata(" + f + ")"));
            }
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
