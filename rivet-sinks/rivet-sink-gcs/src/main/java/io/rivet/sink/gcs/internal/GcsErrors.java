package io.rivet.sink.gcs.internal;

import com.google.cloud.BaseServiceException;
import io.rivet.exception.SinkException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Turns Google Cloud Storage failures into {@link SinkException}s naming the bucket and object, what the service
 * answered, and the fix (missing bucket, missing permission, credentials, unreachable endpoint); retryable when the
 * failure is transient (429, 5xx, network errors). Stateless.
 */
public final class GcsErrors {

    /** The IAM permissions the sink needs. NOTE: shown to users; keep in step with the docs. */
    public static final String PERMISSIONS = "storage.objects.create, storage.objects.get, storage.objects.delete and"
            + " storage.objects.list (for example roles/storage.objectAdmin on the bucket)";

    /** What went wrong. */
    public enum Kind {
        /** The bucket does not exist. */
        NO_SUCH_BUCKET,
        /** The object does not exist. */
        NO_SUCH_OBJECT,
        /** A permission is missing. */
        ACCESS_DENIED,
        /** No credentials, or they were refused. */
        CREDENTIALS,
        /** The endpoint cannot be reached. */
        UNREACHABLE,
        /** Too many requests, or the service failed. */
        TRANSIENT,
        /** Anything else. */
        OTHER
    }

    private GcsErrors() {
    }

    /**
     * Classifies a failure.
     *
     * @param e the failure
     * @param reading whether the request read an object (then 404 means the object, otherwise the bucket)
     */
    public static Kind kind(Throwable e, boolean reading) {
        BaseServiceException service = find(e, BaseServiceException.class);
        if (service != null && service.getCode() > 0) {
            int code = service.getCode();
            if (code == 404) {
                String m = String.valueOf(service.getMessage()).toLowerCase(Locale.ROOT);
                return reading && !m.contains("bucket") ? Kind.NO_SUCH_OBJECT : Kind.NO_SUCH_BUCKET;
            }
            if (code == 401) {
                return Kind.CREDENTIALS;
            }
            if (code == 403) {
                return Kind.ACCESS_DENIED;
            }
            if (code == 408 || code == 429 || code >= 500) {
                return Kind.TRANSIENT;
            }
            return Kind.OTHER;
        }
        if (find(e, UnknownHostException.class) != null || find(e, ConnectException.class) != null
                || find(e, NoRouteToHostException.class) != null || find(e, SocketTimeoutException.class) != null
                || find(e, SocketException.class) != null || find(e, javax.net.ssl.SSLException.class) != null) {
            return Kind.UNREACHABLE;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("credentials") || m.contains("unauthenticated")) {
                return Kind.CREDENTIALS;
            }
        }
        return Kind.OTHER;
    }

    /** Whether running again may succeed without a change. */
    public static boolean retryable(Throwable e, boolean reading) {
        Kind kind = kind(e, reading);
        if (kind == Kind.TRANSIENT || kind == Kind.UNREACHABLE) {
            return true;
        }
        BaseServiceException service = find(e, BaseServiceException.class);
        if (service != null) {
            return service.isRetryable();
        }
        return kind == Kind.OTHER && find(e, IOException.class) != null;
    }

    /**
     * Builds the exception for a failed action.
     *
     * @param store the sink
     * @param action what was being done, e.g. {@code uploading}
     * @param key the object's key relative to the sink, or {@code null}
     * @param reading whether the action read an object
     * @param e the failure
     */
    public static SinkException failure(GcsStorage store, String action, String key, boolean reading, Throwable e) {
        String where = key == null ? store.location() : "\"" + key + "\" (" + store.uri(key) + ")";
        Kind kind = kind(e, reading);
        String message = "GCS sink " + store.location() + ": " + action + " " + where + " failed (" + describe(e)
                + "). " + fix(store, kind);
        return new SinkException(null, store.location(), key, message, e, retryable(e, reading));
    }

    static String fix(GcsStorage store, Kind kind) {
        String bucket = store.bucket();
        return switch (kind) {
            case NO_SUCH_BUCKET -> "The bucket \"" + bucket + "\" does not exist: create it, or correct the bucket"
                    + " name (destination.bucket).";
            case NO_SUCH_OBJECT -> "The object does not exist; it may have been deleted by someone else.";
            case ACCESS_DENIED -> "The credentials in use lack a permission on gs://" + bucket + ": grant "
                    + PERMISSIONS + ".";
            case CREDENTIALS -> "No usable credentials: set credentials_file to a service-account key file, or"
                    + " configure Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth"
                    + " application-default login, or the workload's service account).";
            case UNREACHABLE -> "Could not reach " + store.endpointDescription() + ", or it dropped the connection:"
                    + " check destination.endpoint and the network; then run again (resume a chunked export).";
            case TRANSIENT -> "The service failed or asked to slow down and the retries were used up: run again"
                    + " (resume a chunked export), or lower parallel. Nothing partial is visible.";
            case OTHER -> "Check the destination settings; nothing partial is visible.";
        };
    }

    static String describe(Throwable e) {
        BaseServiceException service = find(e, BaseServiceException.class);
        if (service != null && service.getCode() > 0) {
            return service.getCode() + (service.getReason() == null ? "" : " " + service.getReason()) + ": "
                    + firstLine(service.getMessage());
        }
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause() == t ? null : t.getCause()) {
            String part = t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
            if (sb.indexOf(part) < 0) {
                sb.append(sb.length() == 0 ? "" : "; caused by ").append(part);
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
