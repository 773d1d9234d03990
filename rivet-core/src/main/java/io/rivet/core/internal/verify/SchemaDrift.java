package io.rivet.core.internal.verify;

import io.rivet.core.spi.Column;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a run's columns with the export's accepted schema: columns added, removed or retyped. */
public final class SchemaDrift {
    private SchemaDrift() {
    }

    /** The columns as stored in a baseline: {@code name type}, in order. */
    public static List<String> describe(List<Column> columns) {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            out.add(c.name() + " " + c.type());
        }
        return out;
    }

    /** One sentence per difference between {@code baseline} and {@code current} (empty when they agree). */
    public static List<String> changes(List<String> baseline, List<String> current) {
        Map<String, String> before = byName(baseline);
        Map<String, String> after = byName(current);
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) {
                changes.add("column " + e.getKey() + " added (" + e.getValue() + ")");
            } else if (!old.equals(e.getValue())) {
                changes.add("column " + e.getKey() + " changed from " + old + " to " + e.getValue());
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                changes.add("column " + name + " removed");
            }
        }
        return changes;
    }

    private static Map<String, String> byName(List<String> columns) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String c : columns) {
            int space = c.lastIndexOf(' ');
            // Types never contain a space, names may: split at the last one.
            map.put(c.substring(0, space), c.substring(space + 1));
        }
        return map;
    }
}
