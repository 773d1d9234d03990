package io.rivet.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A YAML mapping at a known path (e.g. {@code exports[0].tuning}), with typed getters that report every problem to a
 * shared {@link Problems} instead of throwing, so that one pass finds all mistakes. Unknown keys are reported when the
 * object is created. Getters return {@code null} for an absent key or a bad value (the problem is then recorded).
 * Not thread-safe.
 */
final class YamlObject {
    private final JsonNode node;
    private final String path;
    private final Problems problems;

    private YamlObject(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * Wraps {@code node} as a mapping at {@code path} whose keys must be in {@code keys}; reports a non-mapping or
     * each unknown key and returns {@code null} for a non-mapping.
     */
    static YamlObject of(JsonNode node, String path, Keys keys, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add((path.isEmpty() ? "the file" : path) + " must be a mapping of keys to values"
                    + (path.isEmpty() ? " (source:, exports:, ...)" : "") + " but is " + describe(node));
            return null;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (keys.allows(key)) {
                continue;
            }
            String full = join(path, key);
            String advice = keys.adviceFor(key, full);
            if (advice != null) {
                problems.add(advice);
                continue;
            }
            String suggestion = DidYouMean.suggest(key, keys.allowed());
            problems.add("unknown key \"" + full + "\" — "
                    + (suggestion != null ? "did you mean \"" + suggestion + "\"?"
                            : "allowed keys here: " + String.join(", ", keys.allowed())));
        }
        return new YamlObject(node, path, problems);
    }

    /** The path of {@code key} below this object. */
    String pathOf(String key) {
        return join(path, key);
    }

    String path() {
        return path;
    }

    Problems problems() {
        return problems;
    }

    /** Whether {@code key} is present and not null. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The raw node, or {@code null}. */
    JsonNode raw(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** A scalar as text (numbers and booleans too), trimmed; blank text is reported and gives {@code null}. */
    String string(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(pathOf(key) + " must be a single value but is " + describe(v));
            return null;
        }
        String text = v.asText().trim();
        if (text.isEmpty()) {
            problems.add(pathOf(key) + " is empty; give it a value or remove the key");
            return null;
        }
        return text;
    }

    /** A required scalar: reports its absence with {@code hint}. */
    String requiredString(String key, String hint) {
        if (!has(key)) {
            problems.add(pathOf(key) + " is required: " + hint);
            return null;
        }
        return string(key);
    }

    /**
     * A whole number in {@code min..max}. Accepts YAML integers ({@code 100_000} too) and quoted digits; reports
     * anything else with the accepted range.
     */
    Long whole(String key, long min, long max) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        Long value = null;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.asLong();
        } else if (v.isTextual() && v.asText().trim().matches("[0-9][0-9_]*")) {
            try {
                value = Long.parseLong(v.asText().trim().replace("_", ""));
            } catch (NumberFormatException tooLarge) {
                value = null;
            }
        }
        if (value == null || value < min || value > max) {
            problems.add(pathOf(key) + " must be a whole number from " + min + " to " + max + " but is "
                    + describe(v));
            return null;
        }
        return value;
    }

    /** A whole number that fits an int, in {@code min..max}. */
    Integer integer(String key, int min, int max) {
        Long v = whole(key, min, max);
        return v == null ? null : v.intValue();
    }

    /** A number (fractions allowed) in {@code min..max}. */
    Double decimal(JsonNode v, String fullPath, double min, double max) {
        if (v == null || !v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            problems.add(fullPath + " must be a number from " + min + " to " + max + " but is " + describe(v));
            return null;
        }
        return v.asDouble();
    }

    /** {@code true} or {@code false}. */
    Boolean bool(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            problems.add(pathOf(key) + " must be true or false but is " + describe(v));
            return null;
        }
        return v.asBoolean();
    }

    /** A nested mapping, or {@code null} when absent or not a mapping (reported). */
    YamlObject object(String key, Keys keys) {
        JsonNode v = raw(key);
        return v == null ? null : of(v, pathOf(key), keys, problems);
    }

    /** A list of non-blank scalars; a single scalar is reported, not promoted, so that the YAML stays explicit. */
    List<String> stringList(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problems.add(pathOf(key) + " must be a list, e.g. [a, b], but is " + describe(v));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (item == null || !item.isValueNode() || item.isNull() || item.asText().isBlank()) {
                problems.add(pathOf(key) + "[" + i + "] must be a non-empty value but is " + describe(item));
            } else {
                out.add(item.asText().trim());
            }
        }
        return out;
    }

    /** The fields of a nested plain mapping (no key check), or {@code null} when absent or not a mapping. */
    Iterator<Map.Entry<String, JsonNode>> fields(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            problems.add(pathOf(key) + " must be a mapping, e.g. {email: 0.05}, but is " + describe(v));
            return null;
        }
        return v.fields();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Describes a value for a message: its kind, and its text for short scalars (never used for secret keys). */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        if (v.isNull()) {
            return "empty";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        String text = v.asText();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return v.isTextual() ? "\"" + text + "\"" : text;
    }
}
