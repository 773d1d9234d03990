package io.rivet.core.internal.format.csv;

import io.rivet.core.internal.util.JsonText;
import io.rivet.core.internal.util.UncheckedBuffer;
import io.rivet.core.spi.ColumnType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Renders the values of one Arrow vector as CSV cell text (see {@link CsvText} for the forms), and as JSON for list
 * elements. It reads the Arrow buffers directly and appends to a caller's reused {@link StringBuilder}.
 *
 * <p>{@link #bind} is called for each batch; the renderer keeps no reference to a batch after it. Not thread-safe.
 */
abstract class CellRenderer {

    // Read unchecked: a renderer reads only the rows of the batch it was bound with.
    final UncheckedBuffer validity = new UncheckedBuffer();
    final UncheckedBuffer data = new UncheckedBuffer();

    /** Creates the renderer for {@code type}. */
    static CellRenderer create(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> new BooleanRenderer();
            case INT16 -> new ShortRenderer();
            case INT32 -> new IntRenderer();
            case INT64 -> new LongRenderer();
            case FLOAT32 -> new FloatRenderer();
            case FLOAT64 -> new DoubleRenderer();
            case DECIMAL -> new DecimalRenderer(type.scale());
            case STRING -> new TextRenderer(false);
            case JSON -> new TextRenderer(true);
            case UUID -> new UuidRenderer();
            case BINARY -> new HexRenderer();
            case DATE -> new DateRenderer();
            case TIME_MICROS -> new TimeRenderer();
            case TIMESTAMP_MICROS -> new TimestampRenderer(false);
            case TIMESTAMP_MICROS_UTC -> new TimestampRenderer(true);
            case LIST -> new ListRenderer(create(type.element()));
        };
    }

    /** Points this renderer at the buffers of {@code vector} for the current batch. */
    void bind(FieldVector vector) {
        validity.bind(vector.getValidityBuffer());
        data.bind(vector.getDataBuffer());
    }

    final boolean isNull(int index) {
        return validity.bit(index) == 0;
    }

    /** Appends the cell text of the non-null value at {@code index}. */
    abstract void render(int index, StringBuilder sb);

    /** Appends the non-null value at {@code index} as a JSON value; by default the cell text as a JSON string. */
    void renderJson(int index, StringBuilder sb) {
        sb.append('"');
        render(index, sb);
        sb.append('"');
    }

    static final class BooleanRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.bit(index) != 0 ? "true" : "false");
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }

    static final class ShortRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.getShort(index * 2L));
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }

    static final class IntRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.getInt(index * 4L));
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }

    static final class LongRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.getLong(index * 8L));
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }

    /** Java's float text ({@code 1.0E10}, {@code NaN}, {@code -Infinity}); JSON has no NaN, so lists quote them. */
    static final class FloatRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.getFloat(index * 4L));
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            if (Float.isFinite(data.getFloat(index * 4L))) {
                render(index, sb);
            } else {
                super.renderJson(index, sb);
            }
        }
    }

    static final class DoubleRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            sb.append(data.getDouble(index * 8L));
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            if (Double.isFinite(data.getDouble(index * 8L))) {
                render(index, sb);
            } else {
                super.renderJson(index, sb);
            }
        }
    }

    static final class DecimalRenderer extends CellRenderer {
        private final int scale;

        DecimalRenderer(int scale) {
            this.scale = scale;
        }

        @Override
        void render(int index, StringBuilder sb) {
            CsvText.appendDecimal(sb, data, index * 16L, scale);
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }

    static final class DateRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            CsvText.appendDate(sb, data.getInt(index * 4L));
        }
    }

    static final class TimeRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            CsvText.appendTime(sb, data.getLong(index * 8L));
        }
    }

    static final class TimestampRenderer extends CellRenderer {
        private final boolean utc;

        TimestampRenderer(boolean utc) {
            this.utc = utc;
        }

        @Override
        void render(int index, StringBuilder sb) {
            CsvText.appendTimestamp(sb, data.getLong(index * 8L), utc);
        }
    }

    static final class UuidRenderer extends CellRenderer {
        @Override
        void render(int index, StringBuilder sb) {
            CsvText.appendUuid(sb, data, index * 16L);
        }
    }

    static final class HexRenderer extends CellRenderer {
        private final UncheckedBuffer offsets = new UncheckedBuffer();

        @Override
        void bind(FieldVector vector) {
            super.bind(vector);
            offsets.bind(vector.getOffsetBuffer());
        }

        @Override
        void render(int index, StringBuilder sb) {
            int start = offsets.getInt(index * 4L);
            int end = offsets.getInt(index * 4L + 4);
            CsvText.appendHex(sb, data, start, end - start);
        }
    }

    /**
     * UTF-8 text decoded without a String per value: ASCII is widened byte by byte, anything else goes through a reused
     * decoder (malformed bytes become U+FFFD). JSON documents are embedded raw in list JSON, strings escaped.
     */
    static final class TextRenderer extends CellRenderer {
        private final boolean json;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final StringBuilder text = new StringBuilder();
        private final UncheckedBuffer offsets = new UncheckedBuffer();
        private byte[] bytes = new byte[256];
        private ByteBuffer byteView = ByteBuffer.wrap(bytes);
        private CharBuffer chars = CharBuffer.allocate(256);

        TextRenderer(boolean json) {
            this.json = json;
        }

        @Override
        void bind(FieldVector vector) {
            super.bind(vector);
            offsets.bind(vector.getOffsetBuffer());
        }

        @Override
        void render(int index, StringBuilder sb) {
            int start = offsets.getInt(index * 4L);
            int len = offsets.getInt(index * 4L + 4) - start;
            if (len > bytes.length) {
                bytes = new byte[Math.max(len, bytes.length * 2)];
                byteView = ByteBuffer.wrap(bytes);
                chars = CharBuffer.allocate(bytes.length);
            }
            data.getBytes(start, bytes, 0, len);
            int ascii = 0;
            while (ascii < len && bytes[ascii] >= 0) {
                ascii++;
            }
            if (ascii == len) {
                for (int k = 0; k < len; k++) {
                    sb.append((char) bytes[k]);
                }
                return;
            }
            byteView.clear().limit(len);
            chars.clear();
            decoder.reset();
            // UTF-8 never yields more UTF-16 units than bytes, so one pass into a buffer of len chars suffices.
            decoder.decode(byteView, chars, true);
            decoder.flush(chars);
            chars.flip();
            sb.append(chars);
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            if (json) {
                render(index, sb);
                return;
            }
            text.setLength(0);
            render(index, text);
            JsonText.appendString(sb, text);
        }
    }

    /** A list as a JSON array: {@code [1,null,3]}, {@code ["a","b"]}, {@code []}. */
    static final class ListRenderer extends CellRenderer {
        private final CellRenderer element;
        private final UncheckedBuffer offsets = new UncheckedBuffer();

        ListRenderer(CellRenderer element) {
            this.element = element;
        }

        @Override
        void bind(FieldVector vector) {
            validity.bind(vector.getValidityBuffer());
            offsets.bind(vector.getOffsetBuffer());
            element.bind(((ListVector) vector).getDataVector());
        }

        @Override
        void render(int index, StringBuilder sb) {
            int start = offsets.getInt(index * 4L);
            int end = offsets.getInt(index * 4L + 4);
            sb.append('[');
            for (int j = start; j < end; j++) {
                if (j > start) {
                    sb.append(',');
                }
                if (element.isNull(j)) {
                    sb.append("null");
                } else {
                    element.renderJson(j, sb);
                }
            }
            sb.append(']');
        }

        @Override
        void renderJson(int index, StringBuilder sb) {
            render(index, sb);
        }
    }
}
