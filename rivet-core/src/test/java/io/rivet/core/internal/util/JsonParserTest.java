package io.rivet.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {

    @Test
    void parsesNestedValuesInOrder() {
        Object v = JsonParser.parse(" [ {\"Plan\": {\"Node Type\": \"Seq Scan\", \"Plan Rows\": 1.5e3,"
                + " \"Parallel Aware\": false, \"x\": null, \"Plans\": [], \"e\": {}}} ] ");
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("Node Type", "Seq Scan");
        plan.put("Plan Rows", 1500.0);
        plan.put("Parallel Aware", false);
        plan.put("x", null);
        plan.put("Plans", List.of());
        plan.put("e", Map.of());
        assertEquals(List.of(Map.of("Plan", plan)), v);
        assertEquals(List.of("Node Type", "Plan Rows", "Parallel Aware", "x", "Plans", "e"),
                List.copyOf(((Map<?, ?>) ((Map<?, ?>) ((List<?>) v).get(0)).get("Plan")).keySet()));
    }

    @Test
    void decodesEscapes() {
        assertEquals("a\"b\\c/d\n\té€", JsonParser.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9€\""));
        assertEquals(Arrays.asList(-1.0, 0.25, true, null), JsonParser.parse("[-1,0.25,true,null]"));
    }

    @Test
    void rejectsBrokenText() {
        for (String bad : List.of("", "[1,", "{\"a\" 1}", "[1] x", "\"open", "tru", "{1:2}", "\"\\q\"", "[01x]")) {
            assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(bad), bad);
        }
    }
}
