package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Renders key and cursor values as MySQL literals that mean the same whatever the session's {@code sql_mode}: numbers
 * as they are (checked to be numbers), binary values as {@code X'hex'}, and text quoted with {@code ''} doubling, or,
 * when it holds a backslash or a control character (whose meaning depends on {@code NO_BACKSLASH_ESCAPES}), as
 * {@code _utf8mb4 X'hex'}: a literal of coercibility 4, so comparisons still use the column's own collation and its
 * index. Stateless.
 */
final class MySqlLiterals {
    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final Pattern HEX = Pattern.compile("([0-9a-fA-F]{2})*");

    private MySqlLiterals() {
    }

    /**
     * The literal for {@code text} (a value of {@code column} in the form {@link #text} produces).
     *
     * @throws IllegalArgumentException for a BIT column, or text that is not of the column's kind
     */
    static String literal(String text, Column column) {
        String source = column.sourceTypeName();
        if (source.startsWith("bit(")) {
            throw new IllegalArgumentException("Column \"" + column.name() + "\" has type " + source + ", which"
                    + " cannot serve as a key or cursor; use an integer, text, date or timestamp column.");
        }
        ColumnType.Kind kind = column.type().kind();
        if (kind == ColumnType.Kind.BINARY) {
            if (!HEX.matcher(text).matches()) {
                throw new IllegalArgumentException("A value of binary column \"" + column.name()
                        + "\" is not in hex form");
            }
            return "X'" + text + "'";
        }
        boolean numeric = switch (kind) {
            case BOOLEAN, INT16, INT32, DECIMAL, FLOAT32, FLOAT64 -> true;
            case INT64 -> !MySqlValueWriter.isTime(source);
            default -> false;
        };
        if (numeric) {
            if (!NUMBER.matcher(text).matches()) {
                throw new IllegalArgumentException("A value of numeric column \"" + column.name()
                        + "\" is not a number");
            }
            return text;
        }
        return quoted(text);
    }

    /** A string literal that reads the same in every sql_mode. */
    static String quoted(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c < 0x20) {
                return "_utf8mb4 X'" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)) + "'";
            }
        }
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * The text form of a value the server sent ({@code b}, in {@code field}'s character set): hex for binary columns
     * (BINARY kinds), the characters decoded for text, and the ASCII the server prints for numbers and dates.
     */
    static String text(byte[] b, MySqlField field, Column column) {
        if (column.type().kind() == ColumnType.Kind.BINARY) {
            return HexFormat.of().formatHex(b);
        }
        if (field.isStringFamily() && !field.binaryCharset() && field.encoding() != null) {
            return new String(b, Charset.forName(field.encoding()));
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
