package io.rivet.core.internal.format.parquet;

import io.rivet.Compression;
import io.rivet.Format;
import io.rivet.core.internal.format.TestBatches;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Run by {@link ParquetWithoutHadoopTest} inside a class loader that has no Hadoop classes: writes
 * {@code <codec>.parquet} into the given directory for every codec. Public so the other loader can instantiate it.
 */
public final class NoHadoopProbe implements Consumer<Path> {

    /** The columns the probe writes. */
    static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"),
            new Column("name", ColumnType.STRING, "text"), new Column("tags", ColumnType.list(ColumnType.INT32), "_int4"));
    /** Rows written per file. */
    static final int ROWS = 5_000;

    /** Creates the probe. */
    public NoHadoopProbe() {
    }

    @Override
    public void accept(Path dir) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(new Object[] {(long) i, i % 10 == 0 ? null : "name-" + i, Arrays.asList(i, null)});
        }
        try (BufferAllocator allocator = new RootAllocator();
                Batch root = TestBatches.root(allocator, COLUMNS, rows)) {
            for (Compression c : Compression.values()) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(c.name() + ".parquet"));
                        FormatWriter writer = new ParquetFormatProvider().create(
                                Format.parquet().withCompression(c), COLUMNS, out)) {
                    writer.write(root);
                    writer.finish();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
