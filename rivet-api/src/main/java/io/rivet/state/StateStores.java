package io.rivet.state;

import io.rivet.exception.ProviderNotFoundException;
import io.rivet.spi.EngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/** Factories for the built-in state stores. */
public final class StateStores {
    private StateStores() {
    }

    /** A store that lives in memory and forgets everything when closed; for tests and one-shot runs. */
    public static StateStore inMemory() {
        return new InMemoryStateStore();
    }

    /**
     * The embedded file-backed store (SQLite) in {@code directory} (created if missing), holding {@code state.db}.
     * The caller closes it.
     *
     * @throws ProviderNotFoundException when {@code rivet-core} is not on the class path
     */
    public static StateStore file(Path directory) {
        Objects.requireNonNull(directory, "directory");
        for (EngineFactory factory : ServiceLoader.load(EngineFactory.class, StateStores.class.getClassLoader())) {
            return factory.fileStateStore(directory);
        }
        throw new ProviderNotFoundException("engine", "rivet-core", List.of(),
                "Add io.rivet:rivet-core to the class path.");
    }
}
