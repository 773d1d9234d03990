package io.rivet.core.internal.manifest;

/**
 * Reads single string fields back from a manifest written by {@link Manifest}. Only for Rivet's own manifests (flat
 * string members, escaped by {@code Json}), which is all crash recovery needs.
 */
public final class ManifestReader {
    private ManifestReader() {
    }

    /** The string value of member {@code name}, or {@code null} when absent or JSON null. */
    public static String string(String manifest, String name) {
        String marker = "\"" + name + "\": ";
        int at = manifest.indexOf(marker);
        if (at < 0) {
            return null;
        }
        int i = at + marker.length();
        if (manifest.startsWith("null", i)) {
            return null;
        }
        if (manifest.charAt(i) != '"') {
            throw new IllegalArgumentException("manifest member " + name + " is not a string");
        }
        StringBuilder out = new StringBuilder();
        for (i = i + 1; i < manifest.length(); i++) {
            char c = manifest.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                char e = manifest.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(manifest.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        throw new IllegalArgumentException("manifest member " + name + " is not terminated");
    }
}
