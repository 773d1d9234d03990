package io.rivet.exception;

import java.util.List;

/** Several providers claim the same key; Rivet refuses to guess. */
public class ProviderConflictException extends RivetConfigException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final List<String> classes;

    /** Creates the exception. */
    public ProviderConflictException(String kind, String key, List<String> classes) {
        super("Several " + kind + " providers claim \"" + key + "\": " + String.join(", ", classes)
                + ". Remove all but one from the class path, or pass the instance you want explicitly.");
        this.key = key;
        this.classes = List.copyOf(classes);
    }

    /** The contested key. */
    public String key() {
        return key;
    }

    /** The classes of the competing providers. */
    public List<String> classes() {
        return classes;
    }
}
