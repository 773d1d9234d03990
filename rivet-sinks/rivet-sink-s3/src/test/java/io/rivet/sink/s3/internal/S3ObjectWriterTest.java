package io.rivet.sink.s3.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.SinkException;
import io.rivet.sink.support.PartBufferPool;
import io.rivet.spi.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The writer's part buffers, against an in-memory S3Client that reads every request body twice the way the SDK does
 * on a retry: buffers are reused across parts and objects, each retry sends the same bytes with a matching CRC32, and
 * every buffer goes back to the pool when uploads fail.
 */
class S3ObjectWriterTest {
    private static final int PART = (int) PartSizes.MIN_PART;
    private static final int SMALL = S3ObjectWriter.SMALL_OBJECT;

    private final FakeS3 fake = new FakeS3();
    private final S3Storage store = new S3Storage(fake.client(), false, null, "bucket", "runs/",
            new S3Settings(PART, 2, 4, null, null, true), "fake");

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void commit_multipart_sendsEveryByteOnceThroughReusedBuffers() throws IOException {
        byte[] data = pattern(4 * PART + 123_457, 1);
        ObjectWriter writer = store.open("a/part-0.csv");
        writeInPieces(writer.stream(), data);
        writer.stream().close();
        writer.commit();

        assertEquals(List.of(), fake.problems);
        assertArrayEquals(data, fake.assembled("runs/a/part-0.csv"));
        assertEquals(5, fake.partsOf("runs/a/part-0.csv"));
        PartBufferPool pool = store.buffers();
        awaitIdle(pool);
        assertTrue(pool.allocations() <= 3, "at most partsInFlight + 1 part buffers, but " + pool);

        long before = pool.allocations();
        ObjectWriter second = store.open("a/part-1.csv");
        byte[] more = pattern(3 * PART, 2);
        writeInPieces(second.stream(), more);
        second.commit();
        assertArrayEquals(more, fake.assembled("runs/a/part-1.csv"));
        awaitIdle(pool);
        assertEquals(before, pool.allocations(), "the next object reuses the free buffers: " + pool);
    }

    @Test
    void commit_smallObject_takesNoPartBufferAndSendsOnePut() throws IOException {
        byte[] data = pattern(200_000, 3);
        ObjectWriter writer = store.open("manifest.json");
        writer.stream().write(data);
        writer.stream().close();
        writer.commit();

        assertEquals(List.of(), fake.problems);
        assertArrayEquals(data, fake.puts.get("runs/manifest.json"));
        assertEquals(0, store.buffers().allocations());
    }

    @Test
    void commit_objectBetweenOneMebibyteAndOnePart_putsFromAPooledBufferAndReturnsIt() throws IOException {
        byte[] data = pattern(PART - 1000, 4);
        ObjectWriter writer = store.open("mid.csv");
        writeInPieces(writer.stream(), data);
        writer.commit();

        assertEquals(List.of(), fake.problems);
        assertArrayEquals(data, fake.puts.get("runs/mid.csv"));
        assertEquals(1, store.buffers().allocations());
        assertEquals(0, store.buffers().inUse());
    }

    @Test
    void abort_afterAPartFailed_returnsEveryBufferAndAbortsTheUpload() throws Exception {
        fake.failPart = 2;
        ObjectWriter writer = store.open("b/part-0.csv");
        byte[] data = pattern(6 * PART, 5);
        Throwable failure = null;
        try {
            writeInPieces(writer.stream(), data);
            writer.stream().close();
            writer.commit();
        } catch (IOException | SinkException e) {
            failure = e;
        } finally {
            writer.abort();
        }

        assertTrue(failure != null, "the failed part must fail the object");
        assertTrue(fake.aborted.contains("runs/b/part-0.csv"));
        assertFalse(fake.completed.contains("runs/b/part-0.csv"));
        awaitIdle(store.buffers());
        assertEquals(0, store.buffers().inUse(), "every part buffer went back: " + store.buffers());
        assertEquals(List.of(), fake.problems);
    }

    @Test
    void abort_fromAnotherThreadWhileFilling_buffersComeBackOnTheWritersNextWrite() throws Exception {
        ObjectWriter writer = store.open("c.csv");
        writeInPieces(writer.stream(), pattern(PART + PART / 2, 6)); // one part sent, half a part filling
        Thread other = new Thread(writer::abort);
        other.start();
        other.join();
        assertThrows(IOException.class, () -> writer.stream().write(1));
        awaitIdle(store.buffers());
        assertEquals(0, store.buffers().inUse(), store.buffers().toString());
    }

