package io.rivet.sink.s3.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy between an S3 client and an {@link S3Server} that fails chosen requests: it answers 500 to them, or
 * drops the connection without an answer, or runs an action (such as killing the server) when one arrives. Every
 * request is recorded with what the proxy did to it. The client must use the proxy's {@link #endpoint()}; SigV4 signs
 * the Host header, which the proxy forwards unchanged.
 *
 * <p>Thread-safe: rules and the log may be used while requests flow.
 */
public final class FaultProxy implements AutoCloseable {
    static {
        // The proxy forwards the Host header the client signed; java.net.http refuses to set it otherwise.
        String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        if (!allowed.contains("host")) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed.isEmpty() ? "host" : allowed + ",host");
        }
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host",
            "transfer-encoding", "upgrade", "keep-alive", "date");

    /** What the proxy does with a request. */
    public enum Action {
        /** Pass it to the server. */
        FORWARD,
        /** Answer 500 InternalError without passing it on. */
        FAIL_500,
        /** Close the connection without an answer, as a dying server would. */
        DROP
    }

    /** A request as the proxy saw it. */
    public record Seen(String method, String path, String query, String kind, int kindIndex, Action action) {
    }

    /** Decides what to do with the {@code kindIndex}-th (1-based) request of its kind. */
    @FunctionalInterface
    public interface Rule {
        /** The action for a request. */
        Action decide(String kind, int kindIndex);
    }

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Rule rule = (kind, index) -> Action.FORWARD;
    private volatile Hook hook = (kind, index) -> { };

    /** Runs before a request of a kind is handled, e.g. to kill the server. */
    @FunctionalInterface
    public interface Hook {
        /** Called with the request's kind and its 1-based index among requests of that kind. */
        void before(String kind, int kindIndex);
    }

    /** Starts a proxy to {@code upstream} on a free port of 127.0.0.1. */
    public FaultProxy(URI upstream) {
        this.upstream = upstream;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault proxy", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The proxy's endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Sets the rule (default: forward everything). */
    public void rule(Rule rule) {
        this.rule = rule;
    }

    /** Sets the hook (default: none). */
    public void hook(Hook hook) {
        this.hook = hook;
    }

    /** Every request so far. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** How many requests of {@code kind} arrived. */
    public int count(String kind) {
        AtomicInteger n = counts.get(kind);
        return n == null ? 0 : n.get();
    }

    /**
     * The S3 operation of a request: {@code UploadPart}, {@code CreateMultipartUpload},
     * {@code CompleteMultipartUpload}, {@code AbortMultipartUpload}, {@code PutObject}, {@code GetObject},
     * {@code HeadObject}, {@code DeleteObject}, {@code ListObjectsV2}, {@code ListMultipartUploads} or {@code Other}.
     */
    static String kind(String method, String path, String query) {
        String q = query == null ? "" : query;
        boolean objectPath = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length() - 1;
        return switch (method) {
            case "PUT" -> q.contains("partNumber=") && q.contains("uploadId=") ? "UploadPart"
                    : objectPath ? "PutObject" : "Other";
            case "POST" -> q.contains("uploads") && !q.contains("uploadId=") ? "CreateMultipartUpload"
                    : q.contains("uploadId=") ? "CompleteMultipartUpload" : "Other";
            case "DELETE" -> q.contains("uploadId=") ? "AbortMultipartUpload" : objectPath ? "DeleteObject" : "Other";
            case "GET" -> q.contains("uploads") ? "ListMultipartUploads" : q.contains("list-type=2") ? "ListObjectsV2"
                    : objectPath ? "GetObject" : "Other";
            case "HEAD" -> objectPath ? "HeadObject" : "Other";
            default -> "Other";
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        String kind = kind(method, uri.getRawPath(), uri.getRawQuery());
        int index = counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        hook.before(kind, index);
        Action action = rule.decide(kind, index);
        seen.add(new Seen(method, uri.getRawPath(), uri.getRawQuery(), kind, index, action));
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            switch (action) {
                case FAIL_500 -> {
                    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>"
                            + "<Message>injected by the fault proxy</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/xml");
                    exchange.sendResponseHeaders(500, xml.length);
                    exchange.getResponseBody().write(xml);
                }
                case DROP -> {
                    // Closing without response headers makes the client see the connection end, as with a crash.
                }
                case FORWARD -> forward(exchange, method, uri, body);
            }
        }
    }

    private void forward(HttpExchange exchange, String method, URI uri, byte[] body) throws IOException {
        String target = upstream.toString() + uri.getRawPath() + (uri.getRawQuery() == null ? ""
                : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(60));
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) && !name.equals("host")) {
                continue;
            }
            for (String v : h.getValue()) {
                request.header(h.getKey(), v);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The server is gone: end the client's connection without an answer, as the server's death would.
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> out.add(name, v));
            }
        });
        byte[] payload = response.body();
        if (method.equals("HEAD")) {
            response.headers().firstValue("content-length").ifPresent(v -> out.set("Content-Length", v));
            exchange.sendResponseHeaders(response.statusCode(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.statusCode(), payload.length == 0 ? -1 : payload.length);
        if (payload.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(payload);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
