/**
 * The engine's extension points: {@link io.rivet.core.spi.Dialect} for source databases and
 * {@link io.rivet.core.spi.FormatWriter} for file formats, both found through ServiceLoader. These may use Arrow types
 * and are incubating until 1.0.
 */
package io.rivet.core.spi;
