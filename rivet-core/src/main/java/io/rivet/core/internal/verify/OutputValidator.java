package io.rivet.core.internal.verify;

import io.rivet.CsvFormat;
import io.rivet.Format;
import io.rivet.Sink;
import io.rivet.core.internal.util.Hex;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.SinkException;
import io.rivet.state.FileRecord;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;

/**
 * Reads every published file of a run back from the sink and checks it against the ledger: the bytes (size and
 * SHA-256) and the row count, from the Parquet footer or by parsing the CSV records. It reads through the sink, so it
 * checks what a consumer would read, not what the writer meant to write.
 */
public final class OutputValidator {
    private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final String exportName;
    private final Sink sink;
    private final Format format;

    /** Validates files of {@code exportName} in {@code sink}, written in {@code format}. */
    public OutputValidator(String exportName, Sink sink, Format format) {
        this.exportName = exportName;
        this.sink = sink;
        this.format = format;
    }

    /**
     * Checks one file.
     *
     * @throws CheckFailedException when its size, checksum or row count differs from the ledger
     */
    public void check(FileRecord file) {
        try {
            checkBytes(file);
            long rows = format instanceof CsvFormat csv ? csvRows(file, csv) : parquetRows(file);
            if (rows != file.rows()) {
                throw mismatch(file, "rows", file.rows(), rows);
            }
        } catch (IOException e) {
            throw new SinkException(exportName, sink.location(), file.key(), "Export \"" + exportName
                    + "\": validation could not read back " + file.key() + ": " + e.getMessage(), e, true);
        }
    }

    private void checkBytes(FileRecord file) throws IOException {
        MessageDigest digest = Hex.sha256();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = sink.read(file.key())) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        if (size != file.bytes()) {
            throw mismatch(file, "bytes", file.bytes(), size);
        }
        String sha = Hex.of(digest.digest());
        if (!sha.equals(file.sha256())) {
            throw new CheckFailedException(exportName, "validate", file.sha256(), sha, "Export \"" + exportName
                    + "\": validation failed for " + file.key() + ": its SHA-256 read back is " + sha + " but "
                    + file.sha256() + " was written. The destination changed the file; nothing was published.");
        }
    }

    private long parquetRows(FileRecord file) throws IOException {
        byte[] tail = readRange(file.key(), file.bytes() - 8, 8);
        int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        for (int i = 0; i < 4; i++) {
            if (tail[4 + i] != PARQUET_MAGIC[i]) {
                throw new CheckFailedException(exportName, "validate", "a Parquet footer", "no PAR1 magic",
                        "Export \"" + exportName + "\": validation failed for " + file.key()
                                + ": it does not end like a Parquet file. Nothing was published.");
            }
        }
        byte[] footer = readRange(file.key(), file.bytes() - 8 - footerLength, footerLength);
        FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
        return meta.getNum_rows();
    }

    private long csvRows(FileRecord file, CsvFormat csv) throws IOException {
        CSVFormat parse = CSVFormat.RFC4180.builder().setDelimiter(csv.delimiter()).get();
        long records = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(sink.read(file.key()),
                StandardCharsets.UTF_8), 64 * 1024);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(parse).get()) {
            for (var ignored : parser) {
                records++;
            }
        }
        return csv.header() ? Math.max(0, records - 1) : records;
    }

    private byte[] readRange(String key, long offset, int length) throws IOException {
        try (InputStream in = sink.read(key)) {
            long skipped = 0;
            while (skipped < offset) {
                long n = in.skip(offset - skipped);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("unexpected end of " + key + " at " + skipped);
                    }
                    n = 1;
                }
                skipped += n;
            }
            byte[] out = in.readNBytes(length);
            if (out.length != length) {
                throw new IOException("unexpected end of " + key);
            }
            return out;
        }
    }

    private CheckFailedException mismatch(FileRecord file, String what, long written, long read) {
        return new CheckFailedException(exportName, "validate", written + " " + what, read + " " + what,
                "Export \"" + exportName + "\": validation failed for " + file.key() + ": " + written + " " + what
                        + " were written but " + read + " read back. Nothing was published; run the export again.");
    }
}
