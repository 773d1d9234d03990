package io.rivet.core.internal.util;

/**
 * A minimal JSON text builder for the few documents Rivet writes (the manifest). rivet-core carries no JSON library, and
 * these documents are small and flat enough that a writer with correct string escaping is all that is needed.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder(1024);
    private final boolean[] first = new boolean[64];
    private int depth;
    private final String indent;

    /** Creates a pretty-printing writer (two spaces). */
    public Json() {
        this.indent = "  ";
    }

    /** Starts an object: as a value after {@link #name(String)}, in an array, or at the top. */
    public Json beginObject() {
        opener("{");
        push();
        return this;
    }

    /** Ends the current object. */
    public Json endObject() {
        pop();
        out.append('}');
        return this;
    }

    /** Starts an array. */
    public Json beginArray() {
        opener("[");
        push();
        return this;
    }

    /** Ends the current array. */
    public Json endArray() {
        pop();
        out.append(']');
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    public Json name(String name) {
        separator();
        quote(name);
        out.append(": ");
        pendingValue = true;
        return this;
    }

    /** Writes a string value (or null). */
    public Json value(String s) {
        if (s == null) {
            raw("null");
        } else {
            prepareValue();
            quote(s);
        }
        return this;
    }

    /** Writes a number value. */
    public Json value(long n) {
        return raw(Long.toString(n));
    }

    /** Writes a boolean value. */
    public Json value(boolean b) {
        return raw(Boolean.toString(b));
    }

    /** Writes {@code name: value} for a string. */
    public Json field(String name, String value) {
        return name(name).value(value);
    }

    /** Writes {@code name: value} for a number. */
    public Json field(String name, long value) {
        return name(name).value(value);
    }

    /** Writes {@code name: value} for a boolean. */
    public Json field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The document so far, with a trailing newline. */
    @Override
    public String toString() {
        return out + "\n";
    }

    private boolean pendingValue;

    private Json raw(String text) {
        prepareValue();
        out.append(text);
        return this;
    }

    private void opener(String opener) {
        prepareValue();
        out.append(opener);
    }

    private void prepareValue() {
        if (pendingValue) {
            pendingValue = false;
        } else if (depth > 0) {
            separator();
        }
    }

    private void separator() {
        if (!first[depth]) {
            out.append(',');
        }
        first[depth] = false;
        out.append('\n');
        out.append(indent.repeat(depth));
    }

    private void push() {
        depth++;
        first[depth] = true;
    }

    private void pop() {
        boolean empty = first[depth];
        depth--;
        if (!empty) {
            out.append('\n').append(indent.repeat(depth));
        }
    }

    private void quote(String s) {
        JsonText.appendString(out, s);
    }
}
