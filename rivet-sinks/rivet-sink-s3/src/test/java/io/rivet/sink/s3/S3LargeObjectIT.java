package io.rivet.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.sink.s3.testing.S3ServerExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A 150 MiB object goes through multipart upload from a JVM whose heap (48 MB) is smaller than the object: the sink
 * never holds the file, only a few parts. The upload runs in a child JVM ({@link LargeObjectUpload}) so the heap limit
 * applies to it alone; this test checks the object's size, part count and SHA-256, and prints the child's
 * old-generation peak (reported, not asserted: memory is measured by benchmarks, not tests).
 */
class S3LargeObjectIT {
    private static final long SIZE = 150L * 1024 * 1024;
    private static final String HEAP = "-Xmx48m";

    @RegisterExtension
    static final S3ServerExtension S3 = new S3ServerExtension("large");

    @Test
    void aFileLargerThanTheHeap_streamsThroughMultipartWithBoundedHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                LargeObjectUpload.class.getName(), S3.server().endpoint().toString(), "large", "big/object.bin",
                Long.toString(SIZE)).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the upload finishes");
        assertEquals(0, child.exitValue(), "the child JVM (" + HEAP + ") uploaded without failing:\n" + output);
        Map<String, String> reported = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.contains(" ")) {
                reported.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }

        try (S3Client client = S3.server().client()) {
            HeadObjectResponse head = client.headObject(b -> b.bucket("large").key("big/object.bin"));
            assertEquals(SIZE, head.contentLength());
            // 150 MiB in 5 MiB parts: 30 full parts.
            assertTrue(head.eTag().replace("\"", "").endsWith("-30"), "multipart with 30 parts: " + head.eTag());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = client.getObject(b -> b.bucket("large").key("big/object.bin"))) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                }
            }
            assertEquals(reported.get("sha256"), HexFormat.of().formatHex(sha.digest()));
            assertEquals(List.of(), client.listMultipartUploads(b -> b.bucket("large")).uploads());
        }
        System.out.printf("[rivet tests] %d MiB object uploaded in a %.0f MiB heap; old generation peak %.1f MiB%n",
                SIZE >> 20, Long.parseLong(reported.get("maxHeapBytes")) / 1048576.0,
                Long.parseLong(reported.get("peakOldGenBytes")) / 1048576.0);
    }
}
