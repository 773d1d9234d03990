package io.rivet.sink.gcs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A small stand-in for the Google Cloud Storage JSON API over real HTTP, for testing the sink through the genuine
 * client and transport where no emulator can be had (no Docker here). It implements what the sink uses: multipart
 * (single-request) uploads, resumable upload sessions with chunked PUTs that become an object only when the last
 * chunk arrives, object metadata, media download (with Range), listing by prefix, and delete. Objects carry CRC32C
 * and MD5 as GCS does. Chosen resumable chunk PUTs can be answered 503 to test the client's retries.
 *
 * <p>Not a full emulator: no generations or preconditions, no paging beyond one page, one project. Thread-safe.
 */
final class MiniGcsServer implements AutoCloseable {
    private static final Pattern OBJECT_PATH = Pattern.compile("/storage/v1/b/([^/]+)/o/(.+)");
    private static final Pattern OBJECTS_PATH = Pattern.compile("/storage/v1/b/([^/]+)/o");
    private static final Pattern DOWNLOAD_PATH = Pattern.compile("/download/storage/v1/b/([^/]+)/o/(.+)");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/upload/storage/v1/b/([^/]+)/o");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

    private record Stored(byte[] data, String contentType, Instant updated) {
    }

    private static final class Session {
        final String bucket;
        final String name;
        final String contentType;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Session(String bucket, String name, String contentType) {
            this.bucket = bucket;
            this.name = name;
            this.contentType = contentType;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mini-gcs");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger sessionIds = new AtomicInteger();
    private final AtomicInteger chunkPuts = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile IntPredicate failChunk = n -> false;
    private volatile boolean corruptNext;

    /** Starts a server on a free port of 127.0.0.1 with the given buckets. */
    MiniGcsServer(String... buckets) {
        this.buckets.addAll(List.of(buckets));
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint for {@code StorageOptions.setHost}. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers 503 to the n-th (1-based) resumable chunk PUTs for which {@code predicate} is true. */
    void failChunkPuts(IntPredicate predicate) {
        this.failChunk = predicate;
    }

    /** Flips one byte of the next object stored, as a faulty network path or store would. */
    void corruptNextObject() {
        corruptNext = true;
    }

    private byte[] maybeCorrupt(byte[] data) {
        if (corruptNext && data.length > 0) {
            corruptNext = false;
            byte[] copy = data.clone();
            copy[copy.length / 2] ^= 0x20;
            return copy;
        }
        return data;
    }

    /** Resumable chunk PUTs received so far. */
    int chunkPuts() {
        return chunkPuts.get();
    }

    /** "METHOD path?query" of every request, for assertions and debugging. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** Names of the finished objects in a bucket, sorted. */
    List<String> names(String bucket) {
        List<String> names = new ArrayList<>();
        for (String key : new TreeMap<>(objects).keySet()) {
            if (key.startsWith(bucket + "/")) {
                names.add(key.substring(bucket.length() + 1));
            }
        }
        return names;
    }

    /** Resumable sessions opened and not finished (abandoned uploads stay here, invisible, as on GCS). */
    int openSessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getRawPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            requests.add(method + " " + path + (x.getRequestURI().getRawQuery() == null ? ""
                    : "?" + x.getRequestURI().getRawQuery()));
            byte[] body = x.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                // The client gzips single-request uploads.
                try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                        new java.io.ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            Matcher m;
            if ((m = UPLOAD_PATH.matcher(path)).matches()) {
                upload(x, method, m.group(1), query, body);
            } else if ((m = DOWNLOAD_PATH.matcher(path)).matches()) {
                Map<String, String> media = new LinkedHashMap<>(query);
                media.put("alt", "media");
                object(x, method, m.group(1), decode(m.group(2)), media);
            } else if ((m = OBJECT_PATH.matcher(path)).matches()) {
                object(x, method, m.group(1), decode(m.group(2)), query);
            } else if ((m = OBJECTS_PATH.matcher(path)).matches() && method.equals("GET")) {
                list(x, m.group(1), query);
            } else {
                error(x, 501, "not implemented by MiniGcsServer: " + method + " " + path);
            }
        }
    }

