package io.rivet.core.internal.util;

/** Closes several resources in order, keeping the first failure and attaching the rest as suppressed. */
public final class Closeables {
    private Closeables() {
    }

    /**
     * Closes each non-null resource in order. Returns {@code primary} (or the first close failure when
     * {@code primary} is null) with every other failure suppressed on it; returns null when nothing failed.
     */
    public static Throwable closeAll(Throwable primary, AutoCloseable... resources) {
        Throwable first = primary;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else if (first != t) {
                    first.addSuppressed(t);
                }
            }
        }
        return first;
    }

    /** Closes each resource; throws the first failure (unchecked) with the others suppressed. */
    public static void closeAllOrThrow(AutoCloseable... resources) {
        Throwable t = closeAll(null, resources);
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t.getMessage(), t);
        }
    }
}
