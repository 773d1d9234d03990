package io.rivet.exception;

import java.util.List;

/** No provider (sink, dialect, format, engine) matches a key; the message lists the available ones. */
public class ProviderNotFoundException extends RivetConfigException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String key;
    private final List<String> available;

    /** Creates the exception. */
    public ProviderNotFoundException(String kind, String key, List<String> available, String fix) {
        super("No " + kind + " provider for \"" + key + "\" (available: "
                + (available.isEmpty() ? "none" : String.join(", ", available)) + "). " + fix);
        this.kind = kind;
        this.key = key;
        this.available = List.copyOf(available);
    }

    /** The kind of provider: {@code sink}, {@code dialect}, {@code format} or {@code engine}. */
    public String kind() {
        return kind;
    }

    /** The key that matched nothing. */
    public String key() {
        return key;
    }

    /** The keys that are available. */
    public List<String> available() {
        return available;
    }
}
