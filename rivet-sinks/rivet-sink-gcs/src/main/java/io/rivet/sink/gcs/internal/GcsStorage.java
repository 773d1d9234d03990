package io.rivet.sink.gcs.internal;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.rivet.exception.SinkException;
import io.rivet.sink.support.ObjectKeys;
import io.rivet.sink.support.PartBufferPool;
import io.rivet.spi.ObjectWriter;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The GCS sink's machinery behind {@link io.rivet.sink.gcs.GcsSink}: a {@link Storage} client, a bucket and a root
 * prefix, a small pool of upload threads shared by all objects being written, and a pool of chunk buffers.
 *
 * <p>Thread-safe. It closes the client only when it created it.
 */
public final class GcsStorage implements AutoCloseable {
    /** The chunk size must be a multiple of this (the resumable upload protocol's granule). */
    public static final int CHUNK_GRANULE = 256 * 1024;
    private static final int MAX_NAME_BYTES = 1024;

    private final Storage storage;
    private final boolean ownsStorage;
    private final String bucket;
    private final String rootPrefix;
    private final String location;
    private final ObjectKeys keys;
    private final int chunkSize;
    private final String endpointDescription;
    private final ThreadPoolExecutor uploads;
    private final PartBufferPool buffers;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the machinery; does no I/O.
     *
     * @param storage the client
     * @param ownsStorage whether {@link #close()} closes the client
     * @param bucket the bucket
     * @param rootPrefix empty, or ending with {@code /}
     * @param chunkSize bytes per resumable-upload chunk, a multiple of 256 KiB
     * @param uploadThreads threads uploading chunks for all objects
     * @param endpointDescription the endpoint for messages, or {@code null} for Google's
     */
    public GcsStorage(Storage storage, boolean ownsStorage, String bucket, String rootPrefix, int chunkSize,
            int uploadThreads, String endpointDescription) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.ownsStorage = ownsStorage;
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.rootPrefix = Objects.requireNonNull(rootPrefix, "rootPrefix");
        if (chunkSize < CHUNK_GRANULE || chunkSize % CHUNK_GRANULE != 0) {
            throw new IllegalArgumentException("chunk size must be a positive multiple of 256KB but was " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.endpointDescription = endpointDescription;
        this.location = "gs://" + bucket + "/" + rootPrefix;
        this.keys = new ObjectKeys("GCS", location, rootPrefix, MAX_NAME_BYTES, false);
        AtomicInteger n = new AtomicInteger();
        this.uploads = new ThreadPoolExecutor(uploadThreads, uploadThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "rivet-gcs-upload-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.uploads.allowCoreThreadTimeOut(true);
        // Each object holds at most two chunk buffers (one uploading, one filling); keep a few free between objects.
        this.buffers = new PartBufferPool(uploadThreads + 2);
    }

    /** {@code gs://bucket/prefix/}. */
    public String location() {
        return location;
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** Empty, or ending with {@code /}. */
    public String rootPrefix() {
        return rootPrefix;
    }

    /** The full {@code gs://} URI of a key. */
    public String uri(String key) {
        return location + key;
    }

    /** The endpoint, for messages. */
    public String endpointDescription() {
        return endpointDescription == null ? "storage.googleapis.com" : endpointDescription;
    }

    Storage storage() {
        return storage;
    }

    int chunkSize() {
        return chunkSize;
    }

    ExecutorService uploads() {
        return uploads;
    }

    /** The pool of chunk buffers the object writers stream through. */
    PartBufferPool buffers() {
        return buffers;
    }

    BlobId blobId(String key) {
        return BlobId.of(bucket, rootPrefix + key);
    }

    /** Opens a writer; nothing is sent until the first chunk fills or the object is committed. */
    public ObjectWriter open(String key) {
        checkKey(key, false);
        if (closed.get()) {
            throw new SinkException(null, location, key, "GCS sink " + location + " is closed; cannot open \"" + key
                    + "\".", null, false);
        }
        return new GcsObjectWriter(this, key);
    }

    /** Lists published keys (relative to the root) starting with {@code prefix}, every page. */
    public List<String> list(String prefix) {
        checkKey(prefix, true);
        List<String> keys = new ArrayList<>();
        try {
            Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(rootPrefix + prefix));
            for (Blob b : page.iterateAll()) {
                if (b.getName().startsWith(rootPrefix) && !b.getName().endsWith("/")) {
                    keys.add(b.getName().substring(rootPrefix.length()));
                }
            }
        } catch (RuntimeException e) {
            throw GcsErrors.failure(this, "listing", prefix.isEmpty() ? null : prefix + "*", false, e);
        }
        return keys;
    }

    /** Deletes the object; false when there was none. */
    public boolean delete(String key) {
        checkKey(key, false);
        try {
            return storage.delete(blobId(key));
        } catch (RuntimeException e) {
            throw GcsErrors.failure(this, "deleting", key, false, e);
        }
    }

    /** Opens the object for reading; the caller closes the stream. */
    public InputStream read(String key) {
        checkKey(key, false);
        try {
            Blob blob = storage.get(blobId(key));
            if (blob == null) {
                throw new SinkException(null, location, key, "GCS sink " + location + ": no object \"" + key + "\" ("
                        + uri(key) + "). It may have been deleted by someone else.", null, false);
            }
            ReadChannel channel = storage.reader(blobId(key));
            return new BufferedInputStream(Channels.newInputStream(channel), 256 * 1024);
        } catch (SinkException e) {
            throw e;
        } catch (RuntimeException e) {
            throw GcsErrors.failure(this, "reading", key, true, e);
        }
    }

    /** Stops the upload threads and closes the client if this sink created it. May be called more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        uploads.shutdown();
        buffers.close();
        if (ownsStorage) {
            try {
                storage.close();
            } catch (Exception e) {
                // Closing releases transport resources; nothing is lost if it fails.
            }
        }
    }

    /** Checks a key (or a prefix); see {@link ObjectKeys#check}. */
    void checkKey(String key, boolean prefix) {
        keys.check(key, prefix);
    }

    @Override
    public String toString() {
        return "GcsStorage[" + location + "]";
    }
}
