package io.rivet.notify;

import io.rivet.ExportListener;
import io.rivet.ExportResult;
import io.rivet.core.internal.util.JsonText;
import io.rivet.exception.RivetException;
import io.rivet.state.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts run outcomes to a Slack incoming webhook: an {@link ExportListener} to add to the engine with
 * {@code Rivet.builder().addListener(SlackNotifier.builder(webhook).build())}. Immutable and thread-safe.
 *
 * <p>Each message names the export, the status, the rows written, the duration and, on failure, the error. Sending
 * happens after everything else of a run (publication, state, metrics). A notification that cannot be delivered is
 * logged (without the webhook URL, which is a secret) and never fails the export.
 */
public final class SlackNotifier implements ExportListener {
    private static final Logger LOG = LoggerFactory.getLogger(SlackNotifier.class);

    private final URI webhook;
    private final Set<NotificationEvent> events;
    private final Duration timeout;
    private final HttpClient client;

    private SlackNotifier(Builder b) {
        this.webhook = b.webhook;
        this.events = EnumSet.copyOf(b.events);
        this.timeout = b.timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Starts a notifier for {@code webhook} (e.g. {@code https://hooks.slack.com/services/...}); by default it
     * announces failures only.
     */
    public static Builder builder(URI webhook) {
        return new Builder(webhook);
    }

    /** The events announced. */
    public Set<NotificationEvent> events() {
        return EnumSet.copyOf(events);
    }

    @Override
    public void exportFinished(ExportResult result) {
        boolean degraded = result.retries() > 0 || !result.warnings().isEmpty();
        NotificationEvent outcome = degraded ? NotificationEvent.DEGRADED : NotificationEvent.SUCCESS;
        if (events.contains(outcome)) {
            send(outcome, result.exportName(), statusOf(result, degraded), result.rows(), result.duration(),
                    degraded ? summary(result) : null, result.runId());
        }
        if (result.schemaChanged() && events.contains(NotificationEvent.SCHEMA_CHANGE)) {
            send(NotificationEvent.SCHEMA_CHANGE, result.exportName(), "schema changed", result.rows(),
                    result.duration(), String.join("; ", result.schemaChanges()), result.runId());
        }
    }

    @Override
    public void exportFailed(String exportName, String runId, RivetException error) {
        if (events.contains(NotificationEvent.FAILURE)) {
            send(NotificationEvent.FAILURE, exportName, "failed", -1, null, error.getMessage(), runId);
        }
    }

    private static String statusOf(ExportResult result, boolean degraded) {
        if (result.status() == RunStatus.SKIPPED) {
            return "skipped (empty)";
        }
        return degraded ? "succeeded with warnings" : "succeeded";
    }

    private static String summary(ExportResult result) {
        StringBuilder s = new StringBuilder();
        if (result.retries() > 0) {
            s.append(result.retries()).append(result.retries() == 1 ? " retry" : " retries");
        }
        for (String w : result.warnings()) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(w);
        }
        return s.toString();
    }

    /** Builds the Slack message; package-private for tests. */
    static String payload(NotificationEvent event, String exportName, String status, long rows, Duration duration,
            String detail, String runId) {
        String color = switch (event) {
            case FAILURE -> "danger";
            case DEGRADED, SCHEMA_CHANGE -> "warning";
            case SUCCESS -> "good";
        };
        StringBuilder fields = new StringBuilder();
        field(fields, "Export", exportName, true);
        field(fields, "Status", status, true);
        if (rows >= 0) {
            field(fields, "Rows", String.format(Locale.ROOT, "%,d", rows), true);
        }
        if (duration != null) {
            field(fields, "Duration", String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0), true);
        }
        if (runId != null) {
            field(fields, "Run", runId, false);
        }
        if (detail != null && !detail.isEmpty()) {
            field(fields, event == NotificationEvent.FAILURE ? "Error" : "Details", truncate(detail, 1500), false);
        }
        String title = "Rivet: export " + exportName + " " + status;
        return "{\"text\":" + quote(title) + ",\"attachments\":[{\"color\":\"" + color + "\",\"fields\":["
                + fields + "]}]}";
    }

    private static void field(StringBuilder out, String title, String value, boolean isShort) {
        if (out.length() > 0) {
            out.append(',');
        }
        out.append("{\"title\":").append(quote(title)).append(",\"value\":").append(quote(value))
                .append(",\"short\":").append(isShort).append('}');
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        JsonText.appendString(out, s);
        return out.toString();
    }

    private void send(NotificationEvent event, String exportName, String status, long rows, Duration duration,
            String detail, String runId) {
        String body = payload(event, exportName, status, rows, duration, detail, runId);
        try {
            HttpRequest request = HttpRequest.newBuilder(webhook).timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOG.warn("{}: the Slack webhook answered {} to the {} notification; the export is not affected",
                        exportName, response.statusCode(), event.configName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: interrupted while sending the {} notification", exportName, event.configName());
        } catch (Exception e) {
            // Never the URL: it is the secret that authorises posting to the channel.
            LOG.warn("{}: the {} notification to Slack could not be sent ({}); the export is not affected",
                    exportName, event.configName(), e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "SlackNotifier{webhook=" + webhook.getScheme() + "://" + webhook.getHost() + "/***, events=" + events
                + "}";
    }

    /** Builds a {@link SlackNotifier}. Not thread-safe. */
    public static final class Builder {
        private final URI webhook;
        private Set<NotificationEvent> events = EnumSet.of(NotificationEvent.FAILURE);
        private Duration timeout = Duration.ofSeconds(10);

        private Builder(URI webhook) {
            this.webhook = Objects.requireNonNull(webhook, "webhook");
            String scheme = webhook.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("the Slack webhook must be an http(s) URL");
            }
        }

        /** The events to announce (default: failure only). */
        public Builder events(Set<NotificationEvent> events) {
            if (events.isEmpty()) {
                throw new IllegalArgumentException("at least one notification event is required");
            }
            this.events = EnumSet.copyOf(events);
            return this;
        }

        /** How long one delivery may take (default 10 s). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Returns the notifier. */
        public SlackNotifier build() {
            return new SlackNotifier(this);
        }
    }
}
