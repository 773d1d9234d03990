package io.rivet.core.spi;

import io.rivet.Incubating;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;

/**
 * Rows as Arrow vectors, one per column in the export's order, and how many rows they hold: what a
 * {@link BatchReader} fills and a {@link FormatWriter} encodes. The methods are named as Arrow's
 * {@code VectorSchemaRoot} names them.
 *
 * <p>Rivet does not use {@code VectorSchemaRoot} because creating one creates an Arrow {@code Schema}, and that
 * class's static initialiser builds a Jackson {@code ObjectMapper} and a reader for the schema's JSON form. That
 * loads about 860 classes (about 410 where Jackson is already loaded) and costs 0.1-0.5 s of CPU and 8-26 MB of memory
 * in every JVM that exports, for JSON that Rivet never reads or writes (design note 013).
 *
 * <p>Not thread-safe: one thread fills a batch, then hands it over (the pipeline's queue orders the two). The batch
 * owns its vectors: {@link #close()} frees them.
 */
@Incubating(since = "0.1")
public final class Batch implements AutoCloseable {
    private final List<FieldVector> vectors;
    private int rowCount;

    private Batch(List<FieldVector> vectors) {
        this.vectors = Collections.unmodifiableList(vectors);
    }

    /**
     * Empty vectors for {@code columns} (each {@link Column#arrowField()}) in {@code allocator}; their buffers are
     * allocated as values are written. The caller closes the batch.
     */
    public static Batch create(List<Column> columns, BufferAllocator allocator) {
        List<FieldVector> vectors = new ArrayList<>(columns.size());
        try {
            for (Column c : columns) {
                vectors.add(c.arrowField().createVector(allocator));
            }
        } catch (RuntimeException e) {
            AutoCloseables.closeNoChecked(AutoCloseables.all(vectors));
            throw e;
        }
        return new Batch(vectors);
    }

    /** A batch of existing vectors, which it then owns; its row count is 0 until {@link #setRowCount}. */
    public static Batch of(List<? extends FieldVector> vectors) {
        return new Batch(new ArrayList<>(vectors));
    }

    /** The vector of column {@code index} (0-based, in the export's column order). */
    public FieldVector getVector(int index) {
        return vectors.get(index);
    }

    /** Every column's vector, in order; the list cannot be modified. */
    public List<FieldVector> getFieldVectors() {
        return vectors;
    }

    /** Rows the batch holds. */
    public int getRowCount() {
        return rowCount;
    }

    /** Sets the rows the batch holds, and each vector's value count to match. */
    public void setRowCount(int rows) {
        this.rowCount = rows;
        for (FieldVector v : vectors) {
            v.setValueCount(rows);
        }
    }

    /** Allocates each vector's buffers at their default capacity and empties the batch. */
    public void allocateNew() {
        for (FieldVector v : vectors) {
            v.allocateNew();
        }
        rowCount = 0;
    }

    /** Frees every vector's buffers. */
    @Override
    public void close() {
        AutoCloseables.closeNoChecked(AutoCloseables.all(vectors));
        rowCount = 0;
    }
}
