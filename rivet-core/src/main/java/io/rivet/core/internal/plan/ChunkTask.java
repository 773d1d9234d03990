package io.rivet.core.internal.plan;

import io.rivet.core.spi.KeysetPaging;
import java.io.Serializable;

/**
 * One independent, idempotent unit of an export: a SELECT that a worker runs in its own snapshot, writing files named
 * after {@link #index()}. A serializable value, so a plan can run on this machine's workers or elsewhere.
 *
 * @param index the chunk's index, from 0
 * @param count how many chunks the plan has
 * @param sql the SELECT to run
 * @param lowerBound the inclusive lower key bound as text, or {@code null} for an unchunked mode (keyset chunks: the
 *     exclusive lower bound as a tuple, see {@link KeyTuple})
 * @param upperBound the inclusive upper key bound as text, or {@code null}
 * @param range a human description for messages, e.g. {@code id 1..100000}
 * @param paging how the same rows may be read in keyset pages (see {@link KeysetPaging}), or {@code null}
 */
public record ChunkTask(int index, int count, String sql, String lowerBound, String upperBound, String range,
        KeysetPaging paging) implements Serializable {

    /** A task read as one statement (no keyset paging). */
    public ChunkTask(int index, int count, String sql, String lowerBound, String upperBound, String range) {
        this(index, count, sql, lowerBound, upperBound, range, null);
    }
}
