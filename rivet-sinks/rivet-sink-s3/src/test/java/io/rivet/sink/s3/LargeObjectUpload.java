package io.rivet.sink.s3;

import io.rivet.sink.s3.testing.S3Server;
import io.rivet.spi.ObjectWriter;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The child process of {@link S3LargeObjectIT}: streams {@code size} pseudo-random bytes into one S3 object through
 * {@link S3Sink} in a JVM with a small heap, then prints the SHA-256 of what it wrote and the old generation's peak
 * use.
 *
 * <p>Usage: {@code LargeObjectUpload <endpoint> <bucket> <key> <size>}
 */
public final class LargeObjectUpload {
    private LargeObjectUpload() {
    }

    /** Runs the upload; exits non-zero (through an exception) when anything fails. */
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        String key = args[2];
        long size = Long.parseLong(args[3]);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        long state = 0x9E3779B97F4A7C15L;
        try (S3Client client = S3Server.client(endpoint);
                S3Sink sink = S3Sink.builder().client(client).bucket(bucket).build();
                ObjectWriter w = sink.open(key)) {
            OutputStream out = w.stream();
            for (long written = 0; written < size; ) {
                int n = (int) Math.min(chunk.length, size - written);
                for (int i = 0; i < n; i += 8) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    for (int b = 0; b < 8 && i + b < n; b++) {
                        chunk[i + b] = (byte) (state >>> (8 * b));
                    }
                }
                out.write(chunk, 0, n);
                sha.update(chunk, 0, n);
                written += n;
            }
            out.close();
            w.commit();
        }
        // The old generation holds the part buffers (large arrays go there directly with G1); its peak is the
        // closest simple measure of what the upload kept alive.
        long oldPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
                oldPeak = Math.max(oldPeak, pool.getPeakUsage().getUsed());
            }
        }
        System.out.println("sha256=" + HexFormat.of().formatHex(sha.digest()));
        System.out.println("peakOldGenBytes=" + oldPeak);
        System.out.println("maxHeapBytes=" + Runtime.getRuntime().maxMemory());
    }
}
