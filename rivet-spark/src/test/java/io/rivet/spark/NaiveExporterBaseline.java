package io.rivet.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Benchmark baseline (not a test): the "naive pgjdbc + parquet-avro exporter" of issue 3, what a team writes in an
 * afternoon. One connection, {@code SELECT *} streamed with the one setting every pgjdbc user learns (auto-commit off,
 * fetch size 1,000; with pgjdbc's defaults the whole result is read into memory first), one Avro
 * {@code GenericRecord} per row, one Parquet file through {@code AvroParquetWriter} with zstd and parquet-java's
 * other defaults. Numbers and timestamps keep their types; everything else (numeric, uuid, json, text) is written as a string.
 * One export per JVM, so that {@code scripts/bench-e2e.sh} measures its wall time and peak RSS as it measures Rivet's.
 *
 * <p>Arguments: {@code jdbcUrl table outputFile}. Prints one line: rows, seconds.
 */
public final class NaiveExporterBaseline {

    private NaiveExporterBaseline() {
    }

    /** Runs one export; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: NaiveExporterBaseline <jdbcUrl> <table> <outputFile>");
            System.exit(1);
        }
        long t0 = System.nanoTime();
        Path out = Path.of(args[2]);
        Files.deleteIfExists(out);
        long rows = 0;
        try (Connection c = DriverManager.getConnection(args[0]);
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.setFetchSize(1000);
            ResultSet rs = s.executeQuery("SELECT * FROM " + args[1]);
            ResultSetMetaData md = rs.getMetaData();
            Schema schema = schema(md);
            try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(out))
                    .withSchema(schema).withCompressionCodec(CompressionCodecName.ZSTD).build()) {
                int n = md.getColumnCount();
                while (rs.next()) {
                    GenericRecord r = new GenericData.Record(schema);
                    for (int i = 1; i <= n; i++) {
                        r.put(i - 1, value(rs, md.getColumnType(i), i));
                    }
                    writer.write(r);
                    rows++;
                }
            }
        }
        System.out.printf("naive %s: %d rows in %.2f s%n", args[1], rows, (System.nanoTime() - t0) / 1e9);
    }

    private static Schema schema(ResultSetMetaData md) throws Exception {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("row").fields();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Schema type = switch (md.getColumnType(i)) {
                case Types.BIGINT -> Schema.create(Schema.Type.LONG);
                case Types.INTEGER, Types.SMALLINT -> Schema.create(Schema.Type.INT);
                case Types.DOUBLE, Types.FLOAT -> Schema.create(Schema.Type.DOUBLE);
                case Types.REAL -> Schema.create(Schema.Type.FLOAT);
                case Types.BOOLEAN, Types.BIT -> Schema.create(Schema.Type.BOOLEAN);
                case Types.DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
                        LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
                default -> Schema.create(Schema.Type.STRING);
            };
            fields = fields.name(md.getColumnLabel(i)).type().unionOf().nullType().and().type(type).endUnion()
                    .nullDefault();
        }
        return fields.endRecord();
    }

    private static Object value(ResultSet rs, int sqlType, int i) throws Exception {
        Object v = switch (sqlType) {
            case Types.BIGINT -> rs.getLong(i);
            case Types.INTEGER, Types.SMALLINT -> rs.getInt(i);
            case Types.DOUBLE, Types.FLOAT -> rs.getDouble(i);
            case Types.REAL -> rs.getFloat(i);
            case Types.BOOLEAN, Types.BIT -> rs.getBoolean(i);
            case Types.DATE -> {
                java.sql.Date d = rs.getDate(i);
                yield d == null ? null : (int) d.toLocalDate().toEpochDay();
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                java.sql.Timestamp t = rs.getTimestamp(i);
                yield t == null ? null : t.getTime() * 1000 + (t.getNanos() / 1000) % 1000;
            }
            default -> rs.getString(i);
        };
        return rs.wasNull() ? null : v;
    }
}
