package io.rivet.sink.gcs;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Fault injection for GCS: a {@link Storage} whose resumable uploads of chosen objects fail with a 503 from their
 * {@code failAtWrite}-th write on, as the service does when it is overloaded; everything else goes to the real (here
 * in-memory) storage. Counts the writes and the failures.
 */
final class FailingStorage {
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger finalised = new AtomicInteger();
    private final Storage delegate;
    private volatile Predicate<String> failing;
    private final int failAtWrite;

    FailingStorage(Storage delegate, Predicate<String> failing, int failAtWrite) {
        this.delegate = delegate;
        this.failing = failing;
        this.failAtWrite = failAtWrite;
    }

    /** Stops injecting failures. */
    void heal() {
        failing = name -> false;
    }

    Storage storage() {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("writer") && args != null && args[0] instanceof BlobInfo info) {
                return wrap((WriteChannel) result, failing.test(info.getName()));
            }
            return result;
        };
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                handler);
    }

    private WriteChannel wrap(WriteChannel real, boolean fail) {
        AtomicInteger writes = new AtomicInteger();
        return (WriteChannel) Proxy.newProxyInstance(WriteChannel.class.getClassLoader(),
                new Class<?>[] {WriteChannel.class}, (proxy, method, args) -> {
                    if (method.getName().equals("write") && fail && writes.incrementAndGet() >= failAtWrite) {
                        failures.incrementAndGet();
                        ((ByteBuffer) args[0]).position(((ByteBuffer) args[0]).position());
                        throw new StorageException(503, "injected: the service is unavailable");
                    }
                    if (method.getName().equals("close")) {
                        finalised.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof IOException io) {
                            throw io;
                        }
                        throw e.getCause();
                    }
                });
    }
}
