/**
 * Service provider interfaces: {@link io.rivet.spi.SinkProvider} for storage back ends found by URI scheme,
 * {@link io.rivet.spi.ObjectWriter} for staged objects, and {@link io.rivet.spi.EngineFactory}, the internal bootstrap
 * from the API into the engine.
 */
package io.rivet.spi;
