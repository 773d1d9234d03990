package io.rivet.sink.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.RivetConfigException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkOptionsTest {
    private static final List<String> KNOWN = List.of("endpoint", "path_style", "upload_threads");

    private static String message(Runnable r) {
        return assertThrows(RivetConfigException.class, r::run).getMessage();
    }

    @Test
    void theBucketComesFromAPlainSchemeBucketPrefixUri() {
        URI uri = URI.create("s3://bucket/exports/");
        assertEquals("bucket", SinkOptions.bucket(uri, "s3", uri.toString(), "hint."));
        assertEquals("/exports/", SinkOptions.prefix(uri));
        assertEquals("", SinkOptions.prefix(URI.create("gs://bucket")));
        assertEquals("The URI gs://b/ does not start with s3://; write s3://bucket/prefix/.",
                message(() -> SinkOptions.bucket(URI.create("gs://b/"), "s3", "gs://b/", "hint.")));
        for (String bad : List.of("s3://user@bucket/p/", "s3://bucket:9000/p/", "s3://bucket/p/?x=1", "s3:///p/")) {
            String m = message(
                    () -> SinkOptions.bucket(URI.create(bad), "s3", "(shown)", "set credentials elsewhere."));
            assertTrue(m.startsWith("The sink URI (shown) must have the form s3://bucket/prefix/"), m);
            assertTrue(m.endsWith("set credentials elsewhere."), m);
        }
    }

    @Test
    void unknownOptionsAreNamedInOrderWithTheKnownOnes() {
        String m = message(() -> new SinkOptions("S3 sink s3://b/", Map.of("zone", "1", "regoin", "x"), KNOWN));
        assertEquals("S3 sink s3://b/: unknown options [regoin, zone]; the options are endpoint, path_style,"
                + " upload_threads.", m);
    }

    @Test
    void typedValuesNameTheOptionAndWhatItTakes() {
        SinkOptions o = new SinkOptions("S3 sink s3://b/", Map.of("path_style", "TRUE", "upload_threads", " 8 ",
                "endpoint", "https://minio.local:9000"), KNOWN);
        assertEquals(Boolean.TRUE, o.bool("path_style"));
        assertEquals(8, o.integer("upload_threads"));
        assertEquals(URI.create("https://minio.local:9000"), o.endpoint("endpoint", "http://127.0.0.1:9000"));
        SinkOptions none = new SinkOptions("S3 sink s3://b/", Map.of(), KNOWN);
        assertNull(none.bool("path_style"));
        assertNull(none.integer("upload_threads"));
        assertNull(none.endpoint("endpoint", "x"));

        SinkOptions bad = new SinkOptions("GCS sink gs://b/", Map.of("path_style", "yes", "upload_threads", "many",
                "endpoint", "ftp://host"), KNOWN);
        assertEquals("GCS sink gs://b/: path_style must be true or false but is \"yes\".",
                message(() -> bad.bool("path_style")));
        assertEquals("GCS sink gs://b/: upload_threads must be a whole number but is \"many\".",
                message(() -> bad.integer("upload_threads")));
        assertTrue(message(() -> bad.endpoint("endpoint", "http://127.0.0.1:4443"))
                .startsWith("GCS sink gs://b/: endpoint is not usable (it must be an http:// or https:// URL"));
    }
}
