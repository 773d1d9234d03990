package io.rivet.core.internal.util;

/**
 * JSON string escaping shared by everything that writes JSON text (CSV list cells, Parquet footer metadata, the
 * manifest, Slack messages). Escapes {@code "},
 * {@code \} and control characters below U+0020; everything else, including non-ASCII text, is copied as is, which
 * RFC 8259 allows. Stateless.
 */
public final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    /** Appends {@code s} as a quoted JSON string. */
    public static void appendString(StringBuilder out, CharSequence s) {
        out.append('"');
        appendEscaped(out, s);
        out.append('"');
    }

    /** Appends the escaped content of {@code s} without the surrounding quotes. */
    public static void appendEscaped(StringBuilder out, CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
