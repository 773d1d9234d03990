package io.rivet.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.rivet.Compression;
import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.ParquetFormat;
import io.rivet.Quality;
import io.rivet.SchemaDriftPolicy;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.exception.InvalidExportException;
import io.rivet.sink.gcs.internal.GcsSinkProvider;
import io.rivet.sink.s3.internal.S3SinkProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns one {@code exports[i]} entry into an {@link Export}, reporting every problem it finds. */
final class ExportParser {
    private static final List<String> MODES = List.of("full", "incremental", "chunked", "time_window");
    /** Keys that only one mode reads, so that a key left over from another mode is not silently ignored. */
    private static final Map<String, String> MODE_OF_KEY = new LinkedHashMap<>();
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

    static {
        MODE_OF_KEY.put("cursor_column", "incremental");
        MODE_OF_KEY.put("tie_breaker_column", "incremental");
        MODE_OF_KEY.put("lookback_s", "incremental");
        MODE_OF_KEY.put("chunk_column", "chunked");
        MODE_OF_KEY.put("chunk_size", "chunked");
        MODE_OF_KEY.put("parallel", "chunked");
        MODE_OF_KEY.put("time_column", "time_window");
        MODE_OF_KEY.put("days_window", "time_window");
    }

    /**
     * Destination keys each object store reads (besides type, bucket and prefix): the provider's own option list, so
     * a key a provider reads can never be refused here (as {@code parts_in_flight} once was).
     */
    private static final List<String> S3_KEYS = S3SinkProvider.OPTIONS;
    private static final List<String> GCS_KEYS = GcsSinkProvider.OPTIONS;

    private final YamlObject e;
    private final Problems problems;
    private final Path baseDirectory;
    private final Map<String, String> env;
    private String label;

    private ExportParser(YamlObject e, Path baseDirectory, Map<String, String> env) {
        this.e = e;
        this.problems = e.problems();
        this.baseDirectory = baseDirectory;
        this.env = env;
    }

    /**
     * Builds the export, or returns {@code null} after reporting its problems.
     *
     * @param source the parsed source, or {@code null} when it had problems (the export is then checked, not built)
     * @param sourceTuning {@code source.tuning}, which this export's {@code tuning} overrides field by field
     */
    static Export parse(YamlObject e, Source source, Tuning sourceTuning, Path baseDirectory,
            Map<String, String> env) {
        return new ExportParser(e, baseDirectory, env).parse(source, sourceTuning);
    }

    private Export parse(Source source, Tuning sourceTuning) {
        int before = problems.size();
        String name = e.requiredString("name", "a unique name; it names the output prefix and the stored state");
        label = e.path() + (name == null ? "" : " (\"" + name + "\")");

        Export.Builder b = Export.builder();
        if (name != null) {
            b.name(name);
        }
        if (source != null) {
            b.source(source);
        }
        boolean isTable = what(b);
        Mode mode = mode(isTable);
        if (mode != null) {
            b.mode(mode);
        }
        Format format = format();
        if (format != null) {
            b.format(format);
        }
        DataSize maxFileSize = dataSize("max_file_size", 1024);
        if (maxFileSize != null) {
            b.maxFileSize(maxFileSize);
        }
        Boolean skipEmpty = e.bool("skip_empty");
        if (skipEmpty != null) {
            b.skipEmpty(skipEmpty);
        }
        Boolean strictTypes = e.bool("strict_types");
        if (strictTypes != null) {
            b.strictTypes(strictTypes);
        }
        String drift = e.string("on_schema_drift");
        if (drift != null) {
            try {
                b.onSchemaDrift(SchemaDriftPolicy.parse(drift));
            } catch (IllegalArgumentException bad) {
                e.problems().add(e.pathOf("on_schema_drift") + " is \"" + drift + "\"; use warn, continue or fail");
            }
        }
        Sink sink = destination();
        if (sink != null) {
            b.sink(sink);
        }
        Quality quality = quality();
        if (quality != null) {
            b.quality(quality);
        }
        Tuning tuning = sourceTuning.overriddenBy(Tuning.parse(e.object("tuning", Keys.TUNING)));

        if (problems.size() > before || source == null) {
            return null;
        }
        tuning.applyTo(b);
        try {
            return b.build();
        } catch (InvalidExportException ex) {
            ex.violations().forEach(v -> problems.add(label + ": " + v));
            return null;
        }
    }

