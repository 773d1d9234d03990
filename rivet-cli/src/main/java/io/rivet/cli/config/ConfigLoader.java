package io.rivet.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rivet.Export;
import io.rivet.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code rivet.yaml} into {@link Export}s. Every key is checked: an unknown key at any level is an error with a
 * "did you mean" and its full path ({@code exports[0].chunk_colum}); all problems of a file are reported together in
 * one {@link ConfigException}; a YAML syntax error gives its line and column. Secrets come only from environment
 * variables ({@code url_env}, {@code password_env}, {@code webhook_url_env}); a variable that is not set is an
 * error naming it. Relative paths ({@code query_file}, local {@code destination.path}) are relative to the file's
 * directory.
 *
 * <p>Stateless and thread-safe. Loading opens no connection.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /**
     * Loads and validates a configuration file.
     *
     * @param file the file; shown in messages as given
     * @param env the environment to resolve {@code *_env} keys from (usually {@code System.getenv()})
     * @throws ConfigException listing every problem of the file
     */
    public static RivetConfig load(Path file, Map<String, String> env) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(env, "env");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(file + ": no such file; pass the configuration with"
                    + " -c <file> (see rivet.example.yaml)"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
        Path absolute = file.toAbsolutePath().normalize();
        return parse(text, file.toString(), absolute, env);
    }

    /**
     * Parses configuration text as if it were the file {@code file} (whose directory anchors relative paths).
     *
     * @param text the YAML
     * @param displayName the name used in messages, e.g. {@code rivet.yaml}
     * @param file the absolute path the text stands for
     * @param env the environment to resolve {@code *_env} keys from
     * @throws ConfigException listing every problem
     */
    public static RivetConfig parse(String text, String displayName, Path file, Map<String, String> env) {
        Problems problems = new Problems(displayName);
        JsonNode root = readTree(text, problems);
        problems.throwIfAny();
        if (root == null || root.isMissingNode() || root.isNull()) {
            problems.add("the file is empty; it needs source: and exports: (see rivet.example.yaml)");
            problems.throwIfAny();
        }
        Path directory = file.getParent();

        YamlObject top = YamlObject.of(root, "", Keys.ROOT, problems);
        if (top == null) {
            problems.throwIfAny();
        }
        Source source = null;
        Tuning sourceTuning = Tuning.EMPTY;
        if (!top.has("source")) {
            problems.add("source is required: the database to read, e.g. source: {type: postgres, url_env:"
                    + " DATABASE_URL}");
        } else {
            YamlObject s = top.object("source", Keys.SOURCE);
            if (s != null) {
                source = SourceParser.parse(s, env);
                sourceTuning = Tuning.parse(s.object("tuning", Keys.TUNING));
            }
        }

        List<Export> exports = new ArrayList<>();
        JsonNode list = top.raw("exports");
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add("exports must be a non-empty list of exports, e.g. exports: [{name: orders, table:"
                    + " public.orders, format: parquet, destination: {type: local, path: out}}]");
        } else {
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "exports[" + i + "]";
                YamlObject e = YamlObject.of(list.get(i), path, Keys.EXPORT, problems);
                if (e == null) {
                    continue;
                }
                String name = e.raw("name") != null && e.raw("name").isValueNode() ? e.raw("name").asText() : null;
                if (name != null && names.containsKey(name)) {
                    problems.add(path + ".name \"" + name + "\" is also the name of exports[" + names.get(name)
                            + "]; names must be unique (they name the output prefix and the stored state)");
                } else if (name != null) {
                    names.put(name, i);
                }
                Export export = ExportParser.parse(e, source, sourceTuning, directory, env);
                if (export != null) {
                    exports.add(export);
                }
            }
        }

        SlackNotifications slack = null;
        YamlObject notifications = top.object("notifications", Keys.NOTIFICATIONS);
        if (notifications != null) {
            slack = slack(notifications.object("slack", Keys.SLACK), env);
        }
        problems.throwIfAny();
        return new RivetConfig(file, exports, slack);
    }

    private static JsonNode readTree(String text, Problems problems) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            MarkedYAMLException marked = findMarked(e);
            if (marked != null && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                String context = marked.getContext() == null ? "" : " (" + marked.getContext()
                        + (marked.getContextMark() == null ? "" : " that starts at line "
                                + (marked.getContextMark().getLine() + 1) + ", column "
                                + (marked.getContextMark().getColumn() + 1)) + ")";
                problems.addAt(mark.getLine() + 1, mark.getColumn() + 1,
                        "YAML syntax error: " + marked.getProblem() + context);
            } else {
                JsonLocation at = e.getLocation();
                String message = e.getOriginalMessage();
                if (message != null && message.startsWith("Duplicate field")) {
                    message = message.replace("Duplicate field", "duplicate key") + "; each key may appear once";
                }
                problems.addAt(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                        "YAML error: " + message);
            }
            return null;
        }
    }

    private static MarkedYAMLException findMarked(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    private static SlackNotifications slack(YamlObject s, Map<String, String> env) {
        if (s == null) {
            return null;
        }
        Problems problems = s.problems();
        int before = problems.size();
        String variable = s.requiredString("webhook_url_env",
                "the environment variable holding the Slack webhook URL");
        if (variable != null && env.get(variable) == null) {
            problems.add(SourceParser.unsetVariable(s.pathOf("webhook_url_env"), variable,
                    "https://hooks.slack.com/services/..."));
        }
        Set<String> on = new LinkedHashSet<>();
        List<String> events = s.has("on") ? s.stringList("on") : List.of("failure");
        if (events != null) {
            for (String event : events) {
                if (SlackNotifications.EVENTS.contains(event)) {
                    on.add(event);
                } else {
                    problems.add(s.pathOf("on") + " contains \"" + event + "\"; use "
                            + String.join(", ", SlackNotifications.EVENTS));
                }
            }
        }
        return problems.size() > before || variable == null ? null : new SlackNotifications(variable, on);
    }
}
