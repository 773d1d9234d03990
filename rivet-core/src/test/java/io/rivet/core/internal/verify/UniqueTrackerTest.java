package io.rivet.core.internal.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.exception.RivetConfigException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UniqueTrackerTest {
    private static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"),
            new Column("email", ColumnType.STRING, "text"));

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private Batch batch(long[] ids, String[] emails) {
        Batch root = Batch.create(COLUMNS, allocator);
        BigIntVector id = (BigIntVector) root.getVector(0);
        VarCharVector email = (VarCharVector) root.getVector(1);
        for (int i = 0; i < ids.length; i++) {
            id.setSafe(i, ids[i]);
            if (emails[i] == null) {
                email.setNull(i);
            } else {
                email.setSafe(i, emails[i].getBytes(StandardCharsets.UTF_8));
            }
        }
        root.setRowCount(ids.length);
        return root;
    }

    @Test
    void duplicatesAcrossChunksAreFoundAndNullsIgnored() {
        UniqueTracker run = new UniqueTracker("e", COLUMNS, List.of("id", "email"), 1000);
        UniqueTracker first = run.newChunk();
        UniqueTracker second = run.newChunk();
        try (Batch a = batch(new long[] {1, 2, 3}, new String[] {"a@x", null, "c@x"});
                Batch b = batch(new long[] {4, 5, 6}, new String[] {null, "a@x", "e@x"})) {
            first.add(a);
            second.add(b);
        }
        run.merge(first);
        run.merge(second);
        assertEquals(List.of("column email has 1 duplicate value"), run.violations());
        assertEquals(List.of(), run.incomplete());
    }

    @Test
    void aChunkThatIsNeverMergedIsNotCounted() {
        UniqueTracker run = new UniqueTracker("e", COLUMNS, List.of("id"), 1000);
        UniqueTracker failedAttempt = run.newChunk();
        UniqueTracker retry = run.newChunk();
        try (Batch a = batch(new long[] {1, 2}, new String[] {"a", "b"});
                Batch again = batch(new long[] {1, 2}, new String[] {"a", "b"})) {
            failedAttempt.add(a);
            retry.add(again);
        }
        run.merge(retry);
        assertEquals(List.of(), run.violations());
    }

    @Test
    void pastTheCapTheColumnIsReportedIncompleteNotPassed() {
        UniqueTracker run = new UniqueTracker("e", COLUMNS, List.of("id"), 3);
        UniqueTracker chunk = run.newChunk();
        try (Batch a = batch(new long[] {1, 2, 3, 4, 5}, new String[] {"a", "b", "c", "d", "e"})) {
            chunk.add(a);
        }
        run.merge(chunk);
        assertEquals(List.of(), run.violations());
        assertTrue(run.incomplete().get(0).contains("stopped after 3 distinct values"), run.incomplete().toString());
    }

    @Test
    void unknownOrListColumnsAreRefused() {
        assertThrows(RivetConfigException.class, () -> new UniqueTracker("e", COLUMNS, List.of("nope"), 10));
        List<Column> withList = List.of(new Column("tags", ColumnType.list(ColumnType.STRING), "_text"));
        assertThrows(RivetConfigException.class, () -> new UniqueTracker("e", withList, List.of("tags"), 10));
    }
}
