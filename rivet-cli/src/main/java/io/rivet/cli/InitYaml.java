package io.rivet.cli;

import io.rivet.ChunkedMode;
import io.rivet.IncrementalMode;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.check.TableDiscovery;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the {@code rivet.yaml} that {@code rivet init} scaffolds from {@link TableDiscovery}s: one source read from
 * an environment variable (never a secret), one export per table with the suggested mode and its keys, and comments
 * giving the reason for every choice. Stateless.
 */
final class InitYaml {
    /** A YAML scalar that needs no quotes (and is not a YAML 1.1 boolean or null). */
    private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-/]*");
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false",
            "null");
    private static final Pattern NAME_CHAR = Pattern.compile("[^A-Za-z0-9_.-]");

    private InitYaml() {
    }

    /**
     * The YAML text.
     *
     * @param dialect {@code postgres} or {@code mysql}
     * @param urlEnv the environment variable holding the source URL
     * @param scope what was discovered, for the header, e.g. {@code schema shop}
     * @param tables the tables, in order
     * @param format {@code parquet} or {@code csv}
     * @param destination the local output directory, relative to the file
     */
    static String render(String dialect, String urlEnv, String scope, List<TableDiscovery> tables, String format,
            String destination) {
        StringBuilder y = new StringBuilder();
        y.append("# Scaffolded by `rivet init` from ").append(scope).append(".\n");
        y.append("# Review every export, then run `rivet check -c <this file>` before `rivet run`.\n");
        y.append("source:\n");
        y.append("  type: ").append(dialect).append('\n');
        y.append("  # The URL (with the user and password) is read from this environment variable; never write a\n");
        y.append("  # password in this file.\n");
        y.append("  url_env: ").append(scalar(urlEnv)).append('\n');
        Profile sourceProfile = mostCautious(tables);
        y.append("  tuning:\n");
        y.append("    # safe on a busy primary, balanced for moderate load, fast only on a replica; this is the most\n");
        y.append("    # cautious of the exports' suggestions (an export's own tuning overrides it).\n");
        y.append("    profile: ").append(sourceProfile.name()).append('\n');
        y.append("\nexports:\n");
        Set<String> names = new HashSet<>();
        for (TableDiscovery t : tables) {
            y.append('\n');
            y.append("  # ").append(t.table()).append(": ").append(t.kind()).append(", ")
                    .append(t.rowEstimate() < 0 ? "no row estimate" : "~" + Formats.count(t.rowEstimate()) + " rows")
                    .append(t.totalBytes() < 0 ? "" : ", " + Formats.bytes(t.totalBytes())).append(".\n");
            for (String reason : t.reasons()) {
                comment(y, "- " + reason + ".");
            }
            for (String note : t.notes()) {
                comment(y, "REVIEW: " + note + ".");
            }
            y.append("  - name: ").append(scalar(uniqueName(t, names))).append('\n');
            if (t.suggestedQuery() != null) {
                y.append("    query: ").append(quoted(t.suggestedQuery())).append('\n');
            } else {
                y.append("    table: ").append(scalar(t.table())).append('\n');
            }
            mode(y, t.suggestedMode());
            y.append("    format: ").append(format).append('\n');
            if (format.equals("parquet")) {
                y.append("    compression: zstd\n");
            }
            y.append("    destination:\n");
            y.append("      type: local\n");
            y.append("      path: ").append(scalar(destination)).append('\n');
            if (!t.suggestedProfile().name().equals(sourceProfile.name())) {
                y.append("    tuning:\n");
                y.append("      profile: ").append(t.suggestedProfile().name()).append('\n');
            }
        }
        return y.toString();
    }

    private static void mode(StringBuilder y, Mode mode) {
        y.append("    mode: ").append(mode.name()).append('\n');
        if (mode instanceof ChunkedMode m) {
            y.append("    chunk_column: ").append(scalar(m.column())).append('\n');
            y.append("    chunk_size: ").append(m.chunkSize()).append('\n');
            y.append("    parallel: ").append(m.parallelism()).append('\n');
        } else if (mode instanceof IncrementalMode m) {
            y.append("    cursor_column: ").append(scalar(m.cursorColumn())).append('\n');
            if (m.tieBreaker() != null) {
                y.append("    tie_breaker_column: ").append(scalar(m.tieBreaker())).append('\n');
            }
        }
    }

    /** A comment wrapped at 116 characters; continuation lines are indented two more spaces. */
    private static void comment(StringBuilder y, String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : text.split(" ")) {
            int prefix = lines.isEmpty() ? 4 : 6;
            if (current.length() > 0 && prefix + current.length() + 1 + word.length() > 116) {
                lines.add(current.toString());
                current = new StringBuilder();
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        lines.add(current.toString());
        for (int i = 0; i < lines.size(); i++) {
            y.append(i == 0 ? "  # " : "  #   ").append(lines.get(i)).append('\n');
        }
    }

    /** The most cautious suggested profile: safe over balanced over fast. */
    static Profile mostCautious(List<TableDiscovery> tables) {
        Profile best = null;
        for (TableDiscovery t : tables) {
            Profile p = t.suggestedProfile();
            if (best == null || rank(p) > rank(best)) {
                best = p;
            }
        }
        return best == null ? Profile.BALANCED : best;
    }

    private static int rank(Profile p) {
        return switch (p.name()) {
            case "safe" -> 2;
            case "balanced" -> 1;
            default -> 0;
        };
    }

    /** The export's name: the table's name, made valid and unique (the schema is prefixed on a clash). */
    static String uniqueName(TableDiscovery t, Set<String> taken) {
        String table = t.table();
        int dot = table.indexOf('.');
        String base = clean(dot < 0 ? table : table.substring(dot + 1));
        String name = base;
        if (taken.contains(name) && dot > 0) {
            name = clean(table.substring(0, dot)) + "_" + base;
        }
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "_" + i;
        }
        taken.add(candidate);
        return candidate;
    }

    private static String clean(String s) {
        String c = NAME_CHAR.matcher(s).replaceAll("_");
        if (c.isEmpty() || !Character.isLetterOrDigit(c.charAt(0))) {
            c = "t" + c;
        }
        return c.length() > 128 ? c.substring(0, 128) : c;
    }

    /** A bare scalar when that is unambiguous YAML, else a double-quoted one. */
    static String scalar(String s) {
        return BARE.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT)) ? s : quoted(s);
    }

    /** A double-quoted YAML scalar (JSON escaping, which YAML's double-quoted style accepts). */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
