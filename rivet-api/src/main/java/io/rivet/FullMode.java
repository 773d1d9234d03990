package io.rivet;

/**
 * Reads the whole table or query in one snapshot (one read-only transaction). Immutable singleton; obtain it with
 * {@link Mode#full()}.
 */
public final class FullMode implements Mode {
    static final FullMode INSTANCE = new FullMode();

    private FullMode() {
    }

    @Override
    public String name() {
        return "full";
    }

    @Override
    public String toString() {
        return "full";
    }
}
