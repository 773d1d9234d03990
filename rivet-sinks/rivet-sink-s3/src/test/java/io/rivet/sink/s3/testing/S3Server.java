package io.rivet.sink.s3.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy 4.1.0 ({@code jar-with-dependencies}, copied into {@code target/} by
 * the build) run as a child process on 127.0.0.1, storing objects in a directory ({@code filesystem-nio2}) with
 * SigV4 authentication. It can be killed and started again on the same port and directory, as a crashed and restarted
 * store would be.
 *
 * <p>The jar is found through system property {@code rivet.test.s3proxy.jar} (set by failsafe), else
 * {@code target/s3proxy/s3proxy.jar}. Readiness is detected from the server's own log line, never by sleeping.
 * Not thread-safe; one test class drives one server.
 */
public final class S3Server implements AutoCloseable {
    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "rivet-test";
    /** The secret key the server accepts (a test value, not a secret). */
    public static final String SECRET_KEY = "rivet-test-secret";

    private final Path baseDir;
    private final int port;
    private Process process;
    private final List<String> log = new ArrayList<>();

    private S3Server(Path baseDir, int port) {
        this.baseDir = baseDir;
        this.port = port;
    }

    /** Starts a server on a free port storing objects under a new temp directory. */
    public static S3Server start() {
        try {
            Path dir = Files.createTempDirectory("rivet-s3proxy-");
            S3Server server = new S3Server(dir, freePort());
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Where the server keeps buckets (one directory per bucket). */
    public Path baseDir() {
        return baseDir;
    }

    /** Whether the child process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A new client for this server (path style, us-east-1, the test credentials); the caller closes it. */
    public S3Client client() {
        return client(endpoint());
    }

    /** A new client for the same credentials but another endpoint (e.g. a fault proxy in front of this server). */
    public static S3Client client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    /** Creates a bucket (a directory for filesystem-nio2). */
    public void createBucket(String bucket) {
        try (S3Client c = client()) {
            c.createBucket(b -> b.bucket(bucket));
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would; its objects stay on disk. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port and directory. */
    public void restart() {
        kill();
        launch();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        kill();
        try (Stream<Path> walk = Files.walk(baseDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temp directory
        }
    }

    private void launch() {
        Path jar = jar();
        try {
            Path conf = baseDir.resolveSibling(baseDir.getFileName() + ".properties");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    // The SDK sends headers S3Proxy does not implement (e.g. x-amz-checksum-algorithm); see deps.md.
                    "s3proxy.ignore-unknown-headers=true",
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + baseDir,
                    ""), StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties",
                    conf.toString()).redirectErrorStream(true);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start S3Proxy from " + jar, e);
        }
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (log) {
                        log.add(line);
                        if (log.size() > 200) {
                            log.remove(0);
                        }
                    }
                    if (line.contains("Started") && line.contains("ServerConnector")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.complete(false);
        }, "s3proxy-log-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.get(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("S3Proxy exited before it was ready; its log:\n" + logText());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            kill();
            throw new IllegalStateException("S3Proxy did not start within 60 s; its log:\n" + logText(), e);
        }
    }

    /** The last lines the server logged. */
    public String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    private static Path jar() {
        String configured = System.getProperty("rivet.test.s3proxy.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The S3Proxy jar is missing at " + jar.toAbsolutePath() + "; run the tests"
                    + " through Maven (mvn verify), whose generate-test-resources phase copies it there.");
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
