package io.rivet.core.spi;

import io.rivet.Incubating;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * One column of an export's result: its name, logical type, and the source's own name for its type. Immutable.
 *
 * @param name the column name as the source reports it
 * @param type the logical type
 * @param sourceTypeName the source's type name, e.g. {@code int8}, {@code numeric}, {@code _text}
 */
@Incubating(since = "0.1")
public record Column(String name, ColumnType type, String sourceTypeName) implements java.io.Serializable {

    /** Field metadata key holding the logical type (e.g. {@code json}, {@code uuid}). */
    public static final String LOGICAL_TYPE_KEY = "rivet.logical_type";
    /** Field metadata key holding the source's type name. */
    public static final String SOURCE_TYPE_KEY = "rivet.source_type";
    /** The name of a list's element field (Parquet's standard). */
    public static final String LIST_ELEMENT = "element";

    /** Checks its arguments. */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sourceTypeName, "sourceTypeName");
    }

    /** The Arrow field for this column: always nullable, with the logical and source type in its metadata. */
    public Field arrowField() {
        Map<String, String> meta = Map.of(LOGICAL_TYPE_KEY, type.toString(), SOURCE_TYPE_KEY, sourceTypeName);
        if (type.kind() == ColumnType.Kind.LIST) {
            ColumnType e = type.element();
            Field child = new Field(LIST_ELEMENT, new FieldType(true, e.arrowType(), null,
                    Map.of(LOGICAL_TYPE_KEY, e.toString())), null);
            return new Field(name, new FieldType(true, type.arrowType(), null, meta), List.of(child));
        }
        return new Field(name, new FieldType(true, type.arrowType(), null, meta), null);
    }
}
