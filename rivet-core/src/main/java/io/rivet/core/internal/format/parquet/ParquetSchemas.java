package io.rivet.core.internal.format.parquet;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps Rivet columns to a Parquet schema. Every column is OPTIONAL; lists use the standard three-level LIST layout
 * ({@code optional group c (LIST) { repeated group list { optional <t> element; } }}). See
 * {@code docs/design/002-formats.md} for the full table. Stateless.
 */
final class ParquetSchemas {

    /** The name of the Parquet message (the root group). */
    static final String MESSAGE_NAME = "rivet";
    /** The repeated group of a three-level list. */
    static final String LIST_GROUP = "list";

    private ParquetSchemas() {
    }

    /** The Parquet schema of {@code columns}, in order. */
    static MessageType messageType(List<Column> columns) {
        List<Type> fields = new ArrayList<>(columns.size());
        for (Column c : columns) {
            fields.add(field(c.name(), c.type()));
        }
        return new MessageType(MESSAGE_NAME, fields);
    }

    private static Type field(String name, ColumnType type) {
        if (type.kind() == ColumnType.Kind.LIST) {
            Type element = primitive(Column.LIST_ELEMENT, type.element());
            return Types.optionalGroup()
                    .as(LogicalTypeAnnotation.listType())
                    .addField(Types.repeatedGroup().addField(element).named(LIST_GROUP))
                    .named(name);
        }
        return primitive(name, type);
    }

    private static Type primitive(String name, ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
            case INT16 -> Types.optional(PrimitiveTypeName.INT32)
                    .as(LogicalTypeAnnotation.intType(16, true)).named(name);
            case INT32 -> Types.optional(PrimitiveTypeName.INT32).named(name);
            case INT64 -> Types.optional(PrimitiveTypeName.INT64).named(name);
            case FLOAT32 -> Types.optional(PrimitiveTypeName.FLOAT).named(name);
            case FLOAT64 -> Types.optional(PrimitiveTypeName.DOUBLE).named(name);
            case DECIMAL -> decimal(name, type.precision(), type.scale());
            case STRING -> Types.optional(PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.stringType()).named(name);
            case JSON -> Types.optional(PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.jsonType()).named(name);
            case UUID -> Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16)
                    .as(LogicalTypeAnnotation.uuidType()).named(name);
            case BINARY -> Types.optional(PrimitiveTypeName.BINARY).named(name);
            case DATE -> Types.optional(PrimitiveTypeName.INT32)
                    .as(LogicalTypeAnnotation.dateType()).named(name);
            case TIME_MICROS -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named(name);
            case TIMESTAMP_MICROS -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
            case TIMESTAMP_MICROS_UTC -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
            case LIST -> throw new IllegalArgumentException("nested lists are not supported (column " + name + ")");
        };
    }

    private static Type decimal(String name, int precision, int scale) {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(scale, precision);
        if (precision <= 9) {
            return Types.optional(PrimitiveTypeName.INT32).as(decimal).named(name);
        }
        if (precision <= 18) {
            return Types.optional(PrimitiveTypeName.INT64).as(decimal).named(name);
        }
        return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(decimalBytes(precision))
                .as(decimal).named(name);
    }

    /**
     * The fewest bytes whose two's complement holds every unscaled value of {@code precision} digits: the smallest n
     * with 2^(8n-1) > 10^precision - 1.
     */
    static int decimalBytes(int precision) {
        BigInteger max = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
        // bitLength excludes the sign bit, so add one for it.
        return (max.bitLength() + 1 + 7) / 8;
    }
}
