package io.rivet.sink.gcs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.rivet.exception.SinkException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each usual GCS failure gets its category, retry decision and fix. */
class GcsErrorsTest {
    private final GcsStorage store = new GcsStorage(LocalStorageHelper.customOptions(false).getService(), true, "lake",
            "raw/", GcsStorage.CHUNK_GRANULE, 1, null);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void missingBucket_saysToCreateIt() {
        SinkException e = GcsErrors.failure(store, "uploading", "a.csv", false,
                new StorageException(404, "The specified bucket does not exist."));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("The bucket \"lake\" does not exist: create it"), e.getMessage());
        assertTrue(e.getMessage().contains("gs://lake/raw/a.csv"), e.getMessage());
    }

    @Test
    void missingObjectOnRead_isNotAMissingBucket() {
        assertEquals(GcsErrors.Kind.NO_SUCH_OBJECT, GcsErrors.kind(new StorageException(404, "No such object: x"),
                true));
    }

    @Test
    void forbidden_listsThePermissions() {
        SinkException e = GcsErrors.failure(store, "uploading", "a.csv", false,
                new StorageException(403, "caller does not have storage.objects.create access"));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("storage.objects.create, storage.objects.get, storage.objects.delete and"
                + " storage.objects.list"), e.getMessage());
    }

    @Test
    void unauthenticated_pointsToCredentials() {
        SinkException e = GcsErrors.failure(store, "listing", null, false, new StorageException(401, "Unauthorized"));
        assertTrue(e.getMessage().contains("credentials_file"), e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void transientAndNetworkFailuresAreRetryable() {
        assertTrue(GcsErrors.retryable(new StorageException(503, "unavailable"), false));
        assertTrue(GcsErrors.retryable(new StorageException(429, "rate"), false));
        SinkException e = GcsErrors.failure(store, "uploading", "a.csv", false,
                new StorageException(0, "io", new UnknownHostException("storage.example")));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("check destination.endpoint"), e.getMessage());
    }
}