    @Test
    void abort_fromAnotherThreadThenStreamClosed_bufferComesBack() throws Exception {
        ObjectWriter writer = store.open("d.csv");
        writeInPieces(writer.stream(), pattern(PART / 2 + SMALL, 7)); // past 1 MiB: a pooled buffer, nothing sent
        assertEquals(1, store.buffers().inUse());
        Thread other = new Thread(writer::abort);
        other.start();
        other.join();
        assertEquals(1, store.buffers().inUse(), "another thread must not take the buffer from under the writer");
        writer.stream().close();
        assertEquals(0, store.buffers().inUse(), store.buffers().toString());
        assertTrue(fake.puts.isEmpty() && fake.parts.isEmpty(), "nothing was sent");
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        long x = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private static void writeInPieces(OutputStream out, byte[] data) throws IOException {
        int off = 0;
        int piece = 1;
        while (off < data.length) {
            int n = Math.min(data.length - off, piece);
            if (n == 1) {
                out.write(data[off]);
            } else {
                out.write(data, off, n);
            }
            off += n;
            piece = piece * 3 % 70_001 + 1; // uneven writes, across part boundaries
        }
    }

    private static void awaitIdle(PartBufferPool pool) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.inUse() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** An S3Client that keeps parts in memory and reads every body twice, as a retry would. */
    static final class FakeS3 implements InvocationHandler {
        final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();
        final Map<String, byte[]> puts = new ConcurrentHashMap<>();
        final List<String> aborted = new CopyOnWriteArrayList<>();
        final List<String> completed = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile int failPart = -1;

        S3Client client() {
            return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                    this);
        }

        byte[] assembled(String key) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.getOrDefault(key, Map.of()).entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.writeBytes(e.getValue()));
            return out.toByteArray();
        }

        int partsOf(String key) {
            return parts.getOrDefault(key, Map.of()).size();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.isDefault() && args != null && args.length == 1 && args[0] instanceof Consumer) {
                return InvocationHandler.invokeDefault(proxy, method, args); // builds the request, calls back here
            }
            switch (method.getName()) {
                case "createMultipartUpload":
                    return CreateMultipartUploadResponse.builder().uploadId("upload-1").build();
                case "uploadPart": {
                    UploadPartRequest r = (UploadPartRequest) args[0];
                    byte[] body = readTwice((RequestBody) args[1], r.checksumCRC32());
                    if (r.partNumber() == failPart) {
                        throw SdkClientException.create("injected failure of part " + failPart);
                    }
                    parts.computeIfAbsent(r.key(), k -> new ConcurrentHashMap<>()).put(r.partNumber(), body);
                    return UploadPartResponse.builder().eTag("etag-" + r.partNumber()).build();
                }
                case "completeMultipartUpload": {
                    CompleteMultipartUploadRequest r = (CompleteMultipartUploadRequest) args[0];
                    completed.add(r.key());
                    return CompleteMultipartUploadResponse.builder().build();
                }
                case "abortMultipartUpload":
                    aborted.add(((software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest) args[0]).key());
                    return AbortMultipartUploadResponse.builder().build();
                case "putObject": {
                    PutObjectRequest r = (PutObjectRequest) args[0];
                    puts.put(r.key(), readTwice((RequestBody) args[1], r.checksumCRC32()));
                    return PutObjectResponse.builder().build();
                }
                case "close":
                    return null;
                case "serviceName":
                    return "s3";
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        }

        private byte[] readTwice(RequestBody body, String crc) {
            byte[] first = read(body);
            byte[] retry = read(body);
            if (!java.util.Arrays.equals(first, retry)) {
                problems.add("a retry read different bytes");
            }
            if (first.length != body.contentLength()) {
                problems.add("content length " + body.contentLength() + " but " + first.length + " bytes");
            }
            if (crc == null || !crc.equals(S3ObjectWriter.crc32(ByteBuffer.wrap(first)))) {
                problems.add("CRC32 header " + crc + " does not match the body");
            }
            return first;
        }

        private static byte[] read(RequestBody body) {
            try (InputStream in = body.contentStreamProvider().newStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
