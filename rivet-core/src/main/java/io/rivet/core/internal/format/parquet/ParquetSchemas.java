package io.rivet.core.internal.format.parquet;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.DecimalType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.IEEE754TotalOrder;
import org.apache.parquet.format.IntType;
import org.apache.parquet.format.JsonType;
import org.apache.parquet.format.ListType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeType;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.UUIDType;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.OriginalType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps Rivet columns to a Parquet schema. Every column is OPTIONAL; lists use the standard three-level LIST layout
 * ({@code optional group c (LIST) { repeated group list { optional <t> element; } }}). See
 * {@code docs/design/002-formats.md} for the full table. Also writes that schema in the footer's form (schema
 * elements, column orders) for the annotations Rivet uses: parquet-java's {@code ParquetMetadataConverter} has the
 * same conversions ({@code toParquetSchema}, {@code getType}, {@code convertToLogicalType}) but keeps them
 * package-private, and its public entry point converts a whole {@code ParquetMetadata}, the object model Rivet's own
 * file layout no longer builds. Stateless.
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

    /** {@code schema} as the footer's flattened list of schema elements, depth first, the root first. */
    static List<SchemaElement> schemaElements(MessageType schema) {
        List<SchemaElement> elements = new ArrayList<>();
        elements.add(new SchemaElement(schema.getName()).setNum_children(schema.getFieldCount()));
        for (Type field : schema.getFields()) {
            addElements(field, elements);
        }
        return elements;
    }

    private static void addElements(Type type, List<SchemaElement> elements) {
        SchemaElement element = new SchemaElement(type.getName())
                .setRepetition_type(FieldRepetitionType.valueOf(type.getRepetition().name()));
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        if (annotation != null) {
            OriginalType converted = annotation.toOriginalType();
            if (converted != null) {
                element.setConverted_type(ConvertedType.valueOf(converted.name()));
            }
            element.setLogicalType(logicalType(annotation));
            if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
                element.setScale(d.getScale()).setPrecision(d.getPrecision());
            }
        }
        if (type.isPrimitive()) {
            PrimitiveType p = type.asPrimitiveType();
            element.setType(physicalType(p.getPrimitiveTypeName()));
            if (p.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                element.setType_length(p.getTypeLength());
            }
            elements.add(element);
            return;
        }
        GroupType group = type.asGroupType();
        elements.add(element.setNum_children(group.getFieldCount()));
        for (Type child : group.getFields()) {
            addElements(child, elements);
        }
    }

    /** The footer's name of a physical type. */
    static org.apache.parquet.format.Type physicalType(PrimitiveTypeName type) {
        return switch (type) {
            case BOOLEAN -> org.apache.parquet.format.Type.BOOLEAN;
            case INT32 -> org.apache.parquet.format.Type.INT32;
            case INT64 -> org.apache.parquet.format.Type.INT64;
            case INT96 -> org.apache.parquet.format.Type.INT96;
            case FLOAT -> org.apache.parquet.format.Type.FLOAT;
            case DOUBLE -> org.apache.parquet.format.Type.DOUBLE;
            case BINARY -> org.apache.parquet.format.Type.BYTE_ARRAY;
            case FIXED_LEN_BYTE_ARRAY -> org.apache.parquet.format.Type.FIXED_LEN_BYTE_ARRAY;
        };
    }

    /** The footer's form of the annotations {@link #messageType} uses. */
    private static LogicalType logicalType(LogicalTypeAnnotation annotation) {
        if (annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
            return LogicalType.STRING(new StringType());
        }
        if (annotation instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return LogicalType.JSON(new JsonType());
        }
        if (annotation instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
            return LogicalType.UUID(new UUIDType());
        }
        if (annotation instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return LogicalType.DATE(new DateType());
        }
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return LogicalType.LIST(new ListType());
        }
        if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            return LogicalType.DECIMAL(new DecimalType(d.getScale(), d.getPrecision()));
        }
        if (annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i) {
            return LogicalType.INTEGER(new IntType((byte) i.getBitWidth(), i.isSigned()));
        }
        if (annotation instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation t && t.getUnit() == TimeUnit.MICROS) {
            return LogicalType.TIME(new TimeType(t.isAdjustedToUTC(),
                    org.apache.parquet.format.TimeUnit.MICROS(new MicroSeconds())));
        }
        if (annotation instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
                && t.getUnit() == TimeUnit.MICROS) {
            return LogicalType.TIMESTAMP(new TimestampType(t.isAdjustedToUTC(),
                    org.apache.parquet.format.TimeUnit.MICROS(new MicroSeconds())));
        }
        throw new IllegalArgumentException("Rivet does not write the Parquet annotation " + annotation);
    }

    /** The footer's column orders, one per leaf column: IEEE 754 total order for floats, the type's order else. */
    static List<ColumnOrder> columnOrders(MessageType schema) {
        List<ColumnOrder> orders = new ArrayList<>();
        for (org.apache.parquet.column.ColumnDescriptor leaf : schema.getColumns()) {
            orders.add(switch (leaf.getPrimitiveType().columnOrder().getColumnOrderName()) {
                case IEEE_754_TOTAL_ORDER -> ColumnOrder.IEEE_754_TOTAL_ORDER(new IEEE754TotalOrder());
                case TYPE_DEFINED_ORDER -> ColumnOrder.TYPE_ORDER(new TypeDefinedOrder());
                case UNDEFINED -> throw new IllegalArgumentException("column " + leaf + " has no sort order");
            });
        }
        return orders;
    }
}
