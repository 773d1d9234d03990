package io.rivet.sink.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.SinkException;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    private final ObjectKeys s3 = new ObjectKeys("S3", "s3://b/root/", "root/", 1024, true);
    private final ObjectKeys gcs = new ObjectKeys("GCS", "gs://b/root/", "root/", 1024, false);

    private static String problem(ObjectKeys keys, String key, boolean prefix) {
        SinkException e = assertThrows(SinkException.class, () -> keys.check(key, prefix), key);
        assertFalse(e.retryable(), "a bad key does not get better on retry");
        return e.getMessage();
    }

    @Test
    void canonicalRelativeKeysPass() {
        assertDoesNotThrow(() -> s3.check("orders/20261121T000000Z-1/part-00000-000.parquet", false));
        assertDoesNotThrow(() -> s3.check("", true));
        assertDoesNotThrow(() -> s3.check("orders/", true));
        assertDoesNotThrow(() -> s3.check("orders/part-0", true));
        assertDoesNotThrow(() -> s3.check("line\nbreak", false), "S3 takes line breaks");
    }

    @Test
    void eachProblemIsNamedWithTheKeyAndTheSink() {
        assertEquals("S3 sink s3://b/root/: invalid key \"\": it is empty.", problem(s3, "", false));
        assertTrue(problem(s3, "/abs", false).contains("starts with '/'"));
        assertTrue(problem(s3, "a\0b", false).contains("NUL"));
        assertTrue(problem(gcs, "a\nb", false).contains("line-break"));
        assertTrue(problem(gcs, "a\\b", true).contains("invalid prefix \"a\\b\": it contains '\\'"));
        assertTrue(problem(s3, "a".repeat(1020), false).contains("longer than S3's 1,024-byte limit"));
        assertTrue(problem(s3, "a//b", false).contains("empty segment"));
        assertTrue(problem(s3, "a/", false).contains("empty segment"));
        assertTrue(problem(s3, "a/../b", true).contains("'..' segment"));
        assertTrue(problem(s3, "./a", false).contains("'.' segment"));
        assertTrue(problem(gcs, "a//b", false).startsWith("GCS sink gs://b/root/: "), "names the sink");
    }

    @Test
    void contentTypeFollowsTheExtension() {
        assertEquals("application/vnd.apache.parquet", ObjectKeys.contentType("x/part-00000-000.PARQUET"));
        assertEquals("text/csv; charset=utf-8", ObjectKeys.contentType("x/part.csv"));
        assertEquals("application/json", ObjectKeys.contentType("x/manifest.json"));
        assertEquals("text/plain; charset=utf-8", ObjectKeys.contentType("x/_SUCCESS"));
        assertEquals("application/octet-stream", ObjectKeys.contentType("x/other"));
    }
}
