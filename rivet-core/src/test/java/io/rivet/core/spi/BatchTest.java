package io.rivet.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.Test;

class BatchTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.INT64, "int8"),
            new Column("name", ColumnType.STRING, "text"),
            new Column("tags", ColumnType.list(ColumnType.INT32), "_int4"));

    @Test
    void create_makesOneVectorPerColumn_withTheColumnsFields() {
        try (RootAllocator allocator = new RootAllocator();
                Batch batch = Batch.create(COLUMNS, allocator)) {
            assertEquals(3, batch.getFieldVectors().size());
            assertInstanceOf(BigIntVector.class, batch.getVector(0));
            assertInstanceOf(VarCharVector.class, batch.getVector(1));
            assertInstanceOf(ListVector.class, batch.getVector(2));
            for (int i = 0; i < COLUMNS.size(); i++) {
                var expected = COLUMNS.get(i).arrowField();
                var actual = batch.getVector(i).getField();
                assertEquals(expected.getName(), actual.getName());
                assertEquals(expected.getFieldType(), actual.getFieldType(), expected.getName());
            }
            assertThrows(UnsupportedOperationException.class, () -> batch.getFieldVectors().clear());
        }
    }

    @Test
    void setRowCount_setsEveryVectorsValueCount_andCloseFreesTheirMemory() {
        try (RootAllocator allocator = new RootAllocator()) {
            Batch batch = Batch.create(COLUMNS, allocator);
            batch.allocateNew();
            BigIntVector id = (BigIntVector) batch.getVector(0);
            VarCharVector name = (VarCharVector) batch.getVector(1);
            for (int row = 0; row < 3; row++) {
                id.setSafe(row, row);
                name.setSafe(row, ("n" + row).getBytes());
            }
            batch.setRowCount(3);
            assertEquals(3, batch.getRowCount());
            for (var v : batch.getFieldVectors()) {
                assertEquals(3, v.getValueCount(), v.getName());
            }
            assertEquals("n2", name.getObject(2).toString());
            assertTrue(allocator.getAllocatedMemory() > 0);

            batch.close();
            assertEquals(0, batch.getRowCount());
            assertEquals(0, allocator.getAllocatedMemory(), "close frees every vector");
        }
    }

    @Test
    void of_ownsTheVectorsItWasGiven() {
        try (RootAllocator allocator = new RootAllocator()) {
            BigIntVector v = new BigIntVector("id", allocator);
            v.allocateNew(10);
            Batch batch = Batch.of(List.of(v));
            assertEquals(0, batch.getRowCount());
            batch.close();
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }
}
