package io.rivet.core.internal.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaDriftTest {

    @Test
    void changes_sameSchema_none() {
        assertEquals(List.of(), SchemaDrift.changes(List.of("id int64", "name string"), List.of("id int64", "name string")));
    }

    @Test
    void changes_reportsAddedRemovedAndRetypedColumns() {
        List<String> baseline = List.of("id int32", "name string", "gone boolean");
        List<String> current = List.of("id int64", "name string", "amount decimal(12,2)");
        assertEquals(List.of("column id changed from int32 to int64", "column amount added (decimal(12,2))",
                "column gone removed"), SchemaDrift.changes(baseline, current));
    }

    @Test
    void changes_namesWithSpacesAreKept() {
        assertEquals(List.of("column odd name changed from string to json"),
                SchemaDrift.changes(List.of("odd name string"), List.of("odd name json")));
    }
}