    /** Sets the table or query; returns whether it is a table. Exactly one of table, query, query_file. */
    private boolean what(Export.Builder b) {
        int given = (e.has("table") ? 1 : 0) + (e.has("query") ? 1 : 0) + (e.has("query_file") ? 1 : 0);
        if (given != 1) {
            problems.add(label + (given == 0 ? " needs" : " must have only one of")
                    + " table (schema.table), query (a SELECT) or query_file (a .sql file beside the config)");
            return e.has("table");
        }
        if (e.has("table")) {
            String table = e.string("table");
            if (table != null) {
                b.table(table);
            }
            return true;
        }
        String query = e.has("query") ? e.string("query") : queryFile();
        if (query != null) {
            b.query(stripTrailingSemicolon(query));
        }
        return false;
    }

    private String queryFile() {
        String file = e.string("query_file");
        if (file == null) {
            return null;
        }
        String where = e.pathOf("query_file");
        Path relative;
        try {
            relative = Path.of(file);
        } catch (InvalidPathException ex) {
            problems.add(where + " is not a valid path: \"" + file + "\"");
            return null;
        }
        // The config may come from another team; keep it from reading files outside its own directory.
        if (relative.isAbsolute() || file.startsWith("/") || file.startsWith("\\")) {
            problems.add(where + " must be a path relative to the config file's directory, not an absolute path"
                    + " (\"" + file + "\")");
            return null;
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                problems.add(where + " must stay inside the config file's directory; \"..\" is not allowed (\""
                        + file + "\")");
                return null;
            }
        }
        Path resolved = baseDirectory.resolve(relative).normalize();
        try {
            String sql = Files.readString(resolved, StandardCharsets.UTF_8);
            if (sql.isBlank()) {
                problems.add(where + " names an empty file: " + resolved);
                return null;
            }
            return sql;
        } catch (IOException ex) {
            problems.add(where + " cannot be read: " + resolved + " ("
                    + (Files.exists(resolved) ? ex.getClass().getSimpleName() : "no such file") + ")");
            return null;
        }
    }

    private static String stripTrailingSemicolon(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    private Mode mode(boolean isTable) {
        String modeName = e.has("mode") ? e.string("mode") : "full";
        if (modeName == null) {
            return null;
        }
        modeName = modeName.toLowerCase(Locale.ROOT);
        if (!MODES.contains(modeName)) {
            String hint = DidYouMean.suggest(modeName, MODES);
            problems.add(e.pathOf("mode") + " must be full, incremental, chunked or time_window but is \"" + modeName
                    + "\"" + (hint == null ? "" : " — did you mean \"" + hint + "\"?"));
            return null;
        }
        for (Map.Entry<String, String> k : MODE_OF_KEY.entrySet()) {
            if (e.has(k.getKey()) && !k.getValue().equals(modeName)) {
                problems.add(e.pathOf(k.getKey()) + " is set, but " + label + " has mode " + modeName + "; "
                        + k.getKey() + " needs mode: " + k.getValue() + " (set the mode or remove the key)");
            }
        }
        return switch (modeName) {
            case "incremental" -> incremental();
            case "chunked" -> chunked(isTable);
            case "time_window" -> timeWindow();
            default -> Mode.full();
        };
    }

    private Mode incremental() {
        String cursor = e.requiredString("cursor_column",
                "incremental mode reads rows whose cursor column passed the last run's value");
        String tieBreaker = e.string("tie_breaker_column");
        Long lookback = e.whole("lookback_s", 0, 366L * 86_400);
        if (cursor == null) {
            return null;
        }
        var mode = Mode.incremental(cursor);
        if (tieBreaker != null) {
            mode = mode.tieBreaker(tieBreaker);
        }
        if (lookback != null) {
            mode = mode.lookback(Duration.ofSeconds(lookback));
        }
        return mode;
    }

    private Mode chunked(boolean isTable) {
        String column = e.string("chunk_column");
        Long chunkSize = e.whole("chunk_size", 1, Long.MAX_VALUE);
        Integer parallel = e.integer("parallel", 1, 64);
        if (column == null && !e.has("chunk_column") && !isTable) {
            problems.add(e.pathOf("chunk_column") + " is required: " + label + " reads a query, and only a table's"
                    + " primary key can be found without it");
            return null;
        }
        if (column == null && e.has("chunk_column")) {
            return null;
        }
        var mode = column == null ? Mode.chunked() : Mode.chunked(column);
        if (chunkSize != null) {
            mode = mode.chunkSize(chunkSize);
        }
        if (parallel != null) {
            mode = mode.parallelism(parallel);
        }
        return mode;
    }

    private Mode timeWindow() {
        String column = e.requiredString("time_column", "the date or timestamp column the window applies to");
        Long days = e.has("days_window") ? e.whole("days_window", 1, 36_500) : null;
        if (!e.has("days_window")) {
            problems.add(e.pathOf("days_window") + " is required: how many days back from now (database clock)"
                    + " the window reaches");
        }
        return column == null || days == null ? null : Mode.timeWindow(column, Duration.ofDays(days));
    }

    private Format format() {
        String name = e.requiredString("format", "parquet or csv");
        if (name == null) {
            return null;
        }
        String compression = e.string("compression");
        DataSize rowGroup = e.has("row_group_size") ? dataSize("row_group_size", 1024 * 1024) : null;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "parquet": {
                ParquetFormat f = Format.parquet();
                if (compression != null) {
                    try {
                        f = f.withCompression(Compression.parse(compression));
                    } catch (IllegalArgumentException ex) {
                        problems.add(e.pathOf("compression") + " must be zstd, snappy, gzip or none but is \""
                                + compression + "\"");
                    }
                }
                if (e.has("compression_level")) {
                    Integer level = e.integer("compression_level", 1, 22);
                    if (level != null) {
                        try {
                            f = f.withCompressionLevel(level);
                        } catch (IllegalArgumentException ex) {
                            problems.add(e.pathOf("compression_level") + ": " + ex.getMessage());
                        }
                    }
                }
                return rowGroup == null ? f : f.withRowGroupSize(rowGroup);
            }
            case "csv":
                if (e.has("compression_level")) {
                    problems.add(e.pathOf("compression_level") + " applies to parquet only; remove it for csv");
                }
                if (compression != null && !compression.equalsIgnoreCase("none")) {
                    problems.add(e.pathOf("compression") + " is \"" + compression + "\", but CSV files are"
                            + " written uncompressed; remove the key or set it to none");
                }
                if (e.has("row_group_size")) {
                    problems.add(e.pathOf("row_group_size") + " applies to parquet only; remove it for csv");
                }
                return Format.csv();
            default:
                problems.add(e.pathOf("format") + " must be parquet or csv but is \"" + name + "\"");
                return null;
        }
    }

    /** A size such as {@code 256MB} or a whole number of bytes, at least {@code min} bytes. */
    private DataSize dataSize(String key, long min) {
        return dataSize(e, key, min);
    }

    private DataSize dataSize(YamlObject o, String key, long min) {
        JsonNode v = o.raw(key);
        if (v == null) {
            return null;
        }
        DataSize size = null;
        if (v.isIntegralNumber() && v.asLong() >= 0) {
            size = DataSize.ofBytes(v.asLong());
        } else if (v.isTextual()) {
            try {
                size = DataSize.parse(v.asText());
            } catch (IllegalArgumentException ex) {
                size = null;
            }
        }
        if (size == null || size.toBytes() < min) {
            problems.add(o.pathOf(key) + " must be a size of at least " + DataSize.ofBytes(min)
                    + " such as 256MB or 1GB, but is " + YamlObject.describe(v));
            return null;
        }
        return size;
    }

    private Sink destination() {
        if (!e.has("destination")) {
            problems.add(e.pathOf("destination") + " is required: e.g. {type: local, path: ./out} or"
                    + " {type: s3, bucket: my-bucket, prefix: exports}");
            return null;
        }
        YamlObject d = e.object("destination", Keys.DESTINATION);
        if (d == null) {
            return null;
        }
        String type = d.requiredString("type", "local, s3 or gcs");
        if (type == null) {
            return null;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "local" -> local(d);
            case "s3" -> objectStore(d, "s3");
            case "gcs" -> objectStore(d, "gs");
            default -> {
                problems.add(d.pathOf("type") + " must be local, s3 or gcs but is \"" + type + "\"");
                yield null;
            }
        };
    }

    private Sink local(YamlObject d) {
        List<String> cloudKeys = new java.util.ArrayList<>(List.of("bucket", "prefix"));
        for (String key : Keys.DESTINATION.allowed()) {
            if (S3_KEYS.contains(key) || GCS_KEYS.contains(key)) {
                cloudKeys.add(key);
            }
        }
        notAllowed(d, "local", cloudKeys.toArray(String[]::new));
        String path = d.requiredString("path", "the output directory, relative to the config file or absolute");
        if (path == null) {
            return null;
        }
        if (path.contains("{")) {
            problems.add(d.pathOf("path") + " contains a placeholder; placeholders such as {date} are not"
                    + " supported: every run already writes below <path>/<export>/<run id>/");
            return null;
        }
        try {
            return Sink.local(baseDirectory.resolve(path).normalize());
        } catch (InvalidPathException ex) {
            problems.add(d.pathOf("path") + " is not a valid path: \"" + path + "\"");
            return null;
        }
    }

    private Sink objectStore(YamlObject d, String scheme) {
        String type = scheme.equals("s3") ? "s3" : "gcs";
        List<String> own = scheme.equals("s3") ? S3_KEYS : GCS_KEYS;
        notAllowed(d, type, "path");
        for (String key : Keys.DESTINATION.allowed()) {
            if ((S3_KEYS.contains(key) || GCS_KEYS.contains(key)) && !own.contains(key)) {
                notAllowed(d, type, key);
            }
        }
        int before = problems.size();
        String bucket = d.requiredString("bucket", "the bucket name (it must exist)");
        String prefix = d.string("prefix");
        String endpoint = d.string("endpoint");
        if (bucket != null && !BUCKET.matcher(bucket).matches()) {
            problems.add(d.pathOf("bucket") + " must be a bucket name (lowercase letters, digits, '.', '-', '_')"
                    + " but is \"" + bucket + "\"; put folders in prefix");
            bucket = null;
        }
        if (endpoint != null && !endpoint.matches("(?i)https?://.+")) {
            problems.add(d.pathOf("endpoint") + " must be an http:// or https:// URL");
            endpoint = null;
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (endpoint != null) {
            options.put("endpoint", endpoint);
        }
        if (scheme.equals("s3")) {
            s3Options(d, options);
        } else {
            gcsOptions(d, options);
        }
        if (d.has("upload_threads")) {
            putIfPresent(options, "upload_threads", d.integer("upload_threads", 1, 64));
        }
        if (d.has("max_attempts")) {
            putIfPresent(options, "max_attempts", d.integer("max_attempts", 1, 20));
        }
        if (bucket == null || problems.size() > before) {
            return null;
        }
        String cleanPrefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        URI uri;
        try {
            uri = new URI(scheme, bucket, "/" + cleanPrefix, null, null);
        } catch (URISyntaxException ex) {
            problems.add(d.pathOf("prefix") + " cannot be part of a URI: " + ex.getReason());
            return null;
        }
        return Sink.uri(uri, options);
    }

    private void s3Options(YamlObject d, Map<String, String> options) {
        String region = d.string("region");
        if (region != null && !region.matches("[a-z0-9-]{2,40}")) {
            problems.add(d.pathOf("region") + " must be a region name such as eu-west-1 but is \"" + region + "\"");
        } else if (region != null) {
            options.put("region", region);
        }
        putIfPresent(options, "path_style", d.bool("path_style"));
        putIfPresent(options, "checksums", d.bool("checksums"));
        List<String> credentialKeys = List.of("access_key_env", "secret_key_env", "session_token_env");
        for (String key : credentialKeys) {
            if (d.has(key)) {
                String variable = d.string(key);
                if (variable != null && !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add(d.pathOf(key) + " must be the NAME of an environment variable (letters, digits, '_'),"
                            + " not the secret itself");
                } else if (variable != null && env.get(variable) == null) {
                    problems.add(SourceParser.unsetVariable(d.pathOf(key), variable, "..."));
                } else if (variable != null) {
                    options.put(key, variable);
                }
            }
        }
        if (d.has("access_key_env") != d.has("secret_key_env")) {
            problems.add(d.pathOf(d.has("access_key_env") ? "secret_key_env" : "access_key_env") + " is required"
                    + " with " + (d.has("access_key_env") ? "access_key_env" : "secret_key_env")
                    + ": set both, or neither to use the default credential chain");
        }
        if (d.has("session_token_env") && !d.has("access_key_env")) {
            problems.add(d.pathOf("session_token_env") + " needs access_key_env and secret_key_env");
        }
        String sse = d.string("sse");
        if (sse != null) {
            String normalized = sse.toLowerCase(Locale.ROOT);
            if (!List.of("s3", "kms", "aes256", "aws:kms", "none").contains(normalized)) {
                problems.add(d.pathOf("sse") + " must be s3 (SSE-S3) or kms (SSE-KMS) but is \"" + sse + "\"");
            } else {
                options.put("sse", normalized);
            }
        }
        String kmsKey = d.string("sse_kms_key_id");
        if (kmsKey != null) {
            if (sse != null && !List.of("kms", "aws:kms").contains(sse.toLowerCase(Locale.ROOT))) {
                problems.add(d.pathOf("sse_kms_key_id") + " needs sse: kms");
            }
            options.put("sse_kms_key_id", kmsKey);
        }
        DataSize partSize = d.has("part_size") ? dataSize(d, "part_size", 5L * 1024 * 1024) : null;
        if (partSize != null) {
            options.put("part_size", Long.toString(partSize.toBytes()));
        }
        if (d.has("parts_in_flight")) {
            putIfPresent(options, "parts_in_flight", d.integer("parts_in_flight", 1, 16));
        }
    }

    private void gcsOptions(YamlObject d, Map<String, String> options) {
        String file = d.string("credentials_file");
        if (file != null) {
            try {
                Path path = baseDirectory.resolve(file).normalize();
                if (!Files.isRegularFile(path)) {
                    problems.add(d.pathOf("credentials_file") + " names " + path + ", which does not exist; give the"
                            + " path of a service-account key (JSON), relative to the configuration file or absolute");
                } else {
                    options.put("credentials_file", path.toString());
                }
            } catch (InvalidPathException ex) {
                problems.add(d.pathOf("credentials_file") + " is not a valid path");
            }
        }
        putIfPresent(options, "project_id", d.string("project_id"));
        Boolean anonymous = d.bool("anonymous");
        putIfPresent(options, "anonymous", anonymous);
        if (file != null && Boolean.TRUE.equals(anonymous)) {
            problems.add(d.pathOf("anonymous") + " cannot be true together with credentials_file");
        }
        DataSize chunk = d.has("chunk_size") ? dataSize(d, "chunk_size", 256 * 1024) : null;
        if (chunk != null) {
            if (chunk.toBytes() % (256 * 1024) != 0) {
                problems.add(d.pathOf("chunk_size") + " must be a multiple of 256KB, such as 8MB or 16MB");
            } else {
                options.put("chunk_size", Long.toString(chunk.toBytes()));
            }
        }
    }

    private static void putIfPresent(Map<String, String> options, String key, Object value) {
        if (value != null) {
            options.put(key, value.toString());
        }
    }

    private void notAllowed(YamlObject d, String type, String... keys) {
        for (String key : keys) {
            if (d.has(key)) {
                problems.add(d.pathOf(key) + " does not apply to a " + type + " destination; remove it");
            }
        }
    }

    private Quality quality() {
        YamlObject q = e.object("quality", Keys.QUALITY);
        if (q == null) {
            return null;
        }
        int before = problems.size();
        Quality.Builder b = Quality.builder();
        Long min = q.whole("row_count_min", 0, Long.MAX_VALUE);
        Long max = q.whole("row_count_max", 0, Long.MAX_VALUE);
        if (min != null) {
            b.rowCountMin(min);
        }
        if (max != null) {
            b.rowCountMax(max);
        }
        if (min != null && max != null && min > max) {
            problems.add(q.pathOf("row_count_min") + " (" + min + ") is greater than row_count_max (" + max + ")");
        }
        Iterator<Map.Entry<String, JsonNode>> ratios = q.fields("null_ratio_max");
        if (ratios != null) {
            while (ratios.hasNext()) {
                Map.Entry<String, JsonNode> r = ratios.next();
                Double ratio = q.decimal(r.getValue(), q.pathOf("null_ratio_max") + "." + r.getKey(), 0, 1);
                if (ratio != null) {
                    b.nullRatioMax(r.getKey(), ratio);
                }
            }
        }
        List<String> unique = q.stringList("unique_columns");
        if (unique != null) {
            b.uniqueColumns(unique);
        }
        return problems.size() > before ? null : b.build();
    }
}
