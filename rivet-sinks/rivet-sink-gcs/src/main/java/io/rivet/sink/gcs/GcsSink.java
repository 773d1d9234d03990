package io.rivet.sink.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.sink.gcs.internal.GcsStorage;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Sink} in a Google Cloud Storage bucket, below an optional prefix.
 *
 * <pre>{@code
 * try (GcsSink sink = GcsSink.builder().bucket("lake-raw").prefix("exports").build()) {
 *     rivet.run(Export.builder()...sink(sink).build());
 * }
 * }</pre>
 *
 * <p><b>How objects are written.</b> Each file streams into a resumable upload while it is being written: chunks
 * (8 MiB by default) are sent by a small thread pool while the next one fills, one chunk in flight per file. Nothing is
 * staged on local disk. GCS publishes an object only when its upload is finalised, which happens when the chunk
 * commits; a failed or cancelled file's upload is abandoned unfinalised, so nothing partial is ever visible (GCS drops
 * abandoned sessions after a week). A CRC32C of every byte is compared with GCS's own after the upload.
 *
 * <p><b>Retries.</b> The client retries each request (6 attempts by default, exponential backoff with jitter) on 429,
 * 5xx and network errors, resuming an upload where the service says it stopped. When the attempts are used up the
 * writer fails with a {@link io.rivet.exception.SinkException} naming the bucket and object, retryable when the cause
 * is, with the fix.
 *
 * <p><b>Clients and credentials.</b> Pass your own {@link Storage} ({@link Builder#storage(Storage)}; never closed), or
 * let the builder create one with Application Default Credentials, a service-account key file
 * ({@link Builder#credentialsFile(Path)}), or your {@link Credentials}. The permissions needed are
 * {@code storage.objects.create}, {@code .get}, {@code .delete} and {@code .list} (e.g.
 * {@code roles/storage.objectAdmin} on the bucket).
 *
 * <p>Thread-safe. Found by the engine for {@code gs://bucket/prefix/} URIs through {@code GcsSinkProvider}.
 */
public final class GcsSink implements Sink, AutoCloseable {
    private final GcsStorage storage;

    private GcsSink(GcsStorage storage) {
        this.storage = storage;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code gs://bucket/prefix/}. */
    @Override
    public String location() {
        return storage.location();
    }

    /** The bucket. */
    public String bucket() {
        return storage.bucket();
    }

    /** The prefix every object goes below: empty, or ending with {@code /}. */
    public String prefix() {
        return storage.rootPrefix();
    }

    /** Opens an object at {@code prefix + key}; nothing is sent until the first chunk fills or it is committed. */
    @Override
    public ObjectWriter open(String key) {
        return storage.open(key);
    }

    /** Lists published keys (relative to the prefix) starting with {@code prefix}. */
    @Override
    public List<String> list(String prefix) {
        return storage.list(prefix);
    }

    /** Deletes the object; false when it did not exist. */
    @Override
    public boolean delete(String key) {
        return storage.delete(key);
    }

    /** Opens the object for reading; the caller closes the stream. */
    @Override
    public InputStream read(String key) {
        return storage.read(key);
    }

    /** Nothing to clean: unfinalised resumable uploads are invisible and GCS discards them itself. Returns 0. */
    @Override
    public int cleanStaging(String prefix) {
        return 0;
    }

    /**
     * Stops the upload threads, and closes the client if the builder created it. Objects still being written fail.
     * May be called more than once.
     */
    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "GcsSink[" + location() + "]";
    }

    /** Builds a {@link GcsSink}. Not thread-safe. Only {@link #bucket(String)} is required. */
    public static final class Builder {
        private String bucket;
        private String prefix = "";
        private Storage storage;
        private String projectId;
        private Path credentialsFile;
        private Credentials credentials;
        private URI endpoint;
        private Integer maxAttempts;
        private long chunkSize = 8L * 1024 * 1024;
        private int uploadThreads = 8;

        private Builder() {
        }

        /** The bucket (required). It must exist. */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /** The prefix below which everything is written, e.g. {@code exports/raw} (default: none). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Uses a caller-owned client; Rivet never closes it. Project, credentials, endpoint and retries are then the
         * client's, and setting them here is an error.
         */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** The project (default: from the credentials or the environment). */
        public Builder projectId(String projectId) {
            this.projectId = Objects.requireNonNull(projectId, "projectId");
            return this;
        }

        /** A service-account key file (JSON). Default: Application Default Credentials. */
        public Builder credentialsFile(Path file) {
            this.credentialsFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Credentials for the client the builder creates (yours). {@link NoCredentials} suits emulators. */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** Another endpoint, such as an emulator ({@code http://127.0.0.1:4443}). Default: Google's. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Attempts per request including the first (default 6, 1..20), backoff 100 ms doubling up to 10 s. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new IllegalArgumentException("maxAttempts must be in 1..20 but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Bytes per upload request (default 8MB; a multiple of 256KB, at most 256MB). Memory per file being written
         * is about three chunks.
         */
        public Builder chunkSize(DataSize chunkSize) {
            long bytes = Objects.requireNonNull(chunkSize, "chunkSize").toBytes();
            if (bytes < GcsStorage.CHUNK_GRANULE || bytes % GcsStorage.CHUNK_GRANULE != 0
                    || bytes > 256L * 1024 * 1024) {
                throw new IllegalArgumentException("chunkSize must be a multiple of 256KB between 256KB and 256MB but"
                        + " was " + chunkSize);
            }
            this.chunkSize = bytes;
            return this;
        }

        /** Threads uploading chunks for all files of this sink (default 8, 1..64). */
        public Builder uploadThreads(int uploadThreads) {
            if (uploadThreads < 1 || uploadThreads > 64) {
                throw new IllegalArgumentException("uploadThreads must be in 1..64 but was " + uploadThreads);
            }
            this.uploadThreads = uploadThreads;
            return this;
        }

        /**
         * Returns the sink; creates a client unless one was given. Reads the credentials file now; no network I/O.
         *
         * @throws RivetConfigException for a missing bucket, a bad prefix, an unreadable credentials file or
         *     settings that conflict with a given client
         */
        public GcsSink build() {
            if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
                throw new RivetConfigException("GCS sink: a bucket name is required (without '/'), e.g."
                        + " .bucket(\"lake-raw\"); put folders in .prefix(...)");
            }
            String root = normalizePrefix(prefix);
            String where = "GCS sink gs://" + bucket + "/" + root;
            if (storage != null) {
                if (projectId != null || credentialsFile != null || credentials != null || endpoint != null
                        || maxAttempts != null) {
                    throw new RivetConfigException(where + ": projectId, credentials, endpoint and maxAttempts belong"
                            + " on the Storage you passed; set them there, or drop .storage(...).");
                }
                return new GcsSink(new GcsStorage(storage, false, bucket, root, (int) chunkSize, uploadThreads,
                        null));
            }
            if (credentialsFile != null && credentials != null) {
                throw new RivetConfigException(where + ": set either credentialsFile or credentials, not both.");
            }
            StorageOptions.Builder options = StorageOptions.newBuilder()
                    .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder()
                            .setMaxAttempts(maxAttempts == null ? 6 : maxAttempts)
                            .setInitialRetryDelayDuration(Duration.ofMillis(100))
                            .setMaxRetryDelayDuration(Duration.ofSeconds(10))
                            .setRetryDelayMultiplier(2.0)
                            .setJittered(true)
                            .build());
            if (projectId != null) {
                options.setProjectId(projectId);
            }
            if (endpoint != null) {
                options.setHost(endpoint.toString());
            }
            if (credentials != null) {
                options.setCredentials(credentials);
            } else if (credentialsFile != null) {
                options.setCredentials(readCredentials(where, credentialsFile));
            }
            Storage created;
            try {
                created = options.build().getService();
            } catch (RuntimeException e) {
                throw new RivetConfigException(where + ": cannot create the storage client (" + e.getMessage()
                        + "). Set credentials_file, or configure Application Default Credentials.", e);
            }
            return new GcsSink(new GcsStorage(created, true, bucket, root, (int) chunkSize, uploadThreads,
                    endpoint == null ? null : endpoint.toString()));
        }

        private static Credentials readCredentials(String where, Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                return GoogleCredentials.fromStream(in);
            } catch (NoSuchFileException e) {
                throw new RivetConfigException(where + ": the credentials file " + file + " does not exist; set"
                        + " credentials_file to a service-account key (JSON), or leave it out to use Application"
                        + " Default Credentials.", e);
            } catch (IOException | RuntimeException e) {
                throw new RivetConfigException(where + ": the credentials file " + file + " cannot be used ("
                        + e.getClass().getSimpleName() + "). It must be a service-account or authorized-user key in"
                        + " JSON.", e);
            }
        }

        static String normalizePrefix(String prefix) {
            String p = prefix.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                return "";
            }
            for (String segment : p.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new RivetConfigException("GCS sink: the prefix \"" + prefix + "\" has an empty, '.' or '..'"
                            + " segment; write it like exports/raw.");
                }
            }
            if (p.indexOf('\\') >= 0 || p.indexOf('\0') >= 0) {
                throw new RivetConfigException("GCS sink: the prefix \"" + prefix + "\" contains '\\' or NUL.");
            }
            return p + "/";
        }
    }
}
