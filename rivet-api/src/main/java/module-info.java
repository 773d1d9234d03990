/**
 * Rivet's stable public API. Exports only the API packages; the engine lives in {@code io.rivet.core} and is found
 * through {@link io.rivet.spi.EngineFactory} with {@link java.util.ServiceLoader}.
 */
module io.rivet.api {
    requires transitive java.sql;

    exports io.rivet;
    exports io.rivet.check;
    exports io.rivet.exception;
    exports io.rivet.spi;
    exports io.rivet.state;

    uses io.rivet.spi.EngineFactory;
    uses io.rivet.spi.SinkProvider;
}
