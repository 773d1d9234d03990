package io.rivet.core.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a type-fidelity golden file ({@code src/test/resources/golden/<dialect>-types.txt}): for each column type, the
 * DuckDB type its CSV text is cast to, how values are compared, and the edge values as SQL literals with the server's
 * canonical rendering. The format is described at the top of each file.
 */
final class GoldenTypes {
    private static final Pattern HEADER = Pattern.compile("\\[(.+)] duck=(\\S+) render=(\\S+)");

    /**
     * One column type of the matrix.
     *
     * @param index position in the file (names the test table)
     * @param type the column type, as written in CREATE TABLE
     * @param duckType the DuckDB type CSV text is cast to
     * @param render how values are rendered and compared: {@code text}, {@code float}, {@code hex}, {@code list},
     *     {@code utc}, {@code micros} (see the test)
     * @param values the edge values
     */
    record Type(int index, String type, String duckType, String render, List<Value> values) {
        String table() {
            return "golden_" + index;
        }

        @Override
        public String toString() {
            return type;
        }
    }

    /**
     * One edge value.
     *
     * @param literal SQL literal
     * @param expected the server's canonical rendering; null for SQL NULL
     * @param lossy whether the export is known not to keep the value (marked {@code (lossy)}; see design note 011)
     */
    record Value(String literal, String expected, boolean lossy) {
    }

    private GoldenTypes() {
    }

    static List<Type> load(String resource) {
        List<Type> out = new ArrayList<>();
        String text;
        try (InputStream in = GoldenTypes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String type = null;
        String duck = null;
        String render = null;
        List<Value> values = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                if (type != null) {
                    out.add(new Type(out.size() + 1, type, duck, render, List.copyOf(values)));
                }
                type = m.group(1);
                duck = m.group(2);
                render = m.group(3);
                values = new ArrayList<>();
                continue;
            }
            int arrow = line.indexOf(" => ");
            if (arrow < 0 || values == null) {
                throw new IllegalStateException(resource + ": cannot read line: " + line);
            }
            String expected = line.substring(arrow + 4);
            boolean lossy = expected.endsWith(" (lossy)");
            if (lossy) {
                expected = expected.substring(0, expected.length() - " (lossy)".length());
            }
            values.add(new Value(line.substring(0, arrow), decode(expected), lossy));
        }
        if (type != null) {
            out.add(new Type(out.size() + 1, type, duck, render, List.copyOf(values)));
        }
        return out;
    }

    private static String decode(String expected) {
        return switch (expected) {
            case "NULL" -> null;
            case "<empty>" -> "";
            case "<NULL>" -> "NULL";
            default -> expected.replace("<lf>", "\n").replace("<tab>", "\t");
        };
    }
}
