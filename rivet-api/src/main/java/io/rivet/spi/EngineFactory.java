package io.rivet.spi;

import io.rivet.Rivet;
import io.rivet.state.StateStore;
import java.nio.file.Path;

/**
 * The bootstrap from {@code rivet-api} into the engine in {@code rivet-core}, found with {@link java.util.ServiceLoader}.
 * A contract between Rivet's own modules: not for applications, and it may change in any release.
 */
public interface EngineFactory {

    /** Creates an engine from the settings gathered by {@link Rivet.Builder}. */
    Rivet create(EngineConfig config);

    /** Creates the embedded file-backed state store under {@code directory}. */
    StateStore fileStateStore(Path directory);
}
