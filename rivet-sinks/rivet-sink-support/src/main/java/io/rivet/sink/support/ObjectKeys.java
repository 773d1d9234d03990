package io.rivet.sink.support;

import io.rivet.exception.SinkException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * What a cloud sink accepts as an object key, and the content type it records for one. A key is relative to the
 * sink's root prefix, canonical (no empty, {@code .} or {@code ..} segment; a prefix may end in the middle of a
 * segment or with {@code /}), free of NUL and backslash (and, where the store forbids them, of line breaks), and at
 * most the store's byte limit together with the root prefix. Immutable; thread-safe.
 */
public final class ObjectKeys {
    private final String store;
    private final String sinkName;
    private final String location;
    private final String rootPrefix;
    private final int maxBytes;
    private final boolean lineBreaksAllowed;

    /**
     * @param store the store's name in messages, e.g. {@code "S3"}
     * @param location where the sink is, e.g. {@code "s3://bucket/prefix/"}
     * @param rootPrefix the prefix every key goes below: empty, or ending with {@code /}
     * @param maxBytes the store's limit on a full object name, in UTF-8 bytes
     * @param lineBreaksAllowed whether the store accepts CR and LF in names
     */
    public ObjectKeys(String store, String location, String rootPrefix, int maxBytes, boolean lineBreaksAllowed) {
        this.store = store;
        this.sinkName = store + " sink " + location;
        this.location = location;
        this.rootPrefix = rootPrefix;
        this.maxBytes = maxBytes;
        this.lineBreaksAllowed = lineBreaksAllowed;
    }

    /**
     * Checks a key, or with {@code prefix} a prefix to list or clean below.
     *
     * @throws SinkException (not retryable) naming the key and what is wrong with it
     * @throws NullPointerException when {@code key} is null
     */
    public void check(String key, boolean prefix) {
        Objects.requireNonNull(key, prefix ? "prefix" : "key");
        String problem = null;
        if (key.isEmpty() && !prefix) {
            problem = "it is empty";
        } else if (key.startsWith("/")) {
            problem = "it starts with '/'; keys are relative to the sink's root";
        } else if (key.indexOf('\0') >= 0) {
            problem = "it contains a NUL character";
        } else if (!lineBreaksAllowed && (key.indexOf('\r') >= 0 || key.indexOf('\n') >= 0)) {
            problem = "it contains a line-break character";
        } else if (key.indexOf('\\') >= 0) {
            problem = "it contains '\\'; separate folders with '/'";
        } else if ((rootPrefix + key).getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            problem = String.format(Locale.ROOT, "with the prefix it is longer than %s's %,d-byte limit", store,
                    maxBytes);
        } else if (!key.isEmpty()) {
            String[] segments = key.split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                String s = segments[i];
                boolean last = i == segments.length - 1;
                if (s.isEmpty() && !(prefix && last)) {
                    problem = "it has an empty segment ('//' or a trailing '/')";
                } else if ((s.equals(".") || s.equals("..")) && !(prefix && last && s.equals("."))) {
                    problem = "it has a '" + s + "' segment; keys must be canonical";
                }
            }
        }
        if (problem != null) {
            throw new SinkException(null, location, key, sinkName + ": invalid " + (prefix ? "prefix" : "key")
                    + " \"" + key + "\": " + problem + ".", null, false);
        }
    }

    /** The MIME type recorded on an object, from its key's extension. */
    public static String contentType(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".parquet")) {
            return "application/vnd.apache.parquet";
        }
        if (lower.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        }
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith("_success")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