    private void upload(HttpExchange x, String method, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        if (!buckets.contains(bucket)) {
            error(x, 404, "The specified bucket does not exist.");
            return;
        }
        String type = query.getOrDefault("uploadType", "");
        if (method.equals("POST") && type.equals("multipart")) {
            multipart(x, bucket, body);
        } else if (method.equals("POST") && type.equals("resumable")) {
            Map<String, String> meta = jsonStrings(new String(body, StandardCharsets.UTF_8));
            String name = meta.getOrDefault("name", query.get("name"));
            String id = "s" + sessionIds.incrementAndGet();
            sessions.put(id, new Session(bucket, name, meta.getOrDefault("contentType", "application/octet-stream")));
            x.getResponseHeaders().set("Location", endpoint() + "/upload/storage/v1/b/" + bucket
                    + "/o?uploadType=resumable&upload_id=" + id);
            send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        } else if (method.equals("PUT") && query.containsKey("upload_id")) {
            chunk(x, query.get("upload_id"), body);
        } else {
            error(x, 400, "unsupported upload request");
        }
    }

    private void chunk(HttpExchange x, String id, byte[] body) throws IOException {
        Session s = sessions.get(id);
        if (s == null) {
            error(x, 404, "No such upload session");
            return;
        }
        String range = x.getRequestHeaders().getFirst("Content-Range");
        Matcher r = range == null ? null : CONTENT_RANGE.matcher(range);
        if (r == null || !r.matches()) {
            error(x, 400, "bad Content-Range " + range);
            return;
        }
        synchronized (s) {
            if (r.group(2) != null) {
                int n = chunkPuts.incrementAndGet();
                if (failChunk.test(n)) {
                    error(x, 503, "injected: service unavailable");
                    return;
                }
                long start = Long.parseLong(r.group(2));
                if (start != s.data.size()) {
                    // A retried chunk the server already has, or a gap: answer with what it holds.
                    if (start < s.data.size()) {
                        long overlap = s.data.size() - start;
                        if (overlap < body.length) {
                            s.data.write(body, (int) overlap, body.length - (int) overlap);
                        }
                    } else {
                        error(x, 400, "gap: expected offset " + s.data.size() + " but got " + start);
                        return;
                    }
                } else {
                    s.data.write(body);
                }
            }
            String total = r.group(4);
            if (!total.equals("*") && Long.parseLong(total) == s.data.size()) {
                sessions.remove(id);
                Stored stored = new Stored(maybeCorrupt(s.data.toByteArray()), s.contentType, Instant.now());
                objects.put(s.bucket + "/" + s.name, stored);
                send(x, 200, "application/json", json(s.bucket, s.name, stored).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (s.data.size() > 0) {
                x.getResponseHeaders().set("Range", "bytes=0-" + (s.data.size() - 1));
            }
            x.sendResponseHeaders(308, -1);
        }
    }

    private void multipart(HttpExchange x, String bucket, byte[] body) throws IOException {
        String contentType = x.getRequestHeaders().getFirst("Content-Type");
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
        if (!b.find()) {
            error(x, 400, "multipart upload without boundary");
            return;
        }
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = split(body, delimiter);
        if (parts.size() < 2) {
            error(x, 400, "multipart upload needs metadata and media parts");
            return;
        }
        Map<String, String> meta = jsonStrings(new String(partBody(parts.get(0)), StandardCharsets.UTF_8));
        byte[] media = partBody(parts.get(1));
        Stored stored = new Stored(maybeCorrupt(media), meta.getOrDefault("contentType", "application/octet-stream"),
                Instant.now());
        objects.put(bucket + "/" + meta.get("name"), stored);
        send(x, 200, "application/json", json(bucket, meta.get("name"), stored).getBytes(StandardCharsets.UTF_8));
    }

    private void object(HttpExchange x, String method, String bucket, String name, Map<String, String> query)
            throws IOException {
        if (!buckets.contains(bucket)) {
            error(x, 404, "The specified bucket does not exist.");
            return;
        }
        Stored stored = objects.get(bucket + "/" + name);
        if (method.equals("DELETE")) {
            if (objects.remove(bucket + "/" + name) == null) {
                error(x, 404, "No such object: " + bucket + "/" + name);
            } else {
                x.sendResponseHeaders(204, -1);
            }
            return;
        }
        if (stored == null) {
            error(x, 404, "No such object: " + bucket + "/" + name);
            return;
        }
        if ("media".equals(query.get("alt"))) {
            byte[] data = stored.data();
            String range = x.getRequestHeaders().getFirst("Range");
            int from = 0;
            int to = data.length - 1;
            Matcher r = range == null ? null : Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
            if (r != null && r.matches()) {
                from = Integer.parseInt(r.group(1));
                if (!r.group(2).isEmpty()) {
                    to = Math.min(to, Integer.parseInt(r.group(2)));
                }
            }
            if (from >= data.length) {
                x.sendResponseHeaders(range == null ? 200 : 416, -1);
                return;
            }
            byte[] slice = java.util.Arrays.copyOfRange(data, from, to + 1);
            x.getResponseHeaders().set("x-goog-hash", "crc32c=" + crc32c(data) + ",md5=" + md5(data));
            x.getResponseHeaders().set("x-goog-generation", "1");
            if (range != null) {
                x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
            }
            send(x, range != null ? 206 : 200, stored.contentType(), slice);
            return;
        }
        send(x, 200, "application/json", json(bucket, name, stored).getBytes(StandardCharsets.UTF_8));
    }

    private void list(HttpExchange x, String bucket, Map<String, String> query) throws IOException {
        if (!buckets.contains(bucket)) {
            error(x, 404, "The specified bucket does not exist.");
            return;
        }
        String prefix = query.getOrDefault("prefix", "");
        StringBuilder items = new StringBuilder();
        for (Map.Entry<String, Stored> e : new TreeMap<>(objects).entrySet()) {
            if (e.getKey().startsWith(bucket + "/" + prefix)) {
                items.append(items.length() == 0 ? "" : ",")
                        .append(json(bucket, e.getKey().substring(bucket.length() + 1), e.getValue()));
            }
        }
        send(x, 200, "application/json", ("{\"kind\":\"storage#objects\",\"items\":[" + items + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ helpers

    private static String json(String bucket, String name, Stored s) {
        return "{\"kind\":\"storage#object\",\"id\":\"" + esc(bucket + "/" + name + "/1") + "\",\"bucket\":\""
                + esc(bucket) + "\",\"name\":\"" + esc(name) + "\",\"generation\":\"1\",\"metageneration\":\"1\","
                + "\"contentType\":\"" + esc(s.contentType()) + "\",\"size\":\"" + s.data().length + "\","
                + "\"crc32c\":\"" + crc32c(s.data()) + "\",\"md5Hash\":\"" + md5(s.data()) + "\",\"updated\":\""
                + s.updated() + "\",\"timeCreated\":\"" + s.updated() + "\"}";
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void error(HttpExchange x, int code, String message) throws IOException {
        String reason = code == 404 ? "notFound" : code == 503 ? "backendError" : "invalid";
        send(x, code, "application/json", ("{\"error\":{\"code\":" + code + ",\"message\":\"" + esc(message)
                + "\",\"errors\":[{\"reason\":\"" + reason + "\",\"message\":\"" + esc(message) + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            q.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return q;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The string values of a flat JSON object (enough for upload metadata). */
    private static Map<String, String> jsonStrings(String json) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (m.find()) {
            values.putIfAbsent(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return values;
    }

    private static List<byte[]> split(byte[] body, byte[] delimiter) {
        List<byte[]> parts = new ArrayList<>();
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int from = start + delimiter.length;
            if (from + 1 < body.length && body[from] == '-' && body[from + 1] == '-') {
                break;
            }
            int next = indexOf(body, delimiter, from);
            if (next < 0) {
                break;
            }
            parts.add(java.util.Arrays.copyOfRange(body, from, next));
            start = next;
        }
        return parts;
    }

    /** A MIME part's body: after the blank line, without the CRLF before the next delimiter. */
    private static byte[] partBody(byte[] part) {
        byte[] sep = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(part, sep, 0);
        int from = at < 0 ? 0 : at + sep.length;
        int to = part.length;
        if (to - 2 >= from && part[to - 2] == '\r' && part[to - 1] == '\n') {
            to -= 2;
        }
        return java.util.Arrays.copyOfRange(part, from, to);
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        long v = crc.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8),
            (byte) v});
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
