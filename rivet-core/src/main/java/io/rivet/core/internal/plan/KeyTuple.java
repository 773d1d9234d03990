package io.rivet.core.internal.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a keyset boundary (one text value per key column, as the dialect's {@code keyText} rendered it) as a JSON
 * array of strings, the form stored in chunk checkpoints: {@code ["acme","2024-01-01 10:00:00"]}. Stateless.
 */
public final class KeyTuple {
    private KeyTuple() {
    }

    /** The JSON array of {@code values} (none may be null). */
    public static String encode(List<String> values) {
        StringBuilder b = new StringBuilder(values.size() * 16).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String v = values.get(i);
            if (v == null) {
                throw new IllegalArgumentException("a key value cannot be NULL");
            }
            b.append('"');
            for (int k = 0; k < v.length(); k++) {
                char ch = v.charAt(k);
                switch (ch) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            b.append(String.format("\\u%04x", (int) ch));
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    /**
     * Parses what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when {@code text} is not a JSON array of strings (a corrupted checkpoint)
     */
    public static List<String> decode(String text) {
        List<String> out = new ArrayList<>();
        int i = skip(text, 0);
        expect(text, i++, '[');
        i = skip(text, i);
        if (i < text.length() && text.charAt(i) == ']') {
            return out;
        }
        while (true) {
            i = skip(text, i);
            expect(text, i++, '"');
            StringBuilder v = new StringBuilder();
            while (true) {
                if (i >= text.length()) {
                    throw bad(text);
                }
                char ch = text.charAt(i++);
                if (ch == '"') {
                    break;
                }
                if (ch != '\\') {
                    v.append(ch);
                    continue;
                }
                if (i >= text.length()) {
                    throw bad(text);
                }
                char e = text.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> v.append(e);
                    case 'n' -> v.append('\n');
                    case 'r' -> v.append('\r');
                    case 't' -> v.append('\t');
                    case 'b' -> v.append('\b');
                    case 'f' -> v.append('\f');
                    case 'u' -> {
                        if (i + 4 > text.length()) {
                            throw bad(text);
                        }
                        try {
                            v.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw bad(text);
                        }
                        i += 4;
                    }
                    default -> throw bad(text);
                }
            }
            out.add(v.toString());
            i = skip(text, i);
            if (i >= text.length()) {
                throw bad(text);
            }
            char sep = text.charAt(i++);
            if (sep == ']') {
                if (skip(text, i) != text.length()) {
                    throw bad(text);
                }
                return out;
            }
            if (sep != ',') {
                throw bad(text);
            }
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void expect(String s, int i, char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw bad(s);
        }
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("not a stored key tuple (a JSON array of strings) of "
                + s.length() + " characters");
    }
}
